"""No import cycle among sovaudit's modules at run time (imports inside functions included).

Imports under ``if TYPE_CHECKING:`` are left out (they never run). A cycle such as an audit importing its
document builder lazily while the builder imports the audit is what the audit contract removed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sovaudit

ROOT = Path(sovaudit.__file__).parent


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            if mod.startswith("sovaudit"):
                out.add(mod)
                out |= {f"{mod}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("sovaudit")}
    return out


def test_no_runtime_import_cycles_between_audit_modules() -> None:
    modules = {_module(p): p for p in ROOT.rglob("*.py")}
    graph = {m: {d for d in _imports(p, m) if d in modules and d != m} for m, p in modules.items()}
    audits = {m for m in modules if m.startswith("sovaudit.audits.")}
    cycles = []
    for a in sorted(audits):
        for b in sorted(graph[a] & audits):
            # package __init__ re-exports are not cycles of logic: skip edges into a package from its child
            if a.startswith(b + ".") or b.startswith(a + "."):
                continue
            if a in _reach(graph, b, skip_packages=True):
                cycles.append((a, b))
    assert not cycles, cycles


def _reach(graph: dict[str, set[str]], start: str, skip_packages: bool) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        for d in graph.get(m, ()):
            if d not in seen and not (skip_packages and m.startswith(d + ".")):
                seen.add(d)
                todo.append(d)
    return seen
