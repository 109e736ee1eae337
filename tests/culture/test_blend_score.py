"""BLEnD soft exact match pinned on hand-made items in Arabic, Korean, Amharic and Greek (values by hand)."""

from __future__ import annotations

import pytest

from sovaudit.audits.culture.blend_score import (
    clean_response,
    delete_prompt_from_answer,
    is_idk,
    is_valid_question,
    lemma_check,
    score_response,
)

AR = [
    {"answers": ["كسكس", "الكسكسي"], "en_answers": ["couscous"], "count": 3},
    {"answers": ["شوربة"], "en_answers": ["soup"], "count": 1},
]
KO = [
    {"answers": ["김치"], "en_answers": ["kimchi"], "count": 4},
    {"answers": ["불고기 덮밥"], "en_answers": ["bulgogi rice bowl"], "count": 2},
]
AM = [
    {"answers": ["እንጀራ"], "en_answers": ["injera"], "count": 5},
    {"answers": ["ዶሮ ወጥ"], "en_answers": ["doro wat", "chicken stew"], "count": 2},
]
EL = [
    {"answers": ["σουβλάκι"], "en_answers": ["souvlaki"], "count": 2},
    {"answers": ["γύρος"], "en_answers": ["gyros"], "count": 2},
]


@pytest.mark.parametrize(
    ("annotations", "response", "language", "expected"),
    [
        (AR, "الكسكس", "ar", (1, 1.0)),  # substring of the first (most voted) answer
        (AR, "أكلة شوربة", "ar", (1, 1 / 3)),  # second answer: weight count / max count = 1/3
        (AR, "couscous", "ar", (1, 1.0)),  # English answers are tried after the local ones
        (AR, "بيتزا", "ar", (0, 0.0)),
        (AR, "كسكس", "en", (0, 0.0)),  # asked in English: only English answers count
        (KO, "김치를 먹어요", "ko", (1, 1.0)),
        (KO, "덮밥, 불고기", "ko", (1, 0.5)),  # not a substring; every answer token is among the response's
        (KO, "불고기", "ko", (0, 0.0)),  # one token of two is not enough
        (AM, "እንጀራ ከወጥ ጋር።", "am", (1, 1.0)),
        (AM, "ወጥ፣ ዶሮ", "am", (1, 0.4)),  # Ethiopic comma splits tokens; 2/5
        (EL, "σουβλακι", "el", (1, 1.0)),  # the acute accent (tonos) is removed after NFD
        (EL, "ο γυρος", "el", (1, 1.0)),  # second answer, same count as the first: weight 1
        (EL, "", "el", (0, 0.0)),  # empty answers score 0
    ],
)
def test_score_response(annotations: list, response: str, language: str, expected: tuple) -> None:
    binary, weight = score_response(annotations, response, language)
    assert binary == expected[0]
    assert weight == pytest.approx(expected[1])


def test_substring_forms_of_lemma_check() -> None:
    assert lemma_check("ice-cream", "ice cream and cake", "en")  # '-' -> ' '
    assert lemma_check("ice cream", "ice-cream", "en")  # ' ' -> '-'
    # the raw answer is not lower-cased (as in the authors' code); the token test lower-cases both sides
    assert lemma_check("Couscous", "couscous", "en")


@pytest.mark.parametrize(
    ("idks", "n_annotations", "valid"),
    [
        ({"idk": 5, "no-answer": 0, "not-applicable": 0}, 2, False),
        ({"idk": 4, "no-answer": 0, "not-applicable": 0}, 2, True),
        ({"idk": 0, "no-answer": 2, "not-applicable": 1}, 2, False),
        ({"idk": 0, "no-answer": 1, "not-applicable": 1}, 2, True),
        ({"idk": 0, "no-answer": 0, "not-applicable": 0}, 0, False),
    ],
)
def test_valid_question_rule(idks: dict, n_annotations: int, valid: bool) -> None:
    assert is_valid_question(idks, [{}] * n_annotations) is valid


def test_response_cleaning() -> None:
    prompt = "Read the following question.\n\nQuestion: What?\nAnswer:"
    assert clean_response("Answer: Couscous.", prompt) == "couscous"
    # a leading 'word:' not in the prompt stays; full-width punctuation is folded
    assert delete_prompt_from_answer("Paris: 首都。", prompt) == "paris: 首都."
    assert clean_response("الإجابة: كسكس", "السؤال: ما؟\nالإجابة:") == "كسكس"


def test_idk_detection() -> None:
    assert is_idk("لا أعرف", "ar")
    assert is_idk("잘 모르겠어요", "ko")
    assert is_idk("i don't know", "am")  # English is recognised in every language
    assert not is_idk("እንጀራ", "am")
