"""Parity with the Model Openness Tool on all 27 of its published reference releases.

The releases and the tool's classifications are transcribed from lfai/model_openness_tool
``Test_Data/expected_results.json`` (commit 5cc8333d3d18f07ac0cfe30563ecc73c441810bd): for each release its
global licenses, its components (name -> license; None: the component is listed without a license) and the
tool's (class, class I %, class II %, class III %). A release whose global ``license`` is ``[]`` in the file
has no global licenses here. The tool compares license ids exactly, so the evaluation runs ``as_written``.
"""

from __future__ import annotations

import pytest
from openness_helpers import mot_yaml

from sovaudit.audits.openness.declarations import mof_input, parse_declaration
from sovaudit.audits.openness.mof import evaluate

ARCH, PRE, TRAIN, INF, EVC = (
    "Model architecture",
    "Data preprocessing code",
    "Training code",
    "Inference code",
    "Evaluation code",
)
LIBS, FINAL, INTER, DATA, EVD = (
    "Supporting libraries and tools",
    "Model parameters (Final)",
    "Model parameters (Intermediate)",
    "Datasets",
    "Evaluation data",
)
META, SAMPLE, CARD, DCARD, TR, RP, EVR = (
    "Model metadata",
    "Sample model outputs",
    "Model card",
    "Data card",
    "Technical report",
    "Research paper",
    "Evaluation results",
)
T3 = 100 / 3


def bare(*names: str) -> dict[str, str | None]:
    """Components listed without a license."""
    return dict.fromkeys(names)


