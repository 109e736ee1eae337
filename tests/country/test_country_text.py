"""``sovaudit audit --country KE --text FILE``: the plan measures the user's text in tax and competence."""

from __future__ import annotations

from pathlib import Path

from sovaudit.country.plan import COMPETENCE_CORPUS, TAX_CORPUS, CountryOptions, Planned, plan_country


def test_plan_joins_the_text_to_both_language_audits(tmp_path: Path) -> None:
    text = str(tmp_path / "luyia.tsv")
    plan = plan_country(CountryOptions("KE", ("m",), text=text))
    specs = {p.audit: p.spec for p in plan if isinstance(p, Planned)}
    assert specs["tokenizers"]["corpus"] == f"{TAX_CORPUS}+text:{text}"
    assert specs["competence"]["corpus"] == f"{COMPETENCE_CORPUS}+text:{text}"
    plain = {p.audit: p.spec for p in plan_country(CountryOptions("KE", ("m",))) if isinstance(p, Planned)}
    assert plain["tokenizers"]["corpus"] == "shipped" and plain["competence"]["corpus"] == "shipped:30"


def test_the_users_text_is_an_input_of_the_bundle(tmp_path: Path) -> None:
    from sovaudit.country import CountryRun, _inputs
    from sovaudit.results import ResultsDocument, make_provenance

    text = str(tmp_path / "luyia.tsv")
    opts = CountryOptions("KE", ("m",), text=text)
    p = next(p for p in plan_country(opts) if isinstance(p, Planned) and p.audit == "tokenizers")
    doc = ResultsDocument(
        audit="tokenizers", signature="x", settings={}, provenance=make_provenance(), rows=[]
    )
    run = CountryRun(tmp_path, docs=[(p, doc)])
    assert (text, "text") in _inputs(run, opts)
