"""Pure scoring of pack items: prompts from templates, short-answer matching, per-item correctness.

- multiple choice: the options are shown lettered (``A. ...``); the model's log-probability of each letter
  after the prompt is computed in **one** loglikelihood call per item (every letter shares the context, so
  the engine scores them in one pass); the item is right when the correct letter has the highest one.
- agree/disagree: the same with the two words of the language's template (``agree`` / ``disagree``).
- short answer: greedy generation up to the pack's ``max_tokens``, cut at the first line break; right when
  one accepted answer appears in it after the item's normalisation rule (:data:`~.format.NORMALISE_RULES`).
"""

from __future__ import annotations

import re
import string
import unicodedata

from .format import LETTERS, PackItem, PackTemplates

_PUNCT = set(string.punctuation) | {
    "«",
    "»",
    "“",
    "”",
    "‘",
    "’",
    "…",
    "–",
    "—",
    "¿",
    "¡",
    "،",
    "؟",
    "。",
    "，",
}
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def mc_prompt(item: PackItem, tpl: PackTemplates) -> str:
    """The prompt of a multiple-choice item: the template with the question and lettered options."""
    options = "\n".join(f"{LETTERS[i]}. {opt}" for i, opt in enumerate(item.options))
    return tpl.mc.replace("{options}", options).replace("{question}", item.question)


def choices(item: PackItem, tpl: PackTemplates) -> list[str]:
    """The continuations scored for an mc or agree item (each after one space), in answer order.

    For agree items index 0 is *disagree* and 1 is *agree*, matching :attr:`PackItem.correct`.
    """
    if item.type == "mc":
        return [f" {LETTERS[i]}" for i in range(len(item.options))]
    return [f" {tpl.disagree_word}", f" {tpl.agree_word}"]


def prompt(item: PackItem, tpl: PackTemplates) -> str:
    """The prompt of any item."""
    if item.type == "mc":
        return mc_prompt(item, tpl)
    template = tpl.agree if item.type == "agree" else tpl.short
    return template.replace("{question}", item.question)


def normalise(text: str, rule: str) -> str:
    """``text`` as the rule compares it: ``exact`` keeps it; ``text`` folds case, punctuation and spaces;
    ``text-no-accents`` also drops accents (combining marks after NFD)."""
    if rule == "exact":
        return text.strip()
    t = unicodedata.normalize("NFKC", text).casefold()
    t = "".join(" " if ch in _PUNCT or unicodedata.category(ch).startswith("P") else ch for ch in t)
    if rule == "text-no-accents":
        t = "".join(ch for ch in unicodedata.normalize("NFD", t) if not unicodedata.combining(ch))
    return " ".join(t.split())


def _number(text: str) -> float | None:
    m = _NUMBER.search(text)
    return float(m.group().replace(",", ".")) if m else None


def short_answer_correct(response: str, accepted: tuple[str, ...] | list[str], rule: str) -> bool:
    """Whether ``response`` gives one of the ``accepted`` answers under ``rule``."""
    if rule == "number":
        got = _number(response)
        return got is not None and any(_number(a) == got for a in accepted)
    if rule == "exact":
        return any(a.strip() and a.strip() in response for a in accepted)
    resp = f" {normalise(response, rule)} "
    return any(n and f" {n} " in resp for n in (normalise(a, rule) for a in accepted))


def clean_response(text: str) -> str:
    """The first non-empty line of a generation (what the short answer is judged on)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""
