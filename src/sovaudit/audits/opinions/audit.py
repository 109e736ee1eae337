"""``opinions``: whose opinions a model's answer distributions resemble (GlobalOpinionQA, Durmus et al. 2023).

plan: read the file (every bad row refused, or skipped and counted, before any model is loaded), cut the
questions into units. score: each question under ``min(n_options, permutations)`` cyclic shifts of its
options, all letters of all shifts in one ``loglikelihood`` call (the engine runs each shared context once).
reduce: per country, the mean over the questions it has of ``1 - JS distance`` with a bootstrap interval
over questions, the uniform answerer's similarity, and the rank of the user's countries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from ...errors import SovauditError
from ...results import AssetRecord, ResultsDocument, make_provenance
from ...signature import hashed, short_hash
from ..base import Audit, Metric, Plan, Resources, Unit, spec_json
from ..country import CountryOptions, CountryPlan, Headline, NotMeasured, Planned, fmt, model_ref, slug
from .prompts import LETTERS, build_prompt, country_aliases, from_logprobs, shifts, template
from .readers import OpinionQuestion, countries, read_opinions
from .spec import OpinionsSpec

ROW_COLUMNS = ("country", "similarity", "ci_low", "ci_high", "uniform_similarity", "n_questions", "rank")


GOQA_ENV = "SOVAUDIT_GLOBALOPINIONQA"  # path of the user's GlobalOpinionQA CSV


def file_digest(path: str) -> str:
    """SHA-256 of the data file's content, through the hash cache keyed with ctime (an in-place edit with
    its mtime restored is read again; an unchanged file costs a ``stat``)."""
    from ...bundle.hashing import HashCache

    cache = HashCache()
    try:
        return cache.sha256(Path(path))
    finally:
        cache.save()


def resolve_country(wanted: str, available: Sequence[str], where: str) -> str:
    """The file's spelling of ``wanted`` (a name as in the file or an ISO 3166 code); refuses others."""
    by_lower = {c.casefold(): c for c in available}
    if wanted.casefold() in by_lower:
        return by_lower[wanted.casefold()]
    from ...languages import country_name

    code = wanted.strip().upper()
    if not (len(code) == 2 and code.isalpha()):
        raise SovauditError(
            f"country '{wanted}' is not in {where} and is not an ISO 3166 code",
            "pass a two-letter code (e.g. KE) or a country as the file spells it",
        )
    name = country_name(code)  # raises for an unknown code
    for cand in [name, *country_aliases().get(code, [])]:
        if cand.casefold() in by_lower:
            return by_lower[cand.casefold()]
    raise SovauditError(
        f"country {code} ({name}) has no answers in {where}",
        f"pick a country the file has, e.g. {', '.join(list(available)[:5])}",
    )


