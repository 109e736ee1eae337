"""Secret packs end to end: a pack marked ``visibility: secret`` run on a tiny model, sealed (per-item
commitments under signed RFC 9162 roots), redacted, disclosed and verified; every tampering fails; no secret
text in any byte of the public copy."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from sovaudit.bundle.seal import check_disclosure, disclose
from sovaudit.cli import main

N = 6  # item ids per type; each in two languages
SECRET_YAML = """name: secret-pack
version: "1.0"
authors: [A. Agronomist]
licence: CC-BY-4.0
languages: [en, fr]
domain: agriculture
description: Items kept secret; only scores are published.
visibility: secret
items: [items.csv]
"""


def secret_items() -> tuple[str, list[str]]:
    """items.csv text, and every string that must never appear in a public file."""
    rows = ["id,language,topic,type,question,options,correct,accepted,normalise,source,source_url"]
    secrets_ = []
    for lang in ("en", "fr"):
        for i in range(N):
            q = f"Zorblaq{i}{lang} which grain grows best near Vuldorix{i}?"
            opts = [f"Korvexa{i}{lang}", f"Plimsatu{i}{lang}", f"Dravolin{i}{lang}"]
            rows.append(f"m{i},{lang},crops,mc,{q},{' | '.join(opts)},B,,,FAO,https://example.org")
            s = f"Quinthara{i}{lang} what is straw on soil called?"
            rows.append(f"s{i},{lang},soil,short,{s},,,Mulchivex{i}{lang},text,FAO,https://example.org")
            a = f"Brelloquent{i}{lang} burning residues improves soil."
            rows.append(f"a{i},{lang},soil,agree,{a},,disagree,,,FAO,https://example.org")
            secrets_ += [q, *opts, s, f"Mulchivex{i}{lang}", a]
    return "\n".join(rows) + "\n", secrets_


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tiny_models import make_tiny_model

    mp = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("secret")
    mp.setenv("SOVAUDIT_HOME", str(root / "home"))
    mp.setenv("SOVAUDIT_ANSWER_CACHE", str(root / "answers.sqlite"))
    tiny = make_tiny_model(root / "g3", "gemma3", max_position_embeddings=512)
    pack = root / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(SECRET_YAML, encoding="utf-8")
    items, _ = secret_items()
    (pack / "items.csv").write_text(items, encoding="utf-8")
    run, pub = root / "run", root / "public"
    args = ["pack", "run", str(pack), "--model", str(tiny), "--max-tokens", "4", "--bootstrap", "20"]
    assert main([*args, "--out", str(run)]) == 0
    assert main(["keys", "new", "--out", str(root / "keys")]) == 0
    key = root / "keys" / "sovaudit.key"
    assert main(["bundle", "seal", str(run), "--key", str(key), "--format", "in-toto"]) == 0
    assert main(["bundle", "redact", str(run), "--out", str(pub)]) == 0
    yield {"run": run, "public": pub, "pub": root / "keys" / "sovaudit.pub", "root": root}
    mp.undo()


def verify(bundle: Path, pub: Path, *more: str) -> int:
    return main(["verify", str(bundle), "--key", str(pub), *more])


def test_full_and_public_bundles_verify(sealed: dict[str, Path]) -> None:
    assert verify(sealed["run"], sealed["pub"]) == 0
    assert verify(sealed["public"], sealed["pub"]) == 0
    manifest = json.loads((sealed["public"] / "manifest.json").read_text())
    tree = manifest["sealed"]["trees"]["."]
    assert tree["visibility"] == "secret" and tree["size"] == 6 * N and tree["audit"] == "pack"
    assert not (sealed["public"] / "private").exists()
    doc = json.loads((sealed["public"] / "results.json").read_text())
    assert all(set(i) == {"id", "commitment"} for i in doc["items"])
    full = json.loads((sealed["run"] / "results.json").read_text())
    assert full["summary"]["visibility"] == doc["summary"]["visibility"] == "secret"
    assert doc["rows"] == full["rows"] and {r["topic"] for r in doc["rows"]} == {"crops", "soil", "all"}


def test_no_secret_text_in_any_public_file(sealed: dict[str, Path]) -> None:
    _, secret_strings = secret_items()
    full = json.loads((sealed["run"] / "results.json").read_text())
    answers = [i["answer"] for i in full["items"] if i["type"] == "short" and len(str(i["answer"])) >= 8]
    salts = json.loads((sealed["run"] / "private" / "salts.json").read_text())["runs"]["."]
    needles = [s.encode("utf-8") for s in [*secret_strings, *answers, *salts]]
    blobs = []
    for p in sorted(sealed["public"].rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            blobs.append((p, data))
            if p.name == "manifest.intoto.json":
                blobs.append((p, base64.b64decode(json.loads(data)["payload"])))
    assert len(blobs) >= 8
    for p, data in blobs:
        for needle in needles:
            assert needle not in data, (p, needle[:30])
    # the search finds what it looks for where it is: the pack, the salts, the full per-item log
    pack_bytes = (sealed["root"] / "pack" / "items.csv").read_bytes()
    assert all(s.encode("utf-8") in pack_bytes for s in secret_strings)
    assert all(s.encode() in (sealed["run"] / "private" / "salts.json").read_bytes() for s in salts)
    assert all(a.encode() in (sealed["run"] / "results.json").read_bytes() for a in answers)


def test_report_of_public_results_shows_scores_not_items(sealed: dict[str, Path]) -> None:
    from sovaudit.report import render_report
    from sovaudit.results import load_results

    html = render_report([load_results(sealed["public"] / "results.json")]).encode("utf-8")
    _, secret_strings = secret_items()
    assert not [s for s in secret_strings if s.encode() in html]
    assert b"crops" in html and b"soil" in html and b"Secret pack:" in html


def independent_verify(proof: dict) -> bool:
    """A few lines, straight from RFC 9162 2.1.3.2 (records hold only ASCII keys and plain floats, for
    which sorted compact json.dumps is RFC 8785)."""
    text = json.dumps(proof["record"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    c = hashlib.sha256(bytes.fromhex(proof["salt"]) + text.encode()).digest()
    fn, sn, r = proof["leaf_index"], proof["tree_size"] - 1, hashlib.sha256(b"\x00" + c).digest()
    for p in map(bytes.fromhex, proof["audit_path"]):
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r.hex() == proof["root"] and c.hex() == proof["commitment"]


def test_disclose_one_item(sealed: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "proof.json"
    assert main(["bundle", "disclose", str(sealed["run"]), "--item", "s3:fr", "--out", str(out)]) == 0
    proof = json.loads(out.read_text())
    assert set(proof) >= {"audit", "item_id", "record", "salt", "commitment", "leaf_index", "tree_size",
                          "audit_path", "root"}  # fmt: skip
    assert proof["item_id"] == "s3:fr" and proof["record"]["id"] == "s3" and proof["audit"] == "pack"
    assert independent_verify(proof)
    manifest = json.loads((sealed["public"] / "manifest.json").read_text())
    assert proof["root"] == manifest["sealed"]["trees"]["."]["root"]
    assert main(["bundle", "check-proof", str(out), "--bundle", str(sealed["public"])]) == 0
    for field, value in [("record", {**proof["record"], "correct": 1 - proof["record"]["correct"]}),
                         ("salt", "00" * 32), ("leaf_index", proof["leaf_index"] + 1),
                         ("audit_path", proof["audit_path"][:-1]), ("root", "ab" * 32)]:  # fmt: skip
        bad = {**proof, field: value}
        assert not independent_verify(bad), field
        assert check_disclosure(bad, sealed["public"]), field
    with pytest.raises(Exception, match="public copy"):
        disclose(sealed["public"], "s3:fr")
    assert main(["bundle", "disclose", str(sealed["run"]), "--item", "nope", "--out", str(out)]) == 2


def _tamper_json(path: Path, edit: object) -> None:
    data = json.loads(path.read_text())
    edit(data)  # type: ignore[operator]
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def _flip(c: str) -> str:
    return ("0" if c[0] != "0" else "1") + c[1:]


TAMPERS = {
    "commitment in commitments.json": lambda b: _tamper_json(
        b / "commitments.json", lambda d: d["items"][0].update(commitment=_flip(d["items"][0]["commitment"]))
    ),
    "commitment in results.json": lambda b: _tamper_json(
        b / "results.json", lambda d: d["items"][1].update(commitment=_flip(d["items"][1]["commitment"]))
    ),
    "score": lambda b: _tamper_json(b / "results.json", lambda d: d["rows"][0].update(score=0.999)),
    "root": lambda b: _tamper_json(
        b / "manifest.json",
        lambda d: d["sealed"]["trees"]["."].update(root=_flip(d["sealed"]["trees"]["."]["root"])),
    ),
    "rows.csv": lambda b: (b / "rows.csv").write_text((b / "rows.csv").read_text().replace("0.", "1.", 1)),
    "shard": lambda b: _tamper_json(
        next((b / "shards").glob("*.json")), lambda d: d["result"]["items"].pop()
    ),
    "fake salts": lambda b: (b / "private").mkdir() or (b / "private" / "salts.json").write_text("{}"),
    "added file": lambda b: (b / "extra.txt").write_text("x"),
}


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_tampered_public_copy_fails(sealed: dict[str, Path], tmp_path: Path, case: str) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(sealed["public"], copy)
    TAMPERS[case](copy)
    assert verify(copy, sealed["pub"]) == 1


def test_tampered_full_bundle_fails(sealed: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(sealed["run"], copy)
    _tamper_json(copy / "private" / "salts.json", lambda d: d["runs"]["."].__setitem__(0, "11" * 32))
    assert verify(copy, sealed["pub"]) == 1
    with pytest.raises(Exception, match="does not match its seal"):
        disclose(copy, "#0")


def test_recompute_still_works_on_the_sealed_full_bundle(
    sealed: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(sealed["run"], sealed["pub"], "--recompute", "1", "--seed", "3") == 0
    assert "recompute: 1 of 2 units" in capsys.readouterr().out
    assert verify(sealed["public"], sealed["pub"], "--recompute", "1") == 0  # nothing secret to re-run
    out = capsys.readouterr().out
    assert (
        "not recomputed: . (a public copy holds no secret items" in out and "recompute: 0 of 0 units" in out
    )


def test_in_toto_envelope(sealed: dict[str, Path]) -> None:
    from sovaudit.bundle import intoto
    from sovaudit.bundle.keys import load_public_key

    env = json.loads((sealed["public"] / intoto.ENVELOPE).read_text())
    stmt = intoto.open_envelope(env, load_public_key(sealed["pub"]))
    assert stmt is not None and stmt["_type"] == "https://in-toto.io/Statement/v1"
    subjects = {s["name"]: s["digest"]["sha256"] for s in stmt["subject"]}
    for name, digest in subjects.items():  # every subject is what the public copy holds
        assert hashlib.sha256((sealed["public"] / name).read_bytes()).hexdigest() == digest, name
    assert stmt["predicate"]["sealed"]["trees"]["."]["size"] == 6 * N
    payload = base64.b64decode(env["payload"])
    sig = base64.b64decode(env["signatures"][0]["sig"])
    pae = b"DSSEv1 %d %s %d %s" % (
        len(intoto.PAYLOAD_TYPE),
        intoto.PAYLOAD_TYPE.encode(),
        len(payload),
        payload,
    )
    load_public_key(sealed["pub"]).verify(sig, pae)  # raises if the signature is not over the PAE
    forged = {**env, "payload": base64.b64encode(payload.replace(b'"size"', b'"sizE"')).decode()}
    assert intoto.open_envelope(forged, load_public_key(sealed["pub"])) is None


def test_folder_of_runs_public_and_secret(sealed: dict[str, Path], tmp_path: Path) -> None:
    """A country-style folder: one public run and one secret run, sealed by the same code."""
    folder = tmp_path / "country"
    shutil.copytree(sealed["public"].parent / "run", folder / "secret", ignore=shutil.ignore_patterns(
        "private", "commitments.json", "manifest*"))  # fmt: skip
    public = folder / "open"
    public.mkdir()
    items = [{"id": "s1", "language": "en", "answer": "PUBLICANSWER1", "correct": 1}, {"x": 0.5}]
    doc = {"audit": "pack", "signature": "s", "summary": {"visibility": "public"}, "items": items}
    (public / "results.json").write_text(json.dumps(doc))
    key = sealed["root"] / "keys" / "sovaudit.key"
    (folder / "manifest.intoto.json").write_text("{}")  # a stale statement is not kept
    assert main(["bundle", "seal", str(folder), "--key", str(key)]) == 0
    assert not (folder / "manifest.intoto.json").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    trees = manifest["sealed"]["trees"]
    assert {k: v["visibility"] for k, v in trees.items()} == {"open": "public", "secret": "secret"}
    assert trees["open"]["size"] == 2 and trees["secret"]["size"] == 6 * N
    pub = tmp_path / "pub"
    assert main(["bundle", "redact", str(folder), "--out", str(pub)]) == 0
    assert b"PUBLICANSWER1" in (pub / "open" / "results.json").read_bytes()  # public items stay
    assert b"Mulchivex" not in b"".join(p.read_bytes() for p in pub.rglob("*") if p.is_file())
    assert verify(folder, sealed["pub"]) == 0 and verify(pub, sealed["pub"]) == 0
    with pytest.raises(Exception, match="several runs"):
        disclose(folder, "#0")
    proof = disclose(folder, "#1", run="open")
    assert proof["item_id"] == "#1" and independent_verify(proof) and not check_disclosure(proof, pub)


@pytest.mark.slow
def test_country_audit_with_a_secret_pack_is_sealed(
    sealed: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The country audit seals its bundle (the same code) when a secret pack tagged with the country ran."""
    pack = tmp_path / "packs" / "secret-pack"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        SECRET_YAML.replace("domain:", "countries: [KE]\ndomain:"), encoding="utf-8"
    )
    (pack / "items.csv").write_text(secret_items()[0], encoding="utf-8")
    monkeypatch.setenv("SOVAUDIT_PACKS", str(tmp_path / "packs"))
    out, key = tmp_path / "ke", sealed["root"] / "keys" / "sovaudit.key"
    args = ["audit", "--country", "KE", "--model", str(sealed["root"] / "g3"), "--out", str(out)]
    assert main([*args, "--bias-limit", "5", "--politics-templates", "1", "--key", str(key)]) == 0
    trees = json.loads((out / "manifest.json").read_text())["sealed"]["trees"]
    secret = [run for run, t in trees.items() if t["visibility"] == "secret"]
    assert len(secret) == 1 and trees[secret[0]]["size"] == 6 * N and len(trees) > 1
    pub = tmp_path / "public"
    assert main(["bundle", "redact", str(out), "--out", str(pub)]) == 0
    assert verify(out, sealed["pub"]) == 0 and verify(pub, sealed["pub"]) == 0
    blob = b"".join(p.read_bytes() for p in pub.rglob("*") if p.is_file())
    assert not [s for s in secret_items()[1] if s.encode() in blob]


