"""Collect answers: run every item through a model in a background thread, with progress in the database.

The model is loaded by :func:`sovaudit.models.load_model` (any spec the other commands take: an embedded
asset, a folder, a GGUF file, an openai server) and asked by greedy generation, as the pack audit asks
short answers. Each answer is stored with the model's identity (name, backend, weights digest, the settings
that change its numbers, the length cap) and the exact prompt.
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any

from .db import Store

OPEN_TEMPLATE = "Question: {question}\nAnswer:"
BATCH = 8


def item_prompt(record: dict[str, Any]) -> str:
    """The prompt of one item: the question, and for mc the lettered options."""
    question = str(record.get("question", ""))
    if record.get("type") == "mc":
        opts = record.get("options", "")
        parts = opts if isinstance(opts, list) else [p.strip() for p in str(opts).split("|") if p.strip()]
        letters = "ABCDEFGHIJ"
        question += "\n" + "\n".join(f"{letters[i]}. {p}" for i, p in enumerate(parts))
    return OPEN_TEMPLATE.format(question=question)


def start_job(store: Store, spec: str, max_tokens: int = 64, model: Any = None) -> int:
    """Record a job and run it in a daemon thread; returns the job id (``model``: an already loaded one)."""
    with store.write() as con:
        cur = con.execute(
            "INSERT INTO jobs(spec, status, created) VALUES (?, 'queued', ?)", (spec, time.time())
        )
        job_id = int(cur.lastrowid or 0)
    thread = threading.Thread(
        target=run_job,
        args=(store, job_id, spec, max_tokens, model),
        name=f"studio-job-{job_id}",
        daemon=True,
    )
    thread.start()
    return job_id


def _set(store: Store, job_id: int, **fields: Any) -> None:
    cols = ", ".join(f"{k} = ?" for k in fields)
    with store.write() as con:
        con.execute(f"UPDATE jobs SET {cols} WHERE id = ?", (*fields.values(), job_id))


def run_job(store: Store, job_id: int, spec: str, max_tokens: int, model: Any = None) -> None:
    """Generate an answer to every item that this model has not answered yet; errors end up in the job."""
    try:
        from ..models.base import GenerateRequest
        from ..models.loading import load_model

        _set(store, job_id, status="loading")
        if model is None:
            model = load_model(spec)
        info = model.info
        model_id = store.model_id(spec, info.name, info.backend, info.digest, info.settings, max_tokens)
        answered = {
            int(r["item_pk"])
            for r in store.query("SELECT item_pk FROM answers WHERE model_id = ?", (model_id,))
        }
        todo = [it for it in store.items() if it["pk"] not in answered]
        _set(store, job_id, status="running", total=len(todo), model_id=model_id)
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            prompts = [item_prompt(it["record"]) for it in chunk]
            texts = model.generate(
                [GenerateRequest(p, until=("\n\n",), max_tokens=max_tokens) for p in prompts]
            )
            for it, p, t in zip(chunk, prompts, texts, strict=True):
                store.add_answer(it["pk"], model_id, p, (t or "").strip())
            _set(store, job_id, done=start + len(chunk))
        _set(store, job_id, status="done")
    except Exception as exc:  # shown on the job's page
        _set(store, job_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:2000])
        traceback.print_exc()


def jobs(store: Store) -> list[dict[str, Any]]:
    """Every job, newest first."""
    return [dict(r) for r in store.query("SELECT * FROM jobs ORDER BY id DESC")]
