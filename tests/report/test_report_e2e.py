"""End to end: the real tokenizer audit on a corpus the test writes, then `sovaudit report` on it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from report_docs import EVIL

from sovaudit.cli import main

LINES = [
    {"id": "s1", "eng_Latn": "All human beings are born free.", "swh_Latn": "Watu wote wamezaliwa huru.",
     "shn_Mymr": f"{EVIL} ၵူၼ်း"},
    {"id": "s2", "eng_Latn": "Everyone has the right to life.", "swh_Latn": "Kila mtu ana haki ya kuishi.",
     "shn_Mymr": "ၵူၼ်းၵူႈၵေႃႉ"},
]  # fmt: skip


def test_audit_then_report(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in LINES), encoding="utf-8"
    )
    base = [
        "tokenizers",
        "--corpus",
        f"jsonl:{corpus}",
        "-t",
        "bytes",
        "-t",
        "chars",
        "--reference",
        "eng_Latn",
    ]
    assert main([*base, "--out", str(tmp_path / "all")]) == 0
    assert main([*base, "--country", "KE", "--out", str(tmp_path / "ke")]) == 0
    out = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "all"), str(tmp_path / "ke"), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")

    doc = json.loads((tmp_path / "all" / "results.json").read_text(encoding="utf-8"))
    assert html.count("<script") == 1 and "alert(1)" not in html  # corpus text never reaches the report
    for block in ("tok1", "tok2"):
        for part in ("summary", "languages", "rows"):
            assert f'id="{block}-{part}"' in html
    assert 'id="tok1-country-KE"' in html and 'id="tok2-country-KE"' in html
    ke_only = html.split('id="tok2-country-list"', 1)[1].split('id="tok2-notes"', 1)[0]
    assert ke_only.count("data-block=") == 1  # --country KE: Kenya alone
    # every premium of the document is in the per-language table, formatted as recorded
    table = html.split('id="tok1-languages"', 1)[1].split("</table>", 1)[0]
    for row in doc["rows"]:
        assert f"{row['premium']:.2f}×" in table
    sorts = {float(x) for x in re.findall(r'data-sort="([^"]+)"', table)}
    assert {round(r["premium"], 6) for r in doc["rows"]} <= {round(x, 6) for x in sorts}
    assert doc["signature"] in html
