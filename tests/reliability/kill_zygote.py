"""A warm Python that forks one real child process per audit run, so that SIGKILL can be aimed at it.

Importing torch, transformers and every audit takes several seconds here; a fresh interpreter per run
would put most kill points into ``import``. The zygote imports once (nothing else: no torch op runs
before a fork) and answers JSON lines on stdin:

- ``{"op": "run", "audit": NAME, "spec": {...}, "out": DIR, "env": {...}, "log": FILE}`` forks a child
  that runs ``run_audit(NAME, spec, RunOptions(out=DIR))`` with ``env`` added and its output in ``log``
  (and the answers it computed in ``DIR.stats.json``), and answers ``{"pid": PID}`` at once; the caller
  may ``kill -9`` that pid (its own user's process);
- ``{"op": "run", "argv": [...], "env": {...}, "log": FILE}`` forks a child that runs the CLI's ``main``;
- ``{"op": "wait", "pid": PID}`` reaps the child and answers ``{"exit": CODE}`` or ``{"signal": SIG}``.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path


def _child(cmd: dict[str, object]) -> None:
    code = 1
    try:
        os.environ.update({str(k): str(v) for k, v in dict(cmd["env"]).items()})  # type: ignore[call-overload]
        fd = os.open(str(cmd["log"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        if "argv" in cmd:  # a CLI command (the country audit)
            from sovaudit.cli import main as cli_main

            code = cli_main([str(a) for a in cmd["argv"]])  # type: ignore[attr-defined]
            return
        from sovaudit.runner import RunOptions, run_audit

        out = Path(str(cmd["out"]))
        _, stats = run_audit(str(cmd["audit"]), dict(cmd["spec"]), RunOptions(out=out))  # type: ignore[call-overload]
        counts = {"answers_computed": stats.answers_computed, "answers_cached": stats.answers_cached}
        Path(f"{out}.stats.json").write_text(json.dumps(counts), encoding="utf-8")
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    """Import everything a run needs, say ready, then serve fork/wait requests until stdin closes."""
    import transformers.models.gemma3.modeling_gemma3  # noqa: F401 - the tiny model's architecture

    import sovaudit.models.hf
    import sovaudit.models.loading
    import sovaudit.runner  # noqa: F401
    from sovaudit.registry import audits

    for name in audits.names():
        audits.get(name)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "run":
            pid = os.fork()
            if pid == 0:
                _child(cmd)
            print(json.dumps({"pid": pid}), flush=True)
        elif cmd["op"] == "wait":
            _, status = os.waitpid(int(cmd["pid"]), 0)
            if os.WIFSIGNALED(status):
                print(json.dumps({"signal": os.WTERMSIG(status)}), flush=True)
            else:
                print(json.dumps({"exit": os.WEXITSTATUS(status)}), flush=True)


if __name__ == "__main__":
    main()
