"""Pluggable language identification with labels normalised to ISO 639-3 + script (``eng_Latn``).

A detector implements one method, ``detect(texts) -> [(label, confidence)]``, on a batch of paragraphs
(single lines, no newlines). Labels come out normalised through :func:`sovaudit.languages.resolve`
(macrolanguages folded: ``arb`` -> ``ara_Arab``, ``cmn`` -> ``zho_Hans``); a paragraph a detector cannot
name gets :data:`UNDETERMINED`. Confidence is in [0, 1] (what each detector calls its probability; see
the adapters).

Built in (PyPI packages that bundle their model, offline):

========== ============================ ===========================================================
name       package                      notes
========== ============================ ===========================================================
py3langid  py3langid (BSD)              97 languages, naive Bayes (langid.py)
cld3       cld3-py (Apache-2.0)         107 languages, Google's CLD3 neural model (``gcld3``)
pycld2     pycld2 (Apache-2.0)          ~160 languages, CLD2; **default** (see below)
lingua     lingua-language-detector     75 languages, highest accuracy on short text, slowest
========== ============================ ===========================================================

Any other ``--lid`` value is a path to a fastText model (GlotLID, OpenLID, lid.176; labels
``__label__eng_Latn`` or ``__label__en``), loaded with the optional ``fasttext-numpy2-wheel``.
heliport (220 languages) is GPL-3.0 and therefore not a dependency; install it yourself and pass
``--lid heliport``.

Default chosen by measurement (``benchmarks/lid_bench.py``: UDHR paragraphs of >= 20 characters from
``sovaudit.corpora.load_corpus("udhr")``, up to 30 per language, of the UDHR languages each detector claims;
speed on one fixed sample of 3,000 UDHR paragraphs (1.27 MB), one thread; shared 2-core machine under load,
2026-11-28)::

    detector   version  UDHR langs  accuracy  on the 66 langs all claim  paragraphs/s   MB/s
    py3langid  0.4.0           119     0.936                      0.932         3,132   1.32
    cld3       3.1.0            98     0.929                      0.922         5,782   2.44
    pycld2     0.42            147     0.922                      0.927        23,162   9.79
    lingua     2.1.1            74     0.920                      0.926           577   0.24

pycld2 is the default: it covers the most languages, its accuracy is within 1.4 points of the best (0.5
points on the languages all four claim), and it is 4-4.5x faster than cld3, 7-8x faster than py3langid and
40-100x faster than lingua (speeds vary with the machine's load between runs). Pass ``--lid py3langid`` to
trade speed for a point of accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ...errors import SovauditError, require
from ...signature import sha256_file

UNDETERMINED = "und"
DEFAULT_LID = "pycld2"
BUILTIN = ("py3langid", "cld3", "pycld2", "lingua")

# Codes CLD3 claims (its README): it has no API that lists them.
_CLD3 = (
    "af am ar bg bg-Latn bn bs ca ceb co cs cy da de el el-Latn en eo es et eu fa fi fil fr fy ga gd gl "
    "gu ha haw hi hi-Latn hmn hr ht hu hy id ig is it iw ja ja-Latn jv ka kk km kn ko ku ky la lb lo lt "
    "lv mg mi mk ml mn mr ms mt my ne nl no ny pa pl ps pt ro ru ru-Latn sd si sk sl sm sn so sq sr st su "
    "sv sw ta te tg th tr uk ur uz vi xh yi yo zh zh-Latn zu "
)
CLD3_CODES = tuple(_CLD3.split())


@runtime_checkable
class Detector(Protocol):
    """A language identifier over a batch of single-line paragraphs."""

    name: str
    version: str

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """One ``(label, confidence)`` per text; label ``xxx_Scrp`` or ``und``."""
        ...

    def labels(self) -> list[str]:
        """The normalised labels this detector can output (what it claims to cover)."""
        ...


@cache
def normalise_label(raw: str) -> str:
    """Normalise a raw label: ``en`` or ``__label__eng_Latn`` -> ``eng_Latn``; unknown -> ``und``."""
    from ...languages import resolve

    code = raw.removeprefix("__label__").strip()
    if not code or code.lower() in ("un", "und", "unknown", "xx", "zxx", "mul"):
        return UNDETERMINED
    try:
        lang = resolve(code)
    except SovauditError:
        head = code.replace("-", "_").split("_")[0]
        try:
            lang = resolve(head)
        except SovauditError:
            return UNDETERMINED
    return f"{lang.iso639_3}_{lang.script or 'Zyyy'}"


def _package_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _claimed(codes: Sequence[str]) -> list[str]:
    return sorted({lab for lab in (normalise_label(c) for c in codes) if lab != UNDETERMINED})


class Py3LangidDetector:
    """py3langid with normalised probabilities (confidence = posterior of the top language)."""

    name = "py3langid"

    def __init__(self) -> None:
        mod: Any = require("py3langid.langid", "corpus")
        self._ident = mod.LanguageIdentifier.from_model_file(mod.MODEL_FILE, norm_probs=True)
        self.version = _package_version("py3langid")

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        classify = self._ident.classify
        out = []
        for text in texts:
            code, prob = classify(text)
            out.append((normalise_label(code), float(prob)))
        return out

    def labels(self) -> list[str]:
        return _claimed(self._ident.nb_classes)


class Cld3Detector:
    """Google CLD3 (package cld3-py, module ``gcld3``); confidence = its probability."""

    name = "cld3"

    def __init__(self) -> None:
        mod: Any = require("gcld3", "lid")
        self._ident = mod.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)
        self.version = _package_version("cld3-py")

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        find = self._ident.FindLanguage
        out = []
        for text in texts:
            res = find(text)
            out.append((normalise_label(res.language), float(res.probability)))
        return out

    def labels(self) -> list[str]:
        return _claimed(CLD3_CODES)


class Cld2Detector:
    """CLD2 via pycld2; label = its first language that is not "un", confidence = that language's percent of
    the text's bytes / 100."""

    name = "pycld2"

    def __init__(self) -> None:
        self._mod: Any = require("pycld2", "corpus")
        self.version = _package_version("pycld2")

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        detect = self._mod.detect
        error = self._mod.error
        label_of = normalise_label
        out: list[tuple[str, float]] = []
        append = out.append
        for text in texts:
            try:
                details = detect(text, bestEffort=True)[2]
            except (error, UnicodeEncodeError):  # CLD2 rejects control characters (e.g. U+0092 from mojibake)
                try:
                    details = detect(_clean(text), bestEffort=True)[2]
                except (error, UnicodeEncodeError):
                    append((UNDETERMINED, 0.0))
                    continue
            best = details[0]
            if best[1] == "un":  # CLD2 may rank "un" (unknown) first for part of a text, the language second
                best = next((d for d in details if d[1] != "un"), best)
            append((label_of(best[1]), best[2] / 100.0))
        return out

    def labels(self) -> list[str]:
        return _claimed(
            [code for _name, code in self._mod.LANGUAGES if _name in self._mod.DETECTED_LANGUAGES]
        )


