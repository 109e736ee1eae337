"""Where results go: ``--out`` targets that are plain files or folders only, and one run per ``--out``.

Two guarantees (docs/reliability.md):

- **No replacing what is not ours.** A file sovaudit writes (``results.json``, ``rows.csv``, a report) must
  be absent or a regular file; a device (``/dev/full``), a FIFO, a socket or a symlink in its place is
  refused with one line before any work, never replaced. A folder ``--out`` must be absent or a folder (a
  symlink to a folder is followed: that replaces nothing).
- **One writer per folder.** :func:`locked_out` holds ``fcntl.flock`` on ``<out>/.sovaudit.lock`` for the
  whole run; a second run into the same folder fails at once with a line naming the first run's pid. The
  results writer takes the same lock (waiting a little), so two processes that publish ``results.json`` and
  ``rows.csv`` into one folder never leave one's JSON beside the other's CSV. The lock file is removed when
  the lock is released (a folder holds no trace of it after a run).
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import SovauditError

LOCK_FILE = ".sovaudit.lock"
_HELD: dict[str, list[int]] = {}  # real path of a locked folder -> [fd, depth] (re-entrant per process)
_GUARD = threading.Lock()


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISLNK, "a symlink"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def check_file_target(path: Path, what: str = "--out") -> None:
    """Refuse to replace ``path`` unless it is absent or a regular file (a symlink is refused too)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise SovauditError(f"cannot inspect {what} {path}: {exc.strerror}", "pass another path") from exc
    if not stat.S_ISREG(st.st_mode):
        raise SovauditError(
            f"{what} {path} is {_kind(st.st_mode)}, not a regular file; sovaudit will not replace it",
            "pass the path of a regular file (or of one that does not exist yet)",
        )


def check_dir_target(out: Path, what: str = "--out") -> None:
    """Refuse a folder target that exists as anything but a folder (or a symlink to one)."""
    if str(out) == "":
        raise SovauditError(f"{what} is empty", "pass a folder, e.g. --out runs/x")
    try:
        st = os.stat(out)  # follows a symlink: a link to a folder is a folder
    except FileNotFoundError:
        if os.path.islink(out):
            raise SovauditError(
                f"{what} {out} is a dangling symlink", "remove it or pass another folder"
            ) from None
        return
    except OSError as exc:
        raise SovauditError(f"cannot inspect {what} {out}: {exc.strerror}", "pass another folder") from exc
    if not stat.S_ISDIR(st.st_mode):
        kind = "a file" if stat.S_ISREG(st.st_mode) else _kind(st.st_mode)
        raise SovauditError(
            f"{what} {out} is {kind}, not a folder",
            "pass a folder (or the path of one that does not exist yet)",
        )


def _holder(lock: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        text = lock.read_text(encoding="ascii").strip()
        if text:
            return f"pid {int(text)}"
    return "pid unknown"


def _acquire(out: Path, wait: float) -> int:
    lock = out / LOCK_FILE
    check_file_target(lock, "lock file")
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise SovauditError(
                    f"--out {out} is in use by another sovaudit run ({_holder(lock)})",
                    "wait for it to finish, or pass another --out",
                ) from None
            time.sleep(0.005)
            continue
        except BaseException:
            os.close(fd)
            raise
        # the holder before us may have removed the file after we opened it: lock the file that is there
        try:
            same = os.fstat(fd).st_ino == os.stat(lock, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            return fd
        os.close(fd)


def _release(out: Path, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(out / LOCK_FILE)  # while still locked: a waiter re-checks the inode it locked
    os.close(fd)


@contextlib.contextmanager
def locked_out(out: Path, wait: float = 0.0) -> Iterator[Path]:
    """Create ``out`` if needed and hold its lock for the block (re-entrant within one process).

    ``wait`` seconds are spent retrying while another process holds it; then a one-line error names that
    process. A folder this call created is removed again if the block fails and leaves it empty.
    """
    out = Path(out)
    check_dir_target(out)
    created = not os.path.lexists(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SovauditError(
            f"cannot create output folder {out}: {exc.strerror or exc}", "pass a writable --out"
        ) from exc
    key = os.path.realpath(out)
    with _GUARD:
        held = _HELD.get(key)
        if held is not None:
            held[1] += 1
    ok = False
    try:
        if held is None:
            try:
                fd = _acquire(out, wait)
            except PermissionError as exc:
                raise SovauditError(
                    f"cannot write into --out {out}: {exc.strerror}", "pass a writable --out"
                ) from exc
            with _GUARD:
                _HELD[key] = held = [fd, 1]
        yield out
        ok = True
    finally:
        if held is not None:
            with _GUARD:
                held[1] -= 1
                last = held[1] == 0
                if last:
                    del _HELD[key]
            if last:
                _release(out, held[0])
        if not ok and created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if empty
