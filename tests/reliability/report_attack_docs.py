"""Results documents of every audit the report has a section for, with a planted string in every string field.

Built with the results API only (no model runs), in the shapes the audits write and the sections read
(src/sovaudit/report/sections/*.py). ``p(kind, name)`` is a :class:`report_attack_payloads.Planter`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from report_attack_payloads import LONG_NAME

from sovaudit.results import AssetRecord, Provenance, ResultsDocument

P = Callable[..., str]


def provenance(p: P) -> Provenance:
    """Provenance with every string planted: command, platform, packages, assets and their licences."""
    return Provenance(
        sovaudit_version=p("version"),
        git_revision=p("git revision"),
        python=p("python version"),
        platform=p("platform"),
        packages={p("package name"): p("package version")},
        assets=[
            AssetRecord(
                name=p("asset name"),
                kind=p("asset kind"),
                version=p("asset version"),
                sha256=p("asset hash"),
                license=p("license"),
                origin=p("file name", "origin"),
            )
        ],
        command=["sovaudit", p("command argument"), p("file name", "arg")],
        created_at=p("timestamp"),
        cpu={p("cpu key"): p("cpu value")},
    )


def _doc(p: P, audit: str, **fields: Any) -> ResultsDocument:
    return ResultsDocument(
        audit=audit,
        signature=p("signature", audit),
        provenance=provenance(p),
        notes=[p("note", audit), p("note", audit + "2")],
        **fields,
    )


def tokenizers(p: P) -> ResultsDocument:
    toks = [p("tokenizer", "gpt2"), p("tokenizer", "bytes")]
    langs = [("eng", 1.0), ("swh", 1.9), ("shn", 15.2)]
    rows = [
        {
            "tokenizer": t,
            "language": p("language code", code),
            "language_name": p("language name", code),
            "iso639_3": p("language code", code),
            "script": p("script", code),
            "premium": prem,
            "relative_price": prem,
            "tokens": 100 * k,
            "bytes": 400,
            "chars": 380,
            "segments": 31,
            "coverage": 1.0,
        }
        for t in toks
        for k, (code, prem) in enumerate(langs, 1)
    ]
    country_langs = [
        {"language": p("language code", c), "name": p("language name", c), "population": 1000 * k}
        for k, c in enumerate(("swh", "eng", "luo"), 1)
    ]
    summary = {
        "reference": p("language code", "eng"),
        "context_tokens": 8192,
        "tokenizers": {
            t: {"median_premium": 1.9, "p90_premium": 12.0, "max_premium": 15.2, "languages": 3}
            | {"worst": [[p("language code", "shn"), 15.2]]}
            for t in toks
        },
        "languages": {p("language code", "shn"): {"cheapest": toks[1], "dearest": toks[0]}},
        "countries": {
            p("country code", "KE"): {"name": p("country name", "KE"), "languages": country_langs},
            p("country code", "MM"): {
                "name": p("country name", "MM"),
                "languages": [{"language": p("language code", "shn"), "name": p("language name", "shn")}],
            },
        },
    }
    settings = {
        "corpus": p("corpus name"),
        "reference": p("language code", "eng"),
        p("setting"): p("setting"),
    }
    items = [{"segment": p("corpus text"), "language": p("language code", "swh")}]
    return _doc(p, "tokenizers", rows=rows, summary=summary, settings=settings, items=items)


def competence(p: P) -> ResultsDocument:
    rows = [
        {
            "model": p("model name"),
            "language": p("language code", code),
            "language_name": p("language name", code),
            "script": p("script", code),
            "bits_per_byte": bpb,
            "bits_per_byte_ci_low": bpb - 0.1,
            "bits_per_byte_ci_high": bpb + 0.1,
            "bits_per_english_byte": bpb * 1.1,
            "ratio_to_reference": bpb,
            "ngram_bits_per_byte": 2.0,
            "heldout_bits_per_byte": bpb,
            "vs_ngram": bpb / 2.0,
            "vs_ngram_ci_low": bpb / 2.0 - 0.2,
            "vs_ngram_ci_high": bpb / 2.0 + 0.2,
            "segments": 40,
            "heldout_segments": 20,
            "tokens": 900,
            "bytes": 1200,
            "coverage": 1.0,
        }
        for code, bpb in (("eng", 1.0), ("swh", 2.6))
    ]
    settings = {
        "model": p("model name"),
        "backend": p("backend"),
        "corpus": "udhr:" + p("corpus name"),
        "reference": p("language code", "eng"),
        "ngram_order": 3,
    }
    summary = {"reference": p("language code", "eng"), "worse_than_ngram": [p("language code", "swh")]}
    items = [{"segment": p("corpus text"), "language": p("language code", "swh"), "bits": 3.0}]
    return _doc(p, "competence", rows=rows, settings=settings, summary=summary, items=items)


def corpus(p: P) -> ResultsDocument:
    rows = [
        {
            "language": p("language code", code),
            "name": p("language name", code),
            "script": p("script", code),
            "share": share,
            "bytes": int(share * 10_000),
            "documents": 5,
            "paragraphs": 9,
            "speakers": speakers,
            "speaker_share": speakers / 60_000_000,
            "representation_ratio": share / (speakers / 60_000_000),
            "duplicate_rate": 0.1,
        }
        for code, share, speakers in (("swh", 0.6, 40_000_000), ("eng", 0.3, 4_000_000), ("luo", 0.1, 5e6))
    ]
    summary = {
        "files": 3,
        "documents": 15,
        "paragraphs": 27,
        "bytes": 10_000,
        "languages": 3,
        "undetermined_share": 0.01,
        "duplicate_documents": 1,
        "read": {p("reading key"): 1, "skipped_files": 1},
        "problems": {
            p("file name", LONG_NAME): p("corpus text", "why"),
            p("file name", "x"): p("corpus text", LONG_NAME),
        },
        "reference": {"kind": "country", "code": p("country code", "KE"), "name": p("country name", "KE")},
        "absent_languages": [
            {
                "language": p("language code", "kik"),
                "name": p("language name", "kik"),
                "speakers": 8e6,
                "speaker_share": 0.13,
                "macrolanguage_in_corpus": p("language code", "mac"),
            },
            {"language": p("language code", "kam"), "name": p("language name", "kam"), "speakers": 4e6},
        ],
    }
    settings = {
        "files": [p("file name", "a.txt"), p("file name", "b.jsonl.gz")],
        "detector": {"name": p("detector"), "version": p("detector version"), "spec": p("file name", "lid")},
    }
    return _doc(p, "corpus", rows=rows, summary=summary, settings=settings)


def openness(p: P) -> ResultsDocument:
    comp = {
        "name": p("declaration field", "component"),
        "klass": 1,
        "required": True,
        "status": p("declaration field", "status"),
        "license": p("declaration field", "license"),
        "license_id": p("license"),
        "where": p("file name", "where"),
        "evidence": p("declaration field", "evidence"),
    }
    row = {
        "subject": p("model name"),
        "license": p("declaration field", "license"),
        "license_osi_approved": p("declaration field", "osi"),
        "mof_class": 3,
        "mof_class_3": 50.0,
        "osaid": p("declaration field", "osaid"),
        "index_total": 7.5,
        "mof": {
            "class": 3,
            "label": p("declaration field", "label"),
            "class_3": 50.0,
            "as_written": {"class": p("declaration field", "as written")},
            "not_type_appropriate": [p("declaration field", "nta")],
            "notes": [p("note", "mof")],
            "components": [comp],
        },
        "osaid_detail": {
            "verdict": p("declaration field", "verdict"),
            "data_information": {"meets": False, "reasons": [p("declaration field", "reason")]},
            "parameters": {"meets": False, "reasons": [p("declaration field", "param reason")]},
        },
        "openness_index": {
            "total": 7.5,
            "out_of": 14,
            "source": p("file name", "index source"),
            "parameters": [
                {
                    "parameter": p("declaration field", "parameter"),
                    "group": p("declaration field", "group"),
                    "class": p("declaration field", "class"),
                    "basis": p("declaration field", "basis"),
                    "reason": p("declaration field", "index reason"),
                }
            ],
        },
        "facts": [
            {
                "subject": p("declaration field", "fact subject"),
                "value": p("declaration field", "fact value"),
                "status": "found",
                "source": p("file name", "config.json"),
                "field": p("declaration field", "field"),
            }
        ],
        "findings": [p("declaration field", "finding"), p("declaration field", LONG_NAME)],
    }
    return _doc(p, "openness", rows=[row], settings={"declaration": p("file name", "decl.yaml")})


def bias(p: P) -> ResultsDocument:
    bench, cat = p("benchmark item", "bbq"), p("benchmark item", "Age")
    row = {
        "benchmark": bench,
        "category": cat,
        "s_amb": 12.0,
        "s_amb_ci_low": 2.0,
        "s_amb_ci_high": 20.0,
        "s_dis": -3.0,
        "accuracy_ambig": 0.5,
        "n_ambig": 2,
        "biased_share_ambig": 0.6,
    }
    crows = {"benchmark": p("benchmark item", "crows"), "category": cat, "pct_stereotype": 60.0, "n_pairs": 9}
    items = [
        {
            "benchmark": bench,
            "category": cat,
            "example_id": p("benchmark item", f"id{k}" if k else LONG_NAME),
            "condition": p("benchmark item", "ambig"),
            "polarity": p("benchmark item", "neg"),
            "label": 1,
            "prediction": 2,
            "biased_answer": 2,
            "biased": p("benchmark item", "yes"),
            "question": p("benchmark item", "question"),
            "context": p("corpus text", "context"),
        }
        for k in range(2)
    ]
    summary = {"scale": p("benchmark item", "scale")}
    settings = {"model": {"spec": p("model name")}, "data": p("file name", "bbq")}
    return _doc(p, "bias", rows=[row, crows], items=items, summary=summary, settings=settings)


def opinions(p: P) -> ResultsDocument:
    countries = [p("country name", c) for c in ("Kenya", "Chile", "Japan")]
    rows = [
        {
            "rank": k,
            "country": c,
            "similarity": 0.9 - 0.1 * k,
            "ci_low": 0.8 - 0.1 * k,
            "ci_high": 0.95 - 0.1 * k,
            "uniform_similarity": 0.7,
            "n_questions": 40,
        }
        for k, c in enumerate(countries, 1)
    ]
    summary = {
        "questions": 40,
        "prompting": p("setting", "prompting"),
        "permutations": 4,
        "mean_outside_mass": 0.1,
        "user_countries": [{"country": countries[1], "rank": 2}],
    }
    settings = {"model": {"spec": p("model name")}, "data": p("file name", "globalopinions.csv")}
    items = [{"question": p("benchmark item", "q"), "generation": p("model output"), "country": countries[0]}]
    return _doc(p, "opinions", rows=rows, summary=summary, settings=settings, items=items)


def politics(p: P) -> ResultsDocument:
    axes = [p("benchmark item", a) for a in ("econ", "scty")]
    rows = [
        {
            "statement_set": p("benchmark item", "8values"),
            "axis": a,
            "score": 55.0,
            "min": 40.0,
            "max": 70.0,
            "iqr": 5.0,
            "n_variants": 2,
        }
        for a in axes
    ]
    points = [
        {"variant": p("benchmark item", f"variant{k}"), "order": p("setting", f"order{k}")}
        | {"scores": {axes[0]: 50.0 + k, axes[1]: 60.0 - k}}
        for k in range(2)
    ]
    summary = {
        "statement_set": p("benchmark item", "8values"),
        "statements": 70,
        "variants": 2,
        "axes": axes,
        "points": points,
        "scoring": p("setting", "scoring"),
    }
    settings = {"model": {"spec": p("model name")}}
    items = [{"statement": p("benchmark item", "statement"), "generation": p("model output")}]
    return _doc(p, "politics", rows=rows, summary=summary, settings=settings, items=items)


def culture(p: P) -> ResultsDocument:
    country, lang = p("country code", "DZ"), p("language code", "ar")
    rows = [
        {"country": country, "language": lg, "mode": p("setting", mode), "score": s, "n_questions": 30}
        | {"ci_low": s - 0.1, "ci_high": s + 0.1, "idk_rate": 0.1}
        for lg, mode, s in ((lang, "local", 0.2), (p("language code", "en"), "en", 0.4))
    ]
    summary = {
        "model": p("model name"),
        "prompt": p("setting", "inst-4"),
        "gap_local_minus_english": {
            country: {"language": lang, "gap": -0.2, "ci_low": -0.3, "ci_high": -0.1, "n_questions": 30}
        },
    }
    items = [
        {"question": p("benchmark item", "q"), "generation": p("model output", LONG_NAME), "country": country}
    ]
    return _doc(p, "culture", rows=rows, summary=summary, items=items)


def pack(p: P) -> ResultsDocument:
    langs = [p("language code", c) for c in ("en", "sw")]
    rows = [
        {"language": lg, "topic": p("benchmark item", "topic"), "score": 0.5, "n_items": 4, "n_empty": 0}
        | {"ci_low": 0.2, "ci_high": 0.8}
        for lg in langs
    ]
    summary = {
        "pack": p("benchmark item", "pack"),
        "pack_version": p("version", "pack"),
        "domain": p("benchmark item", "domain"),
        "countries": [p("country code", "KE")],
        "example": True,
        "model": p("model name"),
        "scores": {lg: 0.5 for lg in langs},
        "reference_language": langs[0],
        "gap_to_reference": {langs[1]: -0.1},
    }
    items = [{"prompt": p("benchmark item", "prompt"), "answer": p("model output"), "language": langs[1]}]
    return _doc(p, "pack", rows=rows, summary=summary, items=items)


def country(p: P) -> ResultsDocument:
    models = [p("model name"), p("model name", "second")]
    rows = [
        {"model": models[0], "dimension": p("setting", "dimension"), "audit": "tokenizers"}
        | {"status": "measured", "headline": p("note", "headline"), "section": p("setting", "section")},
        {"model": models[1], "dimension": p("setting", "dimension"), "audit": "opinions"}
        | {
            "status": "not measured",
            "reason": p("note", "reason" + LONG_NAME),
            "command": p("command argument", "c"),
        },
    ]
    summary = {
        "country": p("country code", "KE"),
        "languages": [p("language code", "swh"), p("language code", "eng")],
        "models": models,
        "measured": 1,
        "not_measured": 1,
        "seconds": {p("setting", "timing"): 1.5},
    }
    return _doc(p, "country", rows=rows, summary=summary, settings={"country": p("country code", "KE")})


def unknown_audit(p: P) -> ResultsDocument:
    """An audit the report has no section for: the generic section shows settings, summary, rows, notes."""
    return ResultsDocument(
        audit=p("audit name"),
        signature=p("signature", "generic"),
        settings={p("setting", "key"): p("setting", "value")},
        summary={p("setting", "summary key"): [p("setting", "summary value")]},
        rows=[{p("setting", "column"): p("model output", "cell"), "score": 0.5}],
        notes=[p("note", "generic"), p("note", LONG_NAME)],
        provenance=provenance(p),
    )


BUILDERS: list[Callable[[P], ResultsDocument]] = [
    country,
    tokenizers,
    competence,
    corpus,
    openness,
    bias,
    opinions,
    politics,
    culture,
    pack,
    unknown_audit,
]