class OpinionsAudit(Audit[OpinionsSpec]):
    """GlobalOpinionQA similarity per country (Durmus et al. 2023), order-debiased by cyclic shifts."""

    name: ClassVar[str] = "opinions"
    metrics: ClassVar[Mapping[str, Metric]] = {
        "similarity": Metric(None, "1 - Jensen-Shannon distance to a country's answers"),
    }
    version: ClassVar[str] = "1"
    Spec: ClassVar[type[OpinionsSpec]] = OpinionsSpec
    row_columns: ClassVar[tuple[str, ...]] = ROW_COLUMNS
    summary: ClassVar[str] = "whose survey opinions a model's answer distributions resemble, per country"

    def _read(self, spec: OpinionsSpec) -> tuple[list[OpinionQuestion], list[str], list[str]]:
        """Questions (after limit), skipped-row reasons, and the user's countries in the file's spelling."""
        if spec.data_sha256 is not None:
            got = file_digest(spec.data)
            if got.lower() != spec.data_sha256.strip().lower():
                raise SovauditError(
                    f"{spec.data}: SHA-256 {got} differs from the expected {spec.data_sha256}",
                    "use the published file unchanged, or drop --sha256",
                )
        read = read_opinions(spec.data, skip_bad_rows=spec.skip_bad_rows)
        questions = read.questions[: spec.limit] if spec.limit else read.questions
        available = countries(questions)
        users = [resolve_country(c, available, spec.data) for c in spec.countries]
        template(spec.language, spec.prompting)  # refuse an unknown language now
        if spec.prompting == "cross-national":
            if len(users) != 1:
                raise SovauditError(
                    "cross-national prompting asks as someone from one country",
                    "pass exactly one --country with --prompting cross-national",
                )
            questions = [q for q in questions if users[0] in q.selections]
        return questions, read.skipped, users

    def plan(self, spec: OpinionsSpec) -> Plan:
        """Units of ``shard_size`` questions, in file order; context: skipped rows and the user countries."""
        questions, skipped, users = self._read(spec)
        country = users[0] if spec.prompting == "cross-national" else ""
        units = []
        for start in range(0, len(questions), spec.shard_size):
            chunk = questions[start : start + spec.shard_size]
            payload = {"questions": [q.to_payload() for q in chunk], "country": country}
            units.append(Unit(f"questions-{start:06d}", payload))
        return Plan(units, (skipped, users))

    def score(self, unit: Unit, spec: OpinionsSpec, resources: Resources) -> dict[str, Any]:
        """Every question of the unit under each cyclic shift; all letters in one loglikelihood call."""
        questions = [OpinionQuestion.from_payload(d) for d in unit.payload["questions"]]
        country = unit.payload.get("country", "")
        requests: list[tuple[str, str]] = []
        layout: list[tuple[int, int, int]] = []  # (question index, shift, first request index)
        for qi, q in enumerate(questions):
            for k in shifts(len(q.options), spec.permutations):
                prompt = build_prompt(q.question, q.options, k, spec.language, spec.prompting, country)
                layout.append((qi, k, len(requests)))
                requests.extend((prompt, LETTERS[j]) for j in range(len(q.options)))
        model = resources.model(spec.model)
        results = model.loglikelihood(requests) if requests else []
        per_question: list[list[dict[str, Any]]] = [[] for _ in questions]
        for qi, k, first in layout:
            n = len(questions[qi].options)
            lps = [results[first + j].logprob for j in range(n)]
            per_question[qi].append(from_logprobs(lps, k).to_dict())
        return {"questions": [q.to_payload() for q in questions], "permutations": per_question}

    def reduce(
        self, partials: Sequence[dict[str, Any]], spec: OpinionsSpec, context: Any = None
    ) -> ResultsDocument:
        """Rows per country, the per-question log, summary and notes."""
        from .reduce import reduce_opinions

        skipped, users = context if context is not None else self.plan(spec).context
        doc = reduce_opinions(partials, spec, users, skipped)
        doc.provenance = make_provenance(
            [AssetRecord(name=Path(spec.data).name, kind="opinions-data", sha256=file_digest(spec.data))]
        )
        return doc

    def signature_parts(self, spec: OpinionsSpec) -> list[tuple[str, str]]:
        """Audit, data hash, model, prompting, shifts, language, and a hash of the whole spec."""
        return [
            ("audit", f"{self.name}.{self.version}"),
            ("data", hashed(Path(spec.data).name.replace("|", "_"), file_digest(spec.data))),
            ("model", spec.model.spec.replace("|", "_")),
            ("prompt", f"{spec.language}-{spec.prompting}"),
            ("perm", str(spec.permutations)),
            ("spec", short_hash(spec_json(spec))),
        ]

    # -- country audit --------------------------------------------------------------------------------
    dimension = "Opinions"
    dimension_order = 40

    def country_plan(self, opts: CountryOptions, model: str | None) -> CountryPlan:
        """GlobalOpinionQA for the country, from the user's copy (its licence forbids shipping it)."""
        if model is None:
            return ()
        import os

        cc = opts.country.upper()
        data = opts.opinions_data or os.environ.get(GOQA_ENV)
        if not data:
            return [
                NotMeasured(
                    self.name,
                    model,
                    "GlobalOpinionQA is not on this machine (CC BY-NC-SA 4.0, on a model hub only: the user"
                    " supplies the CSV)",
                    f"sovaudit audit --country {cc} --opinions-data PATH/TO/global_opinions.csv"
                    f" (or set {GOQA_ENV})",
                )
            ]
        spec: dict[str, Any] = {
            "model": model_ref(model, opts),
            "data": data,
            "countries": (cc,),
            "bootstrap": opts.bootstrap,
        }
        if opts.opinions_limit:
            spec["limit"] = opts.opinions_limit
        return [Planned(self.name, model, spec, f"opinions/{slug(model)}")]

    def headline(self, doc: ResultsDocument) -> Headline:
        """The user's country's similarity and rank, and the closest country."""
        mine = [r for r in doc.rows if r.get("highlighted") or r.get("is_user_country")]
        ranked = sorted(
            (r for r in doc.rows if r.get("similarity") is not None), key=lambda r: -r["similarity"]
        )
        if not ranked:
            return "no country scored", None
        top = ranked[0]
        if mine:
            m = mine[0]
            rank = ranked.index(m) + 1 if m in ranked else None
            text = (
                f"{m['country']} {fmt(m.get('similarity'))} (rank {rank} of {len(ranked)});"
                f" closest {top['country']}"
            )
            return text, m.get("similarity")
        return f"closest: {top['country']} {fmt(top['similarity'])}", float(top["similarity"])
