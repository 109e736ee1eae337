"""Killing the driver of a process pool (``--executor process``) with SIGKILL leaves no worker behind.

The driver runs real units (a sleeping unit function in a module of its own, so spawned workers import
it) on :class:`ProcessExecutor`, the pool every audit's ``--executor process`` uses (``corpus`` included).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

UNIT = textwrap.dedent(
    """
    import os, time

    def slow_unit(payload):
        time.sleep(120)
        return {"pid": os.getpid()}
    """
)

DRIVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])
    from orphan_unit import slow_unit
    from sovaudit.executors.local import ProcessExecutor

    if __name__ == "__main__":
        print("driver up", flush=True)
        for _ in ProcessExecutor(2).run(slow_unit, [{"i": i} for i in range(4)]):
            pass
    """
)


def _children(pid: int) -> set[int]:
    """Every live process whose parent is ``pid`` (scanning /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited (its new parent may be slow to reap it)


def test_sigkill_of_the_driver_takes_the_workers_and_the_resource_tracker_down(tmp_path: Path) -> None:
    (tmp_path / "orphan_unit.py").write_text(UNIT, encoding="utf-8")
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert driver.stdout is not None and driver.stdout.readline().strip() == "driver up"
        deadline = time.monotonic() + 60
        kids: set[int] = set()
        while time.monotonic() < deadline and len(kids) < 3:  # 2 workers + the resource tracker
            time.sleep(0.2)
            kids = _children(driver.pid)
        assert len(kids) >= 2, f"the pool did not start: {kids}"
        time.sleep(1.0)  # the workers are inside slow_unit now
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait()
        t0 = time.monotonic()
        while any(_alive(p) for p in kids) and time.monotonic() - t0 < 10:
            time.sleep(0.05)
        left = [p for p in kids if _alive(p)]
        assert not left, f"{len(left)} of {len(kids)} children still alive 10 s after SIGKILL of the driver"
        print(f"all {len(kids)} children gone {time.monotonic() - t0:.2f} s after SIGKILL")
    finally:
        if driver.poll() is None:
            driver.kill()
        for p in _children(driver.pid):
            os.kill(p, signal.SIGKILL)
