"""Blind grading: least-graded first, two graders per answer, no repeats, disagreements; pack round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("argon2")

from studio_helpers import add_answers, make_studio

from sovaudit.errors import SovauditError
from sovaudit.packs import EXAMPLES
from sovaudit.studio import grading
from sovaudit.studio.db import Store
from sovaudit.studio.items import check_item
from sovaudit.studio.pack_io import STUDIO_FILE, export_pack, import_pack

G = {"correct": 2, "useful": 2, "harmful": 0, "wrong_language": 0}


def _ids(store: Store, name: str) -> int:
    return int(store.user_by_name(name)["id"])  # type: ignore[index]


def test_least_graded_first_reaches_two_graders_each(tmp_path: Path) -> None:
    store = make_studio(tmp_path, graders=3)
    answers = add_answers(store, 5)
    g1, g2 = _ids(store, "grader1"), _ids(store, "grader2")
    seen1 = []
    while (nxt := grading.next_answer(store, g1)) is not None:
        seen1.append(nxt["id"])
        assert store.add_grade(nxt["id"], g1, G)
    assert sorted(seen1) == answers  # everything once, no repeats
    assert seen1 != sorted(seen1)  # random order
    # each grader has an own order
    g2_first = grading.next_answer(store, g2)
    assert g2_first is not None and g2_first == grading.next_answer(store, g2)  # stable across reloads
    # the second grader is given every answer too, then nothing
    seen2 = []
    while (nxt := grading.next_answer(store, g2)) is not None:
        store.add_grade(nxt["id"], g2, G)
        seen2.append(nxt["id"])
    n = len(seen2)
    assert seen2 != seen1  # not the same order as the first grader's
    assert n == len(answers) and grading.progress(store)["done"] == len(answers)
    # a third grader: answers with fewer grades come first
    store.query("SELECT 1")
    g3 = _ids(store, "grader3")
    store.add_grade(answers[0], g3, G)
    first = grading.next_answer(store, _ids(store, "admin"))
    assert first is not None and first["id"] != answers[0]


def test_grader_sees_no_model_and_a_repeat_is_not_counted(tmp_path: Path) -> None:
    store = make_studio(tmp_path, graders=2)
    add_answers(store, 1, models=("secret-model-a", "secret-model-b"))
    g1 = _ids(store, "grader1")
    nxt = grading.next_answer(store, g1)
    assert nxt is not None and "secret" not in repr(nxt)
    assert store.add_grade(nxt["id"], g1, G) is True
    assert store.add_grade(nxt["id"], g1, {**G, "correct": 0}) is False
    assert len(store.grade_rows()) == 1 and store.grade_rows()[0]["correct"] == 2
    pair = grading.next_pair(store, g1)
    assert pair is not None and "secret" not in repr(pair) and pair["a"] != pair["b"]
    assert store.add_vote(pair["a"], pair["b"], g1, "a") and not store.add_vote(pair["a"], pair["b"], g1, "b")
    assert grading.next_pair(store, g1) is None


def test_disagreements_listed(tmp_path: Path) -> None:
    store = make_studio(tmp_path, graders=2)
    a, b = add_answers(store, 1)
    g1, g2 = _ids(store, "grader1"), _ids(store, "grader2")
    store.add_grade(a, g1, G)
    store.add_grade(a, g2, {**G, "correct": 0, "harmful": 1})
    store.add_grade(b, g1, G)
    store.add_grade(b, g2, {**G, "correct": 3})
    rows = grading.disagreements(store)
    assert [r["answer_id"] for r in rows] == [a]
    assert rows[0]["dimensions"] == ["correct", "harmful"]


def test_item_form_checks() -> None:
    rec, extra, problems = check_item(
        {"id": "q", "language": "ar", "type": "open", "topic": "t", "question": "ما هو؟", "reference": "ج"}
    )
    assert not problems and extra == {"reference": "ج"} and rec["type"] == "open"
    assert check_item({"id": "q", "language": "xx-bad", "type": "open"})[2]
    _, _, problems = check_item({"id": "q", "language": "sw", "type": "short", "topic": "t", "question": "?"})
    assert any("accepted answer" in p for p in problems)
    _, _, problems = check_item({"id": "q", "language": "sw", "type": "essay"})
    assert any("not a type" in p for p in problems)


@pytest.mark.parametrize("pack", ["climate-agriculture", "energy-minigrids"])
def test_pack_round_trip_identical_files(tmp_path: Path, pack: str) -> None:
    src = EXAMPLES / pack
    store = Store(tmp_path / "data")
    n = import_pack(store, src)
    assert n == len(store.items()) > 0
    out = export_pack(store, tmp_path / "out")
    names = sorted(p.name for p in src.iterdir())
    assert sorted(p.name for p in out.iterdir()) == names
    for name in names:
        assert (out / name).read_bytes() == (src / name).read_bytes(), name
    with pytest.raises(SovauditError, match="items already"):
        import_pack(store, src)


def test_studio_items_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    import_pack(store, EXAMPLES / "climate-agriculture")
    first = store.items()[0]
    store.save_item(
        first["record"], {**first["extra"], "reference": "marejeo", "tags": "a,b"}, None, first["pk"]
    )
    rec, extra, _ = check_item(
        {"id": "o1", "language": "en", "type": "open", "topic": "t", "question": "Why?"}
    )
    store.save_item(rec, extra, None)
    out = export_pack(store, tmp_path / "p1")
    assert (out / STUDIO_FILE).is_file()
    from sovaudit.packs import load_pack

    assert len(load_pack(out).items) == len(store.items()) - 1  # the open item is the studio's only
    again = Store(tmp_path / "data2")
    import_pack(again, out)
    out2 = export_pack(again, tmp_path / "p2")
    for p in out.iterdir():
        assert (out2 / p.name).read_bytes() == p.read_bytes(), p.name
    assert next(it["extra"].get("reference") for it in again.items()) == "marejeo"


def test_adjudicated_grade_replaces_the_graders_in_the_means(tmp_path: Path) -> None:
    from sovaudit.studio.export import numbers

    store = make_studio(tmp_path, graders=2)
    a, _ = add_answers(store, 1)
    g1, g2, admin = _ids(store, "grader1"), _ids(store, "grader2"), _ids(store, "admin")
    store.add_grade(a, g1, G)
    store.add_grade(a, g2, {**G, "correct": 0})
    before = {(r["model"], r["dimension"]): r["mean"] for r in numbers(store, 10)["rubric"]}
    assert before[("model-x", "correct")] == 1.0
    store.adjudicate(a, admin, {**G, "correct": 3}, "the law says so")
    nums = numbers(store, 10)
    after = {(r["model"], r["dimension"]): r for r in nums["rubric"]}
    assert after[("model-x", "correct")]["mean"] == 3.0 and after[("model-x", "correct")]["n_grades"] == 1
    assert grading.disagreements(store)[0]["final"]["correct"] == 3
    assert len(nums["grades"]) == 2  # the graders' own grades are kept


def test_cli_pack_round_trip_and_private_database(tmp_path: Path) -> None:
    import stat

    from sovaudit.cli import main

    src = EXAMPLES / "climate-agriculture"
    data = tmp_path / "data"
    assert main(["studio", "import-pack", str(src), "--data", str(data)]) == 0
    assert stat.S_IMODE((data / "studio.sqlite").stat().st_mode) == 0o600
    assert main(["studio", "export-pack", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    for p in src.iterdir():
        assert (tmp_path / "out" / p.name).read_bytes() == p.read_bytes()
    assert main(["studio", "export-pack", "--data", str(data), "--out", str(tmp_path / "out")]) == 2