def test_studio_keeps_a_pack_secret(tmp_path: Path) -> None:
    """A pack edited in the studio keeps ``visibility: secret`` (and its canary) when it is exported."""
    from sovaudit.packs import load_pack
    from sovaudit.studio.db import Store
    from sovaudit.studio.pack_io import export_pack, import_pack

    src = tmp_path / "src"
    src.mkdir()
    (src / "pack.yaml").write_text(SECRET_YAML + "canary: SOVAUDIT-CANARY-x1\n", encoding="utf-8")
    (src / "items.csv").write_text(secret_items()[0], encoding="utf-8")
    store = Store(tmp_path / "data")
    assert import_pack(store, src) == 6 * N
    meta = load_pack(export_pack(store, tmp_path / "out")).meta
    assert (meta.visibility, meta.canary) == ("secret", "SOVAUDIT-CANARY-x1")


def test_a_pack_run_of_unknown_visibility_is_not_sealed(sealed: dict[str, Path], tmp_path: Path) -> None:
    """An older pack run (no visibility in its summary) whose pack is not found is refused, never taken as
    public: its items could be secret."""
    copy = tmp_path / "old"
    shutil.copytree(
        sealed["run"], copy, ignore=shutil.ignore_patterns("private", "commitments.json", "manifest*")
    )
    _tamper_json(copy / "results.json", lambda d: d["summary"].pop("visibility"))
    _tamper_json(copy / "spec.json", lambda d: d["spec"].update(pack=str(tmp_path / "gone")))
    assert main(["bundle", "seal", str(copy), "--key", str(sealed["root"] / "keys" / "sovaudit.key")]) == 2
    assert not (copy / "manifest.json").exists()


def test_any_byte_changed_in_any_public_file_fails(sealed: dict[str, Path], tmp_path: Path) -> None:
    """One byte flipped in the middle of each file of the public copy, one file at a time: verify fails."""
    names = sorted(p.relative_to(sealed["public"]) for p in sealed["public"].rglob("*") if p.is_file())
    assert len(names) >= 8
    for k, name in enumerate(names):
        copy = tmp_path / f"c{k}"
        shutil.copytree(sealed["public"], copy)
        data = bytearray((copy / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (copy / name).write_bytes(bytes(data))
        assert verify(copy, sealed["pub"]) != 0, name
