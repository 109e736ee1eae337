"""``sovaudit run AUDIT -A key=value ... | --spec spec.yaml``: any registered audit through the one runner.

``sovaudit audits`` lists the registered audits with their settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .app import app
from .common import AddressOpt, ExecutorOpt, OptionalOutOpt, WorkersOpt, run_and_report


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; values read as YAML scalars or flow lists (``languages=[swh, fra]``)."""
    import yaml

    from ..errors import SovauditError

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise SovauditError(f"-A '{pair}' is not KEY=VALUE", "write e.g. -A languages=[swh,fra]")
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            value = text
        _set(out, key.split("."), value)
    return out


def _set(target: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def read_spec_file(path: Path) -> dict[str, Any]:
    """A YAML (or JSON) mapping of settings; ``audit:`` may name the audit."""
    import yaml

    from ..errors import SovauditError

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SovauditError(
            f"cannot read spec file {path}: {exc.strerror}", "pass a readable YAML file"
        ) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SovauditError(f"{path} is not valid YAML ({str(exc).splitlines()[0]})", "fix the file") from exc
    if not isinstance(data, dict):
        raise SovauditError(f"{path} does not hold a mapping of settings", "write key: value lines")
    return data


@app.command("run")
def run(
    audit: Annotated[str | None, typer.Argument(help="Registered audit (see `sovaudit audits`).")] = None,
    assign: Annotated[
        list[str] | None, typer.Option("--arg", "-A", help="Setting KEY=VALUE (repeatable; a.b=V nests).")
    ] = None,
    spec_file: Annotated[
        Path | None, typer.Option("--spec", help="YAML file of settings (`audit:` names the audit).")
    ] = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    out: OptionalOutOpt = None,
) -> None:
    """Run any registered audit with settings from -A and/or a spec file (-A wins)."""
    from ..errors import SovauditError
    from ..runner import make_spec

    values = read_spec_file(spec_file) if spec_file else {}
    name = audit or values.pop("audit", None)
    values.pop("audit", None)
    if not name:
        raise SovauditError("no audit named", "pass one, e.g. sovaudit run competence, or audit: in --spec")
    for key, value in parse_assignments(assign or []).items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
    if isinstance(values.get("model"), str):
        values["model"] = {"spec": values["model"]}
    make_spec(name, values)  # refuse a wrong key or type before anything is written
    run_and_report(name, values, out or Path("runs") / name, executor, workers, address)


@app.command("audits")
def list_audits() -> None:
    """List the registered audits and their settings."""
    from ..registry import audits

    for name in audits.names():
        cls = audits.get(name)
        settings = ", ".join(f"{k}={_default(f)}" for k, f in cls.Spec.model_fields.items())
        typer.echo(f"{name} (v{cls.version}): {cls.summary}\n    {settings}")


def _default(field: Any) -> str:
    if field.is_required():
        return "<required>"
    value = field.get_default(call_default_factory=True)
    return repr(value.model_dump() if hasattr(value, "model_dump") else value)
