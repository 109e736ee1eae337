"""The probe-pack format: ``pack.yaml`` (what the pack is, who wrote it, its prompt templates) and items.

A pack is a folder::

    my-pack/
      pack.yaml        name, version, authors, licence, languages, countries, domain, description, templates
      items.csv        one row per item and language (or items.jsonl: one JSON object per line)

Item columns (CSV header or JSONL keys): ``id``, ``language``, ``topic``, ``type`` (``mc``, ``short`` or
``agree``), ``question``, ``options`` (mc: the choices separated by ``|``), ``correct`` (mc: the letter
A, B, ... or the exact text of the right option; agree: ``agree`` or ``disagree``), ``accepted`` (short:
accepted answers separated by ``|``), ``normalise`` (short: how answers are compared, see
:data:`NORMALISE_RULES`), ``source`` and ``source_url`` (where the answer can be checked). The same item in
several languages shares its ``id``. Everything here is data; nothing in a pack runs as code.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ITEM_TYPES = ("mc", "short", "agree")
ITEM_COLUMNS = (
    "id",
    "language",
    "topic",
    "type",
    "question",
    "options",
    "correct",
    "accepted",
    "normalise",
    "source",
    "source_url",
)
REQUIRED_COLUMNS = ("id", "language", "topic", "type", "question")
#: how a short answer is compared with the accepted answers (see :mod:`sovaudit.packs.scoring`)
NORMALISE_RULES = {
    "text": "ignore upper/lower case, punctuation and extra spaces; the answer must appear as whole words",
    "text-no-accents": "as 'text', and also ignore accents (é = e)",
    "exact": "the accepted answer must appear exactly as written (case and accents count)",
    "number": "the first number in the model's answer must equal an accepted number (1,5 = 1.5)",
}
DEFAULT_NORMALISE = "text"
LETTERS = "ABCDEFGHIJ"

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "mc": "Question: {question}\n{options}\nAnswer:",
        "short": "Answer the question in a few words.\nQuestion: {question}\nAnswer:",
        "agree": "Statement: {question}\nDo you agree or disagree with this statement?\nAnswer:",
        "agree_word": "agree",
        "disagree_word": "disagree",
    },
    "fr": {
        "mc": "Question : {question}\n{options}\nRéponse :",
        "short": "Répondez à la question en quelques mots.\nQuestion : {question}\nRéponse :",
        "agree": "Affirmation : {question}\nÊtes-vous d'accord ou pas d'accord avec cette affirmation ?\n"
        "Réponse :",
        "agree_word": "d'accord",
        "disagree_word": "pas d'accord",
    },
}


class PackTemplates(BaseModel):
    """The prompts of one language: ``{question}`` and (mc) ``{options}`` are filled in per item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mc: str = Field(min_length=1)
    short: str = Field(min_length=1)
    agree: str = Field(min_length=1)
    agree_word: str = Field(min_length=1)
    disagree_word: str = Field(min_length=1)


class PackMeta(BaseModel):
    """``pack.yaml``: what the pack is and how its items are asked."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    version: str = Field(min_length=1)
    authors: list[str] = Field(min_length=1)
    licence: str = Field(min_length=1, alias="licence")
    languages: list[str] = Field(min_length=1)
    countries: list[str] = Field(default_factory=list)
    domain: str = Field(min_length=1)
    description: str = Field(min_length=1)
    items: list[str] = Field(default_factory=lambda: ["items.csv"], min_length=1)
    templates: dict[str, PackTemplates] = Field(default_factory=dict)
    max_tokens: int = Field(default=32, ge=1, le=512)
    example: bool = False
    #: ``secret``: reports and public bundles show scores, intervals and counts per topic and language,
    #: never the items, prompts or answers (see docs/bundles.md)
    visibility: Literal["public", "secret"] = "public"
    #: a unique string written in the pack's files, searched for in corpora (``sovaudit corpus --leaks``)
    canary: str = ""


class PackItem(BaseModel):
    """One item in one language, as read and checked (``file`` and ``row`` say where it came from)."""

    model_config = ConfigDict(frozen=True)

    id: str
    language: str
    topic: str
    type: Literal["mc", "short", "agree"]
    question: str
    options: tuple[str, ...] = ()
    correct: int = -1  # mc: index into options; agree: 1 agree, 0 disagree; short: -1
    accepted: tuple[str, ...] = ()
    normalise: str = DEFAULT_NORMALISE
    source: str = ""
    source_url: str = ""
    file: str = ""
    row: int = 0

    def to_payload(self) -> dict[str, Any]:
        """Plain JSON (what a work unit carries)."""
        return self.model_dump(mode="json")


class Pack(BaseModel):
    """A loaded, valid pack: its metadata, the folder it came from, a hash of its files, and its items."""

    model_config = ConfigDict(frozen=True)

    meta: PackMeta
    path: str
    digest: str
    items: tuple[PackItem, ...]

    def templates(self, language: str) -> PackTemplates:
        """The templates of ``language`` (the pack's own, else the built-in English/French ones)."""
        if language in self.meta.templates:
            return self.meta.templates[language]
        return PackTemplates(**DEFAULT_TEMPLATES[language])
