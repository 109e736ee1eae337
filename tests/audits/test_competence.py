"""The competence audit: pure metrics from counts, the n-gram floor, and the CLI on a tiny model."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from competence_fixtures import tiny_model, write_corpus

from sovaudit.audits.competence.method import (
    CompetenceCounts,
    SegmentScore,
    bits_per_byte,
    bootstrap_ci,
    metrics,
    reduce_segments,
)
from sovaudit.audits.competence.ngram import WittenBellCharLM, split_halves
from sovaudit.cli import main

LN2 = math.log(2)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model(tmp_path_factory.mktemp("m") / "tiny")


@pytest.fixture(autouse=True)
def _answer_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    monkeypatch.setenv("SOVAUDIT_QUIET", "1")


@pytest.mark.parametrize(
    ("nats", "n_bytes", "want"),
    [(LN2 * 100, 100, 1.0), (LN2 * 50, 100, 0.5), (0.0, 10, 0.0), (5.0, 0, None)],
)
def test_bits_per_byte_table(nats: float, n_bytes: int, want: float | None) -> None:
    got = bits_per_byte(nats, n_bytes)
    assert got == pytest.approx(want) if want is not None else got is None


def test_metrics_from_summed_counts_not_averaged_ratios() -> None:
    a = SegmentScore(
        "swh", "1", nats=LN2 * 30, tokens=10, bytes=10, chars=10, ref_bytes=20, ref_nats=LN2 * 10
    )
    b = SegmentScore("swh", "2", nats=LN2 * 10, tokens=5, bytes=30, chars=30, ref_bytes=20, ref_nats=LN2 * 10)
    m = metrics(reduce_segments([a, b]))
    assert m["bits_per_byte"] == pytest.approx(40 / 40)  # not mean(3.0, 0.333)
    assert m["bits_per_english_byte"] == pytest.approx(40 / 40)
    assert m["ratio_to_reference"] == pytest.approx(40 / 20)
    assert m["tokens"] == 15 and m["segments"] == 2
    assert metrics(CompetenceCounts())["bits_per_byte"] is None


def test_counts_merge_and_round_trip() -> None:
    a = CompetenceCounts(segments=1, tokens=3, bytes=10, nats=2.5, ref_bytes=9, ngram_nats=1.0)
    b = CompetenceCounts(segments=2, tokens=4, bytes=11, nats=1.5, ref_bytes=8, heldout_bytes=11)
    s = a + b
    assert (s.segments, s.tokens, s.bytes, s.nats, s.ref_bytes) == (3, 7, 21, 4.0, 17)
    assert CompetenceCounts.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    scores = [
        SegmentScore("x", str(i), nats=float(5 + i % 7), tokens=3, bytes=10 + i % 5, chars=10, ref_bytes=12,
                     ref_nats=4.0, heldout=i % 2 == 1, ngram_nats=9.0 if i % 2 else 0.0)
        for i in range(40)
    ]  # fmt: skip
    ci = bootstrap_ci(scores, 500, seed=3)
    assert ci == bootstrap_ci(scores, 500, seed=3)
    point = metrics(reduce_segments(scores))
    for name, interval in ci.items():
        assert interval is not None
        assert interval[0] <= point[name] <= interval[1], name
    assert bootstrap_ci(scores[:1])["bits_per_byte"] is None


def test_ngram_prefers_its_language_and_is_a_sub_probability() -> None:
    lm = WittenBellCharLM(3).fit(["abracadabra", "abra kadabra"])
    assert lm.segment_nats("abracadabra") < lm.segment_nats("zyxwvutsrqp")
    assert lm.segment_nats("ąę") > 0  # unseen characters get a probability
    total = sum(math.exp(lm.logprob(chr(c), "br")) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    assert 0.5 < total <= 1.0 + 1e-9
    assert split_halves(5) == ([0, 2, 4], [1, 3])


def test_ngram_order_one_is_a_unigram() -> None:
    lm = WittenBellCharLM(1).fit(["aab"])
    # P(a) = (2 + 2 * 1/256) / (3 + 2)
    assert math.exp(lm.logprob("a", "")) == pytest.approx((2 + 2 / 256) / 5)


def test_cli_contract_on_tiny_model(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "c.tsv", partial="fra")
    out = tmp_path / "out"
    args = ["competence", "--model", str(model_dir), "--corpus", f"tsv:{corpus}", "--out", str(out)]
    rc = main([*args, "--language", "eng", "--language", "swh", "--language", "fra", "--bootstrap", "200"])
    assert rc == 0, capsys.readouterr().err
    doc = json.loads((out / "results.json").read_text())
    assert doc["audit"] == "competence"
    assert doc["signature"].startswith("corpus:tsv-c@") and "|model:tiny@" in doc["signature"]
    rows = {r["language"]: r for r in doc["rows"]}
    assert list(rows) == ["eng", "swh", "fra"]
    for r in rows.values():
        for key in ("model", "language", "bits_per_byte", "bits_per_english_byte", "tokens", "bytes"):
            assert r[key] is not None
        assert r["bits_per_byte_ci_low"] <= r["bits_per_byte"] <= r["bits_per_byte_ci_high"]
        assert r["ngram_bits_per_byte"] > 0 and r["heldout_segments"] > 0
    assert rows["eng"]["ratio_to_reference"] == pytest.approx(1.0)
    assert rows["fra"]["segments"] == 8 and rows["fra"]["coverage"] == pytest.approx(8 / 12)
    # bits per English byte: the language's bits over the reference's bytes of the same segments
    items = [i for i in doc["items"] if i["language"] == "swh"]
    assert len(items) == 12
    bits = sum(i["nats"] for i in items) / LN2
    assert rows["swh"]["bits_per_english_byte"] == pytest.approx(bits / rows["swh"]["ref_bytes"])
    assert rows["swh"]["bits_per_byte"] == pytest.approx(bits / sum(i["bytes"] for i in items))
    assert (out / "rows.csv").is_file()
    assert "competence: 3 units (3 computed, 0 reused)" in capsys.readouterr().out
    # second run: everything from the cache, same numbers
    assert (
        main([*args, "--language", "eng", "--language", "swh", "--language", "fra", "--bootstrap", "200"])
        == 0
    )
    assert "competence: 3 units (0 computed, 3 reused)" in capsys.readouterr().out  # the shard store
    again = json.loads((out / "results.json").read_text())
    assert again["rows"] == doc["rows"]


def test_cli_no_cache_and_errors(model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus(tmp_path / "c.tsv")
    base = ["competence", "--model", str(model_dir), "--corpus", f"tsv:{corpus}", "--bootstrap", "0"]
    assert main([*base, "--language", "swh", "--no-cache", "--out", str(tmp_path / "o")]) == 0
    assert not (tmp_path / "answers.sqlite").exists()
    capsys.readouterr()
    assert main([*base, "--language", "xxq", "--out", str(tmp_path / "o2")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sovaudit: error:") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o2" / "results.json").exists()
    missing = ["competence", "--model", str(tmp_path / "nope.gguf"), "--corpus", f"tsv:{corpus}"]
    assert main([*missing, "--out", str(tmp_path / "o3")]) == 2
    assert "not found" in capsys.readouterr().err


def test_segment_longer_than_the_context_is_windowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tiny_models import make_tiny_model

    from sovaudit.models.hf import HFModel

    folder = make_tiny_model(tmp_path / "tiny32", "gemma3", max_position_embeddings=32)
    long_eng = " ".join(["All human beings are born free and equal in dignity and rights."] * 12)
    long_swh = " ".join(["Watu wote wamezaliwa huru, hadhi na haki zao ni sawa."] * 12)
    corpus = tmp_path / "c.tsv"
    corpus.write_text(f"id\teng\tswh\ns1\t{long_eng}\t{long_swh}\ns2\tShort one.\tFupi moja.\n")
    out = tmp_path / "o"
    args = ["competence", "--model", str(folder), "--corpus", f"tsv:{corpus}", "--bootstrap", "0"]
    assert main([*args, "--no-cache", "--out", str(out)]) == 0, capsys.readouterr().err
    doc = json.loads((out / "results.json").read_text())
    items = {(i["language"], i["segment"]): i for i in doc["items"]}
    model = HFModel(folder)
    from sovaudit.models.engine import rolling_windows

    tokens = model.encode(long_swh, specials=False)
    windows = rolling_windows(tokens, model.prefix_token, 32, model.rolling_context)
    assert len(tokens) > 32 and len(windows) > 1
    assert all(len(c) + len(p) - 1 <= 32 for c, p in windows)  # no forward pass sees more than 32 positions
    by_hand = -sum(lp for lp, _ in model.engine.score_windows(windows))
    assert items["swh", "s1"]["tokens"] == len(tokens)  # every token scored once, in windows
    assert items["swh", "s1"]["nats"] == pytest.approx(by_hand, rel=1e-5)
    # one pass over all tokens (no windows) gives another number: the windowing is what was measured
    (one_pass,) = model.engine.score_windows([([model.prefix_token], tokens)])
    assert abs(-one_pass[0] - by_hand) > 1e-3
    assert "max_length=32" in doc["settings"]["model_settings"]
    assert not any("first token" in n for n in doc["notes"])  # a local backend scores every token


def test_cli_country_selects_its_languages(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "c.tsv")
    args = ["competence", "--model", str(model_dir), "--corpus", f"tsv:{corpus}", "--bootstrap", "0"]
    assert main([*args, "--country", "KE", "--no-cache", "--out", str(tmp_path / "ke")]) == 0
    doc = json.loads((tmp_path / "ke" / "results.json").read_text())
    assert [r["language"] for r in doc["rows"]] == ["eng", "swh"]
    assert any(n.startswith("Kenya (KE): not in corpus") for n in doc["notes"])
    capsys.readouterr()
    assert main([*args, "--country", "JP", "--no-cache", "--out", str(tmp_path / "jp")]) == 2
    assert "none of the languages of Japan" in capsys.readouterr().err
    assert not (tmp_path / "jp" / "results.json").exists()
