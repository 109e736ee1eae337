"""BLEnD's short-answer scoring ("soft exact match"), rule by rule from the authors' evaluation code.

Source: github nlee0212/BLEnD, ``evaluation/exact_match.py`` (``soft_exact_match``, ``lemma_check``) and
``evaluation/evaluation_utils.py`` (``get_llm_response_by_id``, ``delete_prompt_from_answer``).

1. A question counts only when annotators could answer it: it is left out when ``no-answer +
   not-applicable >= 3`` or ``idk >= 5`` or it has no annotations (``soft_exact_match``).
2. The response is cleaned (``delete_prompt_from_answer``): the prompt is removed, full-width ``：、，。``
   become ``:,,.``, it is lower-cased, a leading ``word:`` whose word appears in the prompt is removed, and
   it is stripped of spaces and then of ``.`` (``get_llm_response_by_id``).
3. Human answers are tried in the annotation order (most voted first): for a non-English language, each
   local-language answer, then each English answer (``soft_exact_match``); the first match scores 1
   (SEM-B) and ``count / count of the first answer`` (SEM-W).
4. An answer matches (``lemma_check``) when it, or it with ``-`` -> space or space -> ``-``, is a substring
   of the cleaned response; else when every token of the answer is among the response's tokens, tokens
   being lemmatised per language, NFD-normalised with the combining acute accent removed, lower-cased,
   and single punctuation characters dropped.

Difference (said in every result's notes): the authors lemmatise with konlpy Okt (Korean), qalsadi
(Arabic), cltk (Greek), spark-nlp (Amharic, Spanish), spaCy (English), hazm (Persian), nlp-id (Indonesian),
hausastemmer, an Azerbaijani stemmer, SUSTEM (Sundanese), jieba (Chinese) and indic-nlp (Assamese). None
is available offline here, so step 4's tokens are surface words (split at spaces and punctuation; jieba
for Chinese when installed). The substring test of step 4 is unchanged; only matches that needed a lemma
(e.g. a plural or a case ending of a multi-word answer) are missed, so scores can only be lower or equal.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from typing import Any

_ACUTE = {ord("\N{COMBINING ACUTE ACCENT}"): None}

#: "I don't know" in each BLEnD language: not in the authors' evaluation (which scores such answers 0 like
#: any other); sovaudit counts them to report ``idk_rate`` next to the score.
IDK_PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("i don't know", "i do not know", "i'm not sure", "i am not sure", "don't know", "not sure"),
    "ar": ("لا أعرف", "لا اعرف", "لا أدري", "لا ادري", "لست متأكد"),
    "ko": ("모르겠", "모릅니다", "모름", "잘 모르"),
    "am": ("አላውቅም",),
    "el": ("δεν ξέρω", "δεν γνωρίζω", "δεν είμαι σίγουρ"),
    "zh": ("不知道", "不清楚", "不确定"),
    "es": ("no sé", "no lo sé", "no estoy seguro", "no estoy segura"),
    "id": ("tidak tahu", "saya tidak yakin", "tidak yakin"),
    "fa": ("نمی‌دانم", "نمیدانم", "نمی دانم", "مطمئن نیستم"),
    "as": ("নাজানো", "মই নাজানো"),
    "ha": ("ban sani ba", "ban sani"),
    "az": ("bilmirəm", "əmin deyiləm"),
    "su": ("teu terang", "teu nyaho", "teu apal"),
}


def is_valid_question(idks: dict[str, int], annotations: Sequence[Any]) -> bool:
    """Rule 1 (``soft_exact_match``): whether a question is scored at all."""
    if idks.get("no-answer", 0) + idks.get("not-applicable", 0) >= 3 or idks.get("idk", 0) >= 5:
        return False
    return len(annotations) > 0


def delete_prompt_from_answer(text: str, prompt: str) -> str:
    """Rule 2 (``evaluation_utils.py::delete_prompt_from_answer``)."""
    text = (
        text.replace(prompt, "")
        .replace("：", ":")
        .replace("、", ",")
        .replace("，", ",")
        .replace("。", ".")
        .lower()
    )
    prompt = prompt.replace("：", ":").replace("、", ",").replace("，", ",").replace("。", ".").lower()
    match = re.findall(r"^(\w+:)\s", text)
    extracted = ""
    for m in match:
        if len(m) > len(extracted) and m.replace(":", "") in prompt:
            extracted = m
    if match:
        return text.replace(extracted, "").strip()
    return text.strip()


def clean_response(response: str, prompt: str) -> str:
    """Rule 2 in full (``get_llm_response_by_id``): cleaned, then stripped of ``.`` and lower-cased."""
    return delete_prompt_from_answer(response, prompt).strip(".").lower()


def _surface_tokens(text: str, language: str) -> list[str]:
    if language == "zh":
        try:
            import jieba  # type: ignore[import-not-found,unused-ignore]

            return [t for t in jieba.cut(text)]
        except ImportError:
            pass
    spaced = "".join(" " if unicodedata.category(ch).startswith("P") and ch != "-" else ch for ch in text)
    return spaced.split()


def _normalise_tokens(tokens: Sequence[str]) -> list[str]:
    # lemma_check: NFD, the combining acute accent removed, lower-cased; punctuation and empty tokens dropped
    return [
        unicodedata.normalize("NFD", t).translate(_ACUTE).lower()
        for t in tokens
        if t not in string.punctuation and t != ""
    ]


def lemma_check(answer: str, response: str, language: str) -> bool:
    """Rule 4 (``exact_match.py::lemma_check``), with surface tokens in place of lemmas (see module doc)."""
    if answer in response or answer.replace("-", " ") in response or answer.replace(" ", "-") in response:
        return True
    answer_tokens = _normalise_tokens(_surface_tokens(answer, language))
    llm_tokens = _normalise_tokens(_surface_tokens(response, language))
    return all(a in llm_tokens for a in answer_tokens)


def score_response(annotations: Sequence[dict[str, Any]], response: str, language: str) -> tuple[int, float]:
    """Rule 3 (``soft_exact_match``): (binary, weighted) score of a cleaned response; 0 if empty."""
    if not response or not annotations:
        return 0, 0.0
    max_vote = annotations[0]["count"]
    for agg in annotations:
        if language != "en":
            for a in agg.get("answers") or ():
                if lemma_check(a, response, language):
                    return 1, agg["count"] / max_vote
        for a in agg.get("en_answers") or ():
            if lemma_check(a, response, "en"):
                return 1, agg["count"] / max_vote
    return 0, 0.0


def is_idk(response: str, language: str) -> bool:
    """Whether a cleaned response says "I don't know" (in the asked language or English)."""
    r = response.casefold()
    phrases = IDK_PHRASES.get(language, ()) + IDK_PHRASES["en"]
    return any(p.casefold() in r for p in phrases)
