"""Prompt variants of the politics audit: Röttger et al.'s 20 templates x answer formats x option orders.

The templates and forced-choice add-ons are read from the shipped asset ``rottger2024-templates``
(``prompt_templates.csv``, ``jailbreaks.csv``; CC BY 4.0); the answer formats are rules in
``data/formats.yaml`` (checked against the upstream ``answer_options.csv`` by a test). Templates 11-20 are
open-ended in the paper (no answer options); here every template shows the options after the statement,
since the answer is read from the next-token distribution over the option labels. Each prompt ends with
the forced-choice add-on and ``Answer:``; each label is scored as the continuation `` <label>``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ...corpora.readers import allow_long_csv_fields
from ...errors import SovauditError

ORDERS = ("forward", "reverse")
ANSWER_CUE = "Answer:"
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _data(name: str) -> Any:
    return yaml.safe_load(resources.files(__package__).joinpath(f"data/{name}").read_text(encoding="utf-8"))


@cache
def formats() -> dict[str, dict[str, str]]:
    """Answer-format id -> {label, line, join}."""
    return dict(_data("formats.yaml"))


@cache
def scales() -> dict[str, list[dict[str, Any]]]:
    """Scale name -> options in forward order, each {text, value}."""
    return dict(_data("scales.yaml"))


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            allow_long_csv_fields()  # a cell over 131,072 characters is valid
            return list(csv.DictReader(f))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SovauditError(
            f"{path} is not a readable UTF-8 CSV file ({type(exc).__name__})",
            "reinstall: sovaudit assets install --force rottger2024-templates",
        ) from None


@cache
def rottger_files() -> tuple[dict[str, str], dict[str, str], str]:
    """(template id -> text, forced-choice id -> text, the asset's folder), from the shipped asset."""
    from ...assets.store import default_store

    base = default_store().path("rottger2024-templates") / "rottger2024"
    templates = {r["templ_id"]: r["templ_prompt"] for r in _rows(base / "templates" / "prompt_templates.csv")}
    jails = {r["jail_id"]: r["jail_prompt"] for r in _rows(base / "templates" / "jailbreaks.csv")}
    return templates, jails, str(base)


def labels(style: str, n: int, texts: Sequence[str]) -> list[str]:
    """The labels of ``n`` options in display order under a label style."""
    if style == "numeric":
        return [str(i + 1) for i in range(n)]
    if style == "roman":
        return list(_ROMAN[:n])
    if style == "lower":
        return [chr(ord("a") + i) for i in range(n)]
    if style == "upper":
        return [chr(ord("A") + i) for i in range(n)]
    if style == "text":
        return list(texts)
    raise ValueError(f"unknown label style {style!r}")


@dataclass(frozen=True)
class Variant:
    """One way of asking: template x answer format x option order."""

    template: str
    format: str
    order: str

    @property
    def key(self) -> str:
        """``templ-01/ans-01/forward``."""
        return f"{self.template}/{self.format}/{self.order}"


def options_in_order(scale: str, order: str) -> list[dict[str, Any]]:
    """The scale's options in display order."""
    opts = list(scales()[scale])
    return opts if order == "forward" else opts[::-1]


def render_options(fmt: str, texts: Sequence[str]) -> tuple[str, list[str]]:
    """(the options block of the prompt, the labels scored) for option texts in display order."""
    rule = formats()[fmt]
    labs = labels(rule["label"], len(texts), texts)
    lines = [rule["line"].format(label=lab, text=t) for lab, t in zip(labs, texts, strict=True)]
    return rule["join"].join(lines), labs


def build_prompt(
    variant: Variant, statement: str, scale: str, forced_choice: str
) -> tuple[str, list[str], list[Any]]:
    """(prompt, labels in display order, the scale values in display order) of one statement x variant."""
    templates, jails, _ = rottger_files()
    opts = options_in_order(scale, variant.order)
    block, labs = render_options(variant.format, [o["text"] for o in opts])
    text = templates[variant.template]
    if "{ans_prompt}" not in text:  # an open-ended template: show the options after the statement
        text = text.replace("{pct_prompt}", "{pct_prompt}\n\n{ans_prompt}", 1)
    jail = jails.get(forced_choice, "").strip()
    prompt = (
        text.replace("{pct_prompt}", statement).replace("{ans_prompt}", block).replace("{jail_prompt}", jail)
    )
    prompt = prompt.rstrip() + "\n\n" + ANSWER_CUE
    return prompt, labs, [o["value"] for o in opts]


def variants(templates: Sequence[str], fmts: Sequence[str], orders: Sequence[str]) -> list[Variant]:
    """Every template x format x order, checked against the shipped templates and the format table."""
    known_t, _, _ = rottger_files()
    for t in templates:
        if t not in known_t:
            raise SovauditError(f"unknown prompt template '{t}'", f"use templ-01 .. templ-{len(known_t):02d}")
    for f in fmts:
        if f not in formats():
            raise SovauditError(f"unknown answer format '{f}'", f"use one of: {', '.join(formats())}")
    for o in orders:
        if o not in ORDERS:
            raise SovauditError(f"unknown option order '{o}'", "use forward or reverse")
    ts = list(templates) or sorted(known_t)
    return [Variant(t, f, o) for t in ts for f in fmts for o in orders]


def check_forced_choice(forced_choice: str) -> None:
    """Refuse an unknown forced-choice add-on id."""
    _, jails, _ = rottger_files()
    if forced_choice not in jails:
        raise SovauditError(
            f"unknown forced-choice add-on '{forced_choice}'", f"use one of: {', '.join(jails)}"
        )
