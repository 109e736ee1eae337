"""How an audit takes part in a country audit: the types of the hooks every audit may implement.

An audit declares, in its own module, its scorecard column (``dimension``, ``dimension_order``), how it
plans for a country (``country_plan``: :class:`Planned` runs, or :class:`NotMeasured` with the reason and
the command that would measure it), and its scorecard cell (``headline``). ``sovaudit.country`` discovers
them from the registry and enumerates no audit (pytest's hooks, lm-eval's task folders: core code
discovers, never enumerates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..results import ResultsDocument

Headline = tuple[str, float | None]  # a scorecard cell's text, and the number it leads with (None: none)

# each language from the corpus sovaudit ships that has it: FLORES-200 first, UDHR for the rest
TAX_CORPUS = "shipped"  # tokenizing is cheap: all 1,012 FLORES devtest sentences
# a model scores every segment: the first 30 FLORES sentences per language (UDHR languages: all 31 articles)
# keep Kenya's 13 texts at ~28 K gemma3 tokens, as many as its 8 UDHR texts before (benchmarks/demo_time.md)
COMPETENCE_CORPUS = "shipped:30"


@dataclass(frozen=True)
class CountryOptions:
    """Options of a country audit; the defaults fit two small models in about half an hour on 2 cores."""

    country: str
    models: tuple[str, ...]
    corpus: str | None = None  # training data to audit (files, folders or globs, comma-separated)
    opinions_data: str | None = None  # GlobalOpinionQA CSV (default: $SOVAUDIT_GLOBALOPINIONQA)
    bias_limit: int | None = 100  # items per benchmark category (None: all)
    culture_questions: int | None = 50  # BLEnD questions per country and language (None: all)
    politics_templates: int = 4  # Röttger et al.'s prompt templates (1-20)
    opinions_limit: int | None = 200
    bootstrap: int = 1000
    competence_corpus: str = COMPETENCE_CORPUS
    text: str | None = None  # the user's own parallel text (TSV/JSONL) for languages no corpus has
    studio_export: str | None = None  # a folder `sovaudit studio export` wrote: the experts' grades
    model_options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Planned:
    """One audit to run: ``folder`` is relative to the bundle."""

    audit: str
    model: str
    spec: dict[str, Any]
    folder: str


@dataclass(frozen=True)
class NotMeasured:
    """A dimension that could not be measured for a model: why, and the command that would measure it."""

    audit: str
    model: str
    reason: str
    command: str


CountryPlan = Sequence[Planned | NotMeasured]


def slug(text: str) -> str:
    """A file-name-safe form of a model spec or name."""
    keep = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text)
    return keep.strip("-.")[:80] or "model"


def model_ref(spec: str, opts: CountryOptions) -> dict[str, Any]:
    """The ``model`` setting of a planned run: the model and the country audit's model options."""
    return {"spec": spec, "options": dict(opts.model_options)}


def fmt(x: Any, digits: int = 2) -> str:
    """A number for a scorecard cell (``–`` for none)."""
    return "–" if x is None else f"{x:.{digits}f}"


def scored_headline(doc: ResultsDocument) -> Headline:
    """The default cell: the overall ``score`` of the first rows (per language when rows have one)."""
    rows = [r for r in doc.rows if r.get("score") is not None]
    overall = [r for r in rows if r.get("topic") in (None, "all")] or rows
    if not overall:
        return "no score", None
    parts = [f"{r.get('language', '')} {fmt(r['score'])}".strip() for r in overall[:4]]
    return "; ".join(parts), float(overall[0]["score"])
