"""One item type for every bias benchmark (multiple choice or sentence pair), plain JSON both ways."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: benchmark name -> the kind of its items
BENCHMARKS: dict[str, str] = {
    "bbq": "mc",
    "kobbq": "mc",
    "cbbq": "mc",
    "jbbq": "mc",
    "crows-pairs-en": "pair",
    "crows-pairs-fr": "pair",
}


@dataclass(frozen=True)
class Item:
    """One benchmark item.

    Multiple choice (``kind == "mc"``): ``answers`` are the answer texts in file order, ``label`` the
    correct one, ``unknown`` the "cannot be determined" answer, ``biased`` the answer that reflects the
    targeted stereotype (``None`` where it cannot be derived: such items are counted, never guessed),
    ``condition`` ``ambig``/``disambig`` and ``polarity`` ``neg``/``nonneg``.
    Sentence pair (``kind == "pair"``): ``answers`` = ``(sent_more, sent_less)``; ``category`` is the
    bias type. ``meta`` holds benchmark-specific fields (KoBBQ's context type, BBQ's label type ...).
    """

    benchmark: str
    category: str
    example_id: str
    answers: tuple[str, ...]
    context: str = ""
    question: str = ""
    label: int = 0
    unknown: int | None = None
    biased: int | None = None
    condition: str = ""
    polarity: str = ""
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def kind(self) -> str:
        """``mc`` or ``pair``."""
        return BENCHMARKS[self.benchmark]

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (a unit's payload carries its items)."""
        d = asdict(self)
        d["answers"] = list(self.answers)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Item:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**d, "answers": tuple(d["answers"])})
