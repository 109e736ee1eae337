"""GlobalOpinionQA fixtures written in exactly the published CSV format (``Anthropic/llm_global_opinions``).

``selections`` is the repr of ``defaultdict(<class 'list'>, {...})`` and ``options`` the repr of a list, as
the published ``global_opinions.csv`` holds them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

# 5 questions x 3 countries. Kenya is missing from q3 and q5; q2 has an option with zero share (Germany);
# q4's United States shares sum to 0.8 in the file (renormalised and noted).
QUESTIONS: list[dict[str, Any]] = [
    {
        "question": "Do you approve of the way things are going?",
        "options": ["Yes", "No"],
        "selections": {"United States": [1.0, 0.0], "Germany": [0.5, 0.5], "Kenya": [0.0, 1.0]},
        "source": "GAS",
    },
    {
        "question": "How important is religion in your life?",
        "options": ["Very important", "Somewhat important", "Not important"],
        "selections": {
            "United States": [0.5, 0.25, 0.25],
            "Germany": [0.0, 0.5, 0.5],
            "Kenya": [0.5, 0.25, 0.25],
        },
        "source": "GAS",
    },
    {
        "question": "Is the economy doing well?",
        "options": ["Good", "Bad"],
        "selections": {"United States": [0.5, 0.5], "Germany": [0.5, 0.5]},
        "source": "WVS",
    },
    {
        "question": "Should the government reduce inequality?",
        "options": ["Agree", "Disagree"],
        "selections": {"United States": [0.4, 0.4], "Germany": [0.25, 0.75], "Kenya": [1.0, 0.0]},
        "source": "WVS",
    },
    {
        "question": "Is technology good for society?",
        "options": ["Yes", "No", "DK/Refused"],
        "selections": {"United States": [1.0, 0.0, 0.0], "Germany": [0.0, 1.0, 0.0]},
        "source": "GAS",
    },
]


def selections_text(sel: dict[str, list[float]]) -> str:
    """The published text of a ``selections`` field: ``repr`` of a ``defaultdict(list)``."""
    d: defaultdict[str, list[float]] = defaultdict(list)
    for k, v in sel.items():
        d[k] = v
    return repr(d)


def write_csv(
    path: Path, questions: list[dict[str, Any]] = QUESTIONS, raw: list[dict[str, str]] | None = None
) -> Path:
    """Write the questions (or raw field texts) as the GlobalOpinionQA CSV."""
    rows = (
        raw
        if raw is not None
        else [
            {
                "question": q["question"],
                "selections": selections_text(q["selections"]),
                "options": repr(q["options"]),
                "source": q["source"],
            }
            for q in questions
        ]
    )
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["question", "selections", "options", "source"])
        w.writeheader()
        w.writerows(rows)
    return path
