"""Hostile strings for the report attack test, and the planter that puts them into results documents.

Every payload leaves a trace if a browser ever executes or fetches it: it sets ``window.__pwned``, opens a
dialog, or requests ``http://127.0.0.1:<port>/hit?<id>`` from the loopback request counter. Payloads that
only a template or markdown engine would act on carry such a trace inside the syntax they would expand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

LONG_CHARS = 100_000
LONG_NAME = "!long"  # a planted string so named also gets the long payload


def payloads(origin: str) -> list[tuple[str, str]]:
    """``(id, payload)`` pairs; ``origin`` is the counter server (``http://127.0.0.1:PORT``)."""

    def hit(pid: str) -> str:
        return f"{origin}/hit?{pid}"

    def js(pid: str) -> str:
        return f"window.__pwned='{pid}'"

    raw: list[tuple[str, str]] = []

    def add(make: Callable[[str, str, str], str]) -> None:  # make(id, hit URL, script setting __pwned)
        pid = f"P{len(raw) + 1:02d}"
        raw.append((pid, make(pid, hit(pid), js(pid))))

    for make in (
        # script elements
        lambda i, h, j: f"<script>{j};alert('{i}')</script>",
        lambda i, h, j: f'<script src="{h}"></script>',
        lambda i, h, j: f"<SCRIPT SRC={h}></SCRIPT>",
        lambda i, h, j: f"<scr<script>ipt>{j}</scr</script>ipt>",
        lambda i, h, j: f"<script>fetch('{h}')</script>",
        # event handlers
        lambda i, h, j: f'<img src=x onerror="{j}">',
        lambda i, h, j: f"<img src=x:x onerror=alert('{i}')>",
        lambda i, h, j: f'<body onload="{j}">',
        lambda i, h, j: f'<details open ontoggle="{j}"><summary>s</summary></details>',
        lambda i, h, j: f'<input autofocus onfocus="{j}">',
        lambda i, h, j: f'<video><source onerror="{j}"></video>',
        lambda i, h, j: f'<marquee onstart="{j}">m</marquee>',
        lambda i, h, j: f'<div onmouseover="{j}" style="position:fixed;inset:0">cover</div>',
        # SVG
        lambda i, h, j: f'<svg onload="{j}"></svg>',
        lambda i, h, j: f"<svg><script>{j}</script></svg>",
        lambda i, h, j: f'<svg><image href="{h}"/></svg>',
        lambda i, h, j: f'<svg><animate onbegin="{j}" attributeName="x" dur="1s"/></svg>',
        lambda i, h, j: f'<svg><a href="javascript:{j}"><text y="20">svg link</text></a></svg>',
        # javascript: and data: URLs
        lambda i, h, j: f'<a href="javascript:{j}">click</a>',
        lambda i, h, j: f"javascript:{j}",
        lambda i, h, j: f"<a href=\"jav&#x09;ascript:alert('{i}')\">tab</a>",
        lambda i, h, j: f"javascript&colon;alert('{i}')",
        lambda i, h, j: f'<a href="data:text/html,<script>{j}</script>">data</a>',
        # frames and embedded objects
        lambda i, h, j: f'<iframe src="{h}"></iframe>',
        lambda i, h, j: f"<iframe srcdoc=\"<script>parent.__pwned='{i}'</script>\"></iframe>",
        lambda i, h, j: f'<iframe src="javascript:parent.{j}"></iframe>',
        lambda i, h, j: f'<object data="{h}"></object>',
        lambda i, h, j: f'<embed src="{h}">',
        lambda i, h, j: f'<audio src="{h}"></audio>',
        # requests without script
        lambda i, h, j: f'<meta http-equiv="refresh" content="0;url={h}">',
        lambda i, h, j: f'<link rel="stylesheet" href="{h}">',
        lambda i, h, j: f'<style>@import url("{h}");</style>',
        lambda i, h, j: f"<style>body{{background:url('{h}')}}</style>",
        lambda i, h, j: f'<div style="background:url({h})">bg</div>',
        lambda i, h, j: f'<img src="{h}">',
        lambda i, h, j: f'<img srcset="{h} 1x">',
        lambda i, h, j: f'<base href="{h}/">',
        lambda i, h, j: f'<form action="{h}"><button autofocus>go</button></form>',
        lambda i, h, j: f'<a href="{h}" ping="{h}">ping</a>',
        # breaking out of the context a string might land in
        lambda i, h, j: f"</script><script>{j}</script>",
        lambda i, h, j: f"</textarea><script>{j}</script>",
        lambda i, h, j: f"</title><script>{j}</script>",
        lambda i, h, j: f"</style><script>{j}</script>",
        lambda i, h, j: f'"><script>{j}</script>',
        lambda i, h, j: f"'><img src={h}>",
        lambda i, h, j: f'" onmouseover="{j}" autofocus onfocus="{j}" x="',
        lambda i, h, j: f"' autofocus onfocus='window.__pwned=\"{i}\"' x='",
        lambda i, h, j: f"--><script>{j}</script><!--",
        lambda i, h, j: f"]]><script>{j}</script>",
        lambda i, h, j: f"<!--<script>{j}</script>-->",
        lambda i, h, j: f"<![CDATA[<script>{j}</script>]]>",
        lambda i, h, j: f"\u2028\u2029</script><script>{j}</script>",
        lambda i, h, j: f"\r\n\r\n<script>{j}</script>",
        # mutation XSS
        lambda i, h, j: f"<math><mtext><table><mglyph><style><img src={h}>",
        lambda i, h, j: f'<noscript><p title="</noscript><img src={h}>"></noscript>',
        lambda i, h, j: f"<template><script>{j}</script></template><plaintext>",
        # entities
        lambda i, h, j: f"&lt;script&gt;{j}&lt;/script&gt;",
        lambda i, h, j: f"&#60;img src={h}&#62;",
        lambda i, h, j: f"&#x3C;svg onload=alert('{i}')&#x3E; &amp; &nbsp; &#0; &#xD800;",
        # template syntax (Jinja, JS template literals, others)
        lambda i, h, j: "{{7*7}} {{ config }} {{ self.__init__.__globals__ }}",
        lambda i, h, j: f"{{{{ '<img src={h}>'|safe }}}}",
        lambda i, h, j: f"{{% raw %}}<script>{j}</script>{{% endraw %}}",
        lambda i, h, j: f"{{% for x in range(3) %}}<img src={h}>{{% endfor %}}",
        lambda i, h, j: f"${{alert('{i}')}} #{{7*7}} <%= 7*7 %> {{{{constructor.constructor('{j}')()}}}}",
        # markdown
        lambda i, h, j: f"[click](javascript:{j}) ![img]({h}) <{h}>",
        # bidi, null bytes, broken UTF-8, odd characters
        lambda i, h, j: f"\u202e<script>{j}</script>\u202c",
        lambda i, h, j: f"\u2066\u202d<img src={h}>\u2069 \u202a\u202b\u2067\u2068",
        lambda i, h, j: f"\x00<script>{j}</script>",
        lambda i, h, j: f"<scr\x00ipt>{j}</scr\x00ipt><img src\x00={h}>",
        lambda i, h, j: (b"\xff\xfe\xc3\x28<script>" + j.encode() + b"</script>\xe2\x82").decode(
            "utf-8", "replace"
        ),
        lambda i, h, j: f"+ADw-script+AD4-alert('{i}')+ADw-/script+AD4- \ufeff\u200b\u00a0",
    ):
        add(make)
    long = f"<script>{js('LONG')}</script>" + "x" * LONG_CHARS + f"<img src={hit('LONG')}>"
    raw.append(("LONG", long))
    return raw


def surrogate_payloads(origin: str) -> list[tuple[str, str]]:
    """Lone surrogates: not encodable as UTF-8; they arrive through ``\\udcff`` escapes in a results.json
    written by another tool (or a file name read with ``surrogateescape``)."""
    return [
        ("S01", f"\udcff<img src={origin}/hit?S01>\ud800"),
        ("S02", "\ud83d<script>window.__pwned='S02'</script>\ude00"),
    ]


@dataclass
class Leaf:
    """One planted string: its unique tag, the kind of string it stands for, and its whole text."""

    tag: str
    kind: str
    text: str


@dataclass
class Planter:
    """Makes the planted string for each (kind, name): a readable stem, a unique tag and every payload.

    The same (kind, name) always gives the same string, so fields that must match across a document (a
    language code in rows and in the summary, a benchmark in rows and items) still match. The payloads are
    rotated per string, so each payload is first somewhere; the 100k-character payload goes only into the
    strings whose name ends in ``LONG_NAME`` (a few per page, to keep the page a few megabytes).
    """

    short: list[tuple[str, str]]
    long: str
    leaves: list[Leaf] = field(default_factory=list)
    _made: dict[tuple[str, str], str] = field(default_factory=dict)

    def __call__(self, kind: str, name: str = "") -> str:
        key = (kind, name)
        if key not in self._made:
            n = len(self.leaves)
            tag = f"[{kind} #{n}]"
            k = n % len(self.short)
            rotated = self.short[k:] + self.short[:k]
            text = f"{name}{tag} " + " ".join(p for _, p in rotated)
            if name.endswith(LONG_NAME):
                text += " " + self.long
            self._made[key] = text
            self.leaves.append(Leaf(tag, kind, text))
        return self._made[key]

    @property
    def kinds(self) -> list[str]:
        """The kinds planted, in first-planted order."""
        return list(dict.fromkeys(leaf.kind for leaf in self.leaves))