_CONTROLS = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)], " ")


def _clean(text: str) -> str:
    """``text`` without control characters and lone surrogates (which CLD2 refuses)."""
    return text.encode("utf-8", "replace").decode("utf-8").translate(_CONTROLS)


class LinguaDetector:
    """lingua-language-detector, all 75 languages, high-accuracy mode; confidence = its top value."""

    name = "lingua"

    def __init__(self) -> None:
        mod: Any = require("lingua", "lid")
        self._langs = list(mod.Language.all())
        self._det = mod.LanguageDetectorBuilder.from_languages(*self._langs).build()
        self.version = _package_version("lingua-language-detector")

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        conf = self._det.compute_language_confidence_values
        out = []
        for text in texts:
            values = conf(text)
            if not values or values[0].value <= 0.0:
                out.append((UNDETERMINED, 0.0))
                continue
            top = values[0]
            out.append((normalise_label(top.language.iso_code_639_3.name.lower()), float(top.value)))
        return out

    def labels(self) -> list[str]:
        return _claimed([lang.iso_code_639_3.name.lower() for lang in self._langs])


class FastTextDetector:
    """A fastText supervised LID model from a local file (GlotLID, OpenLID, lid.176)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        fasttext: Any = require("fasttext", "fasttext")
        try:
            self._model = fasttext.load_model(str(self.path))
        except ValueError as exc:
            raise SovauditError(
                f"{self.path} is not a fastText model ({exc})", "pass a fastText .bin LID model to --lid"
            ) from exc
        self.name = self.path.name
        self.version = sha256_file(self.path)[:8]

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        clean = [t.replace("\n", " ") for t in texts]
        labels, probs = self._model.predict(clean, k=1)
        return [
            (normalise_label(lab[0]) if lab else UNDETERMINED, min(1.0, float(p[0])) if len(p) else 0.0)
            for lab, p in zip(labels, probs, strict=True)
        ]

    def labels(self) -> list[str]:
        return _claimed(list(self._model.get_labels()))


class HeliportDetector:
    """heliport (GPL-3.0, 220 languages): optional, never installed by sovaudit's extras."""

    name = "heliport"

    def __init__(self) -> None:
        mod: Any = require("heliport", "heliport (GPL-3.0; install heliport yourself)")
        self._ident = mod.Identifier()
        self.version = _package_version("heliport")

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        out = []
        for text in texts:
            res = self._ident.identify(text)  # "cat_latn" (older releases) or "cat"; maybe (code, score)
            code = res[0] if isinstance(res, tuple) else res
            out.append((normalise_label(str(code)), 1.0))  # no probability: recorded as 1.0
        return out

    def labels(self) -> list[str]:
        return []


_LOADED: dict[str, Detector] = {}


def get_detector(spec: str) -> Detector:
    """The detector named ``spec`` (a built-in name or a fastText model path), loaded once per process."""
    if spec in _LOADED:
        return _LOADED[spec]
    det: Detector
    if spec == "py3langid":
        det = Py3LangidDetector()
    elif spec == "cld3":
        det = Cld3Detector()
    elif spec == "pycld2":
        det = Cld2Detector()
    elif spec == "lingua":
        det = LinguaDetector()
    elif spec == "heliport":
        det = HeliportDetector()
    elif Path(spec).is_file():
        det = FastTextDetector(spec)
    elif "/" in spec or "\\" in spec or spec.endswith((".bin", ".ftz")):
        raise SovauditError(
            f"fastText model file {spec} does not exist",
            f"check the path given to --lid, or use a built-in detector ({', '.join(BUILTIN)})",
        )
    else:
        raise SovauditError(
            f"unknown language identifier '{spec}'",
            f"use one of {', '.join(BUILTIN)} or the path of a fastText model file (.bin)",
        )
    _LOADED[spec] = det
    return det


def describe(spec: str) -> tuple[str, str]:
    """``(name, version)`` of a detector spec without running it (loads it once)."""
    det = get_detector(spec)
    return det.name, det.version
