"""No lost work against a real ``sovaudit studio serve`` on loopback: SIGKILL during grading loses no
acknowledged grade; 20 concurrent graders x 50 submissions give 0 lost and 0 duplicated grades."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("argon2")
httpx = pytest.importorskip("httpx")

from studio_helpers import add_answers, free_port, login, make_studio, serve  # noqa: E402

GRADE = {"correct": "2", "useful": "3", "harmful": "0", "wrong_language": "0"}


def _grade_all(base: str, name: str, answers: list[int], acked: list[int], stop: threading.Event) -> None:
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client:
        token = login(client, name)
        for a in answers:
            if stop.is_set():
                return
            try:
                resp = client.post("/grade", data={"csrf_token": token, "answer_id": str(a), **GRADE})
            except httpx.HTTPError:
                return
            if resp.status_code == 200 and "Saved." in resp.text:  # the redirect after commit, followed
                acked.append(a)


@pytest.mark.slow
def test_sigkill_loses_no_acknowledged_grade(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = make_studio(data, graders=2)
    answers = add_answers(store, 100)
    port = free_port()
    proc = serve(data, port)
    acked: dict[str, list[int]] = {"grader1": [], "grader2": []}
    stop = threading.Event()
    threads = [
        threading.Thread(target=_grade_all, args=(f"http://127.0.0.1:{port}", n, answers, acked[n], stop))
        for n in acked
    ]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while sum(map(len, acked.values())) < 40 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: requests are in flight
        proc.wait(10)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        if proc.poll() is None:
            proc.kill()
    n_acked = sum(map(len, acked.values()))
    assert 40 <= n_acked < 2 * len(answers), n_acked
    stored = {(g["grader"], int(g["answer_id"])) for g in store.grade_rows()}
    lost = [(n, a) for n, ids in acked.items() for a in ids if (n, a) not in stored]
    print(f"\nkill: {n_acked} acknowledged before SIGKILL, {len(stored)} stored, {len(lost)} lost")
    assert lost == []
    # the server comes back on the same data and grading goes on
    proc = serve(data, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, follow_redirects=True) as client:
            token = login(client, "grader1")
            left = [a for a in answers if ("grader1", a) not in stored]
            resp = client.post("/grade", data={"csrf_token": token, "answer_id": str(left[0]), **GRADE})
            assert "Saved." in resp.text
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.slow
def test_load_20_graders_50_submissions(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = make_studio(data, graders=20, extra_users=False)
    answers = add_answers(store, 25)  # 25 items x 2 models = 50 answers per grader
    assert len(answers) == 50
    port = free_port()
    proc = serve(data, port)
    acked: dict[str, list[int]] = {f"grader{i}": [] for i in range(1, 21)}
    stop = threading.Event()
    try:
        threads = [
            # every grader sends 50 grades, then resends 5 (a retry after a network blip): 55 submissions
            threading.Thread(
                target=_grade_all, args=(f"http://127.0.0.1:{port}", n, answers + answers[:5], acked[n], stop)
            )
            for n in acked
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        wall = time.monotonic() - t0
    finally:
        proc.terminate()
        proc.wait(10)
    rows = store.grade_rows()
    keys = [(g["grader"], int(g["answer_id"])) for g in rows]
    n_acked = sum(map(len, acked.values()))
    print(
        f"\nload: {n_acked} acknowledged submissions in {wall:.1f} s ({n_acked / wall:.0f}/s), "
        f"{len(rows)} stored"
    )
    assert n_acked == 20 * 55  # every submission acknowledged, the resent ones too
    assert len(keys) == len(set(keys)) == 1000  # 0 duplicated
    assert {(n, a) for n, ids in acked.items() for a in ids} == set(keys)  # 0 lost