# (id in the file, global licenses, components, (class, class I, class II, class III))
CASES = [
    (1, {"distribution": "CC-BY-SA-4.0", "data": "CC0-1.0"}, bare(DATA, DCARD, RP), (None, 0, 0, T3)),
    (
        2,
        {"distribution": "AFL-3.0", "code": "Apache-1.0", "document": "CC-BY-SA-4.0"},
        bare(ARCH, PRE, TRAIN, INF, EVC, LIBS, FINAL, INTER, DATA, EVD, META, SAMPLE, CARD, DCARD, TR),
        (None, 0, 0, 500 / 6),
    ),
    (
        3,
        {"document": "CC0-1.0"},
        {
            ARCH: "MIT",
            TRAIN: "AFL-3.0",
            INF: "NCSA",
            EVC: "ECL-1.0",
            LIBS: "Apache-2.0",
            FINAL: "CC-BY-3.0-NL",
            EVD: "CC-BY-3.0-US",
            CARD: "CC-BY-SA-3.0",
            DCARD: "CC-BY-4.0",
            RP: "CC-BY-SA-3.0",
            EVR: "CC-BY-4.0",
        },
        (2, 1000 / 13, 100, 100),
    ),
    (
        4,
        {
            "distribution": "CDLA-Permissive-2.0",
            "code": "ECL-2.0",
            "data": "CC-BY-2.5-AU",
            "document": "CC-BY-4.0",
        },
        {
            ARCH: "zlib-acknowledgement",
            PRE: "AFL-3.0",
            TRAIN: "ECL-2.0",
            EVC: "UPL-1.0",
            LIBS: "AFL-1.1",
            FINAL: "ODbL-1.0",
            INTER: "Xfig",
            DATA: "CC-BY-2.0",
            EVD: "CC-BY-SA-4.0",
            META: "BSD-2-Clause",
            SAMPLE: "CC-BY-4.0",
            CARD: "CC-BY-SA-3.0",
            DCARD: "SMLNJ",
            TR: "CC0-1.0",
            EVR: "CC-BY-SA-4.0",
        },
        (None, 0, 0, 500 / 6),
    ),
    (
        5,
        {"data": "CDLA-Permissive-2.0"},
        {
            ARCH: "Apache-2.0",
            TRAIN: "ECL-1.0",
            INF: "AFL-1.1",
            EVC: "MIT-0",
            LIBS: "UPL-1.0",
            FINAL: "CC-BY-3.0-DE",
            EVD: "ODC-By-1.0",
            CARD: "CC0-1.0",
            DCARD: "CC-BY-SA-4.0",
            TR: "CC0-1.0",
            EVR: "CC-BY-SA-4.0",
        },
        (2, 1000 / 14, 100, 100),
    ),
    (
        6,
        {},
        {
            PRE: "HPND-sell-MIT-disclaimer-xserver",
            TRAIN: "YPL-1.0",
            INF: "AGPL-1.0-or-later",
            LIBS: "0BSD",
            EVD: "OGL-UK-1.0",
            SAMPLE: "TTYP0",
            DCARD: "CC-BY-SA-4.0",
            RP: "CC-BY-4.0",
            EVR: "CC-BY-SA-4.0",
        },
        (None, 0, 0, 50),
    ),
    (
        7,
        {"distribution": "CC-BY-SA-3.0", "code": "AFL-1.1"},
        {EVC: "Motosoto", META: "xinetd", RP: "IPL-1.0"},
        (None, 0, 0, 100 / 6),
    ),
    (
        8,
        {"distribution": "MIT", "document": "CC-BY-4.0"},
        {
            PRE: "OGDL-Taiwan-1.0",
            TRAIN: "Sun-PPP-2000",
            LIBS: "GFDL-1.3-invariants-or-later",
            EVD: "CC-BY-SA-3.0",
            META: "HPND-UC",
            RP: "TORQUE-1.1",
        },
        (None, 0, 0, 0),
    ),
    (
        9,
        {"data": "CC-BY-SA-2.0-UK"},
        {
            ARCH: "MIT-0",
            FINAL: "CC-BY-2.0",
            CARD: "CC-BY-4.0",
            DCARD: "CC-BY-SA-4.0",
            TR: "CC-BY-4.0",
            EVR: "CC0-1.0",
        },
        (3, 0, 60, 100),
    ),
    (
        10,
        {},
        bare(ARCH, PRE, TRAIN, INF, EVC, LIBS, FINAL, INTER, DATA, EVD, META, SAMPLE, DCARD, TR, RP, EVR),
        (None, 0, 0, 0),
    ),
    (
        11,
        {"code": "0BSD", "document": "CC0-1.0"},
        {
            ARCH: "CC-BY-NC-2.5",
            PRE: "MIT",
            EVC: "NCSA",
            FINAL: "CC-BY-SA-3.0-AT",
            INTER: "CC-BY-SA-3.0",
            EVD: "CC-PDDC",
            META: "GFDL-1.3",
            SAMPLE: "ADSL",
            DCARD: "BSD-4.3TAHOE",
            TR: "Net-SNMP",
            EVR: "Soundex",
        },
        (None, 0, 0, 100 / 6),
    ),
    (
        12,
        {"code": "NCSA", "data": "CC-BY-SA-4.0"},
        bare(ARCH, PRE, TRAIN, INF, EVC, FINAL, INTER, SAMPLE, DCARD, EVR),
        (None, 0, 0, T3),
    ),
    (13, {}, bare(ARCH, TRAIN, INF, EVC, LIBS, FINAL, EVD, SAMPLE, CARD, DCARD, TR, RP), (None, 0, 0, 0)),
    (14, {}, bare(DATA), (None, 0, 0, 0)),
    (
        15,
        {"document": "CC-BY-SA-4.0"},
        {
            ARCH: "Apache-1.0",
            FINAL: "ODbL-1.0",
            CARD: "CC-BY-4.0",
            DCARD: "CC0-1.0",
            RP: "CC-BY-4.0",
            EVR: "CC0-1.0",
        },
        (3, 0, 60, 100),
    ),
    (16, {}, bare(PRE, CARD, TR), (None, 0, 0, 0)),
    (
        17,
        {"distribution": "Apache-1.0", "code": "UPL-1.0"},
        {
            ARCH: "AFL-1.2",
            PRE: "AFL-2.1",
            TRAIN: "ISC",
            INF: "AFL-1.1",
            EVC: "AFL-3.0",
            LIBS: "AFL-2.1",
            FINAL: "CC-BY-SA-4.0",
            INTER: "CC-BY-3.0-US",
            DATA: "CC-BY-3.0-NL",
            EVD: "CC-BY-3.0-NL",
            SAMPLE: "CC0-1.0",
            CARD: "CC-BY-SA-3.0",
            DCARD: "CC0-1.0",
            RP: "CC-BY-4.0",
            EVR: "CC-BY-4.0",
        },
        (1, 100, 100, 100),
    ),
    (
        18,
        {},
        {
            PRE: "FSFAP",
            FINAL: "OLDAP-1.1",
            META: "CC-BY-4.0",
            CARD: "SGP4",
            DCARD: "HPND-doc-sell",
            RP: "NLOD-1.0",
            EVR: "ssh-keyscan",
        },
        (None, 0, 0, 0),
    ),
    (19, {}, bare(EVC, EVD, META, CARD, RP, EVR), (None, 0, 0, 0)),
    (
        20,
        {"distribution": "AFL-1.2", "code": "AFL-2.1", "data": "CC-BY-2.5", "document": "CC0-1.0"},
        {
            ARCH: "AFL-3.0",
            PRE: "ECL-1.0",
            TRAIN: "AFL-3.0",
            INF: "AFL-2.0",
            EVC: "MIT",
            LIBS: "AFL-1.2",
            FINAL: "CDLA-Sharing-1.0",
            INTER: "CC0-1.0",
            DATA: "ODC-By-1.0",
            EVD: "CC-BY-SA-1.0",
            META: "ODbL-1.0",
            SAMPLE: "CC-BY-SA-3.0",
            CARD: "CC0-1.0",
            DCARD: "CC-BY-4.0",
            TR: "CC-BY-SA-3.0",
            RP: "CC-BY-4.0",
            EVR: "CC0-1.0",
        },
        (1, 100, 100, 100),
    ),
    (
        21,
        {},
        {
            ARCH: "ulem",
            PRE: "LZMA-SDK-9.11-to-9.20",
            INF: "Sendmail-8.23",
            EVC: "Apache-2.0",
            FINAL: "StandardML-NJ",
            INTER: "CDLA-Sharing-1.0",
            DATA: "CC-BY-2.5",
            EVD: "CC-BY-3.0-DE",
            META: "xlock",
            SAMPLE: "MITNFA",
            CARD: "CC0-1.0",
            DCARD: "CC-BY-4.0",
            TR: "Sun-PPP",
            RP: "Community-Spec-1.0",
            EVR: "Glulxe",
        },
        (None, 0, 0, 50),
    ),
    (
        22,
        {},
        {
            ARCH: "MIT",
            PRE: "OPUBL-1.0",
            INTER: "AFL-2.0",
            DATA: "CC-BY-SA-1.0",
            EVD: "HPND-sell-variant-MIT-disclaimer-rev",
            META: "softSurfer",
            SAMPLE: "Borceux",
            CARD: "SISSL-1.2",
            DCARD: "CC-BY-ND-3.0",
            TR: "CC-BY-3.0-AU",
            EVR: "libpng-2.0",
        },
        (None, 0, 0, T3),
    ),
    (23, {}, bare(PRE, INF, FINAL, INTER, DATA, META, SAMPLE, DCARD, RP), (None, 0, 0, 0)),
    (
        24,
        {"document": "CC-BY-SA-4.0"},
        bare(INF, EVC, LIBS, FINAL, EVD, META, SAMPLE, RP),
        (None, 0, 0, 100 / 6),
    ),
    (
        25,
        {},
        {
            ARCH: "MulanPSL-2.0",
            TRAIN: "AML-glslang",
            INF: "cve-tou",
            LIBS: "CNRI-Python-GPL-Compatible",
            INTER: "CC-BY-NC-SA-1.0",
            CARD: "CC-BY-SA-3.0",
            RP: "CNRI-Jython",
            EVR: "CC-BY-NC-ND-3.0",
        },
        (None, 0, 0, T3),
    ),
    (
        26,
        {"distribution": "CC-BY-SA-4.0", "document": "CC0-1.0"},
        {
            ARCH: "BSD-3-Clause-Clear",
            TRAIN: "MPL-1.1",
            EVC: "softSurfer",
            FINAL: "CC-BY-SA-2.0-UK",
            EVD: "CC-BY-2.0",
            TR: "BSD-3-Clause-Attribution",
            RP: "CDLA-Permissive-1.0",
        },
        (None, 0, 0, 50),
    ),
    (
        27,
        {"distribution": "MulanPSL-2.0", "code": "ECL-1.0", "data": "ODC-By-1.0", "document": "CC-BY-SA-3.0"},
        bare(PRE, INF, DATA, EVD, CARD),
        (None, 0, 0, 100 / 6),
    ),
]


def test_all_27_reference_releases_are_transcribed():
    assert [c[0] for c in CASES] == list(range(1, 28))


@pytest.mark.parametrize(
    ("rid", "global_licenses", "components", "expected"), CASES, ids=[str(c[0]) for c in CASES]
)
def test_mot_reference_release(rid, global_licenses, components, expected):
    decl = parse_declaration(mot_yaml(components, global_licenses, name=f"ref{rid}"), f"ref{rid}.yml")
    v = evaluate(mof_input(decl), as_written=True)
    klass, c1, c2, c3 = expected
    assert v.klass == klass
    assert (v.class_1, v.class_2, v.class_3) == (pytest.approx(c1), pytest.approx(c2), pytest.approx(c3))
