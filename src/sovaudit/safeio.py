"""Reading only regular files: never a link, FIFO, device or socket; bounded in size and time.

Every file that :mod:`sovaudit.bundle` reads from a bundle (and the report, a results file) is opened
with ``O_NOFOLLOW | O_NONBLOCK`` and checked with ``fstat`` to be a regular file before one byte is read:
a symbolic link is refused by the kernel (``ELOOP``), a FIFO opens without waiting for a writer and is
then refused, and so are devices, sockets and folders. A read stops after ``limit`` bytes (a file that
grew beyond what the manifest records is not read to its end) and after the caller's :class:`Deadline`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 256 << 20  # a manifest of a million files is ~200 MB
MAX_SIGNATURE_BYTES = 4096
MAX_RESULTS_BYTES = 8 << 30  # a results document with per-item logs of a large run
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC


class NotRegularFile(OSError):
    """The path is a link, FIFO, device, socket or folder: never read."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file: {kind}", str(path))
        self.kind = kind


class TimeLimit(Exception):
    """The caller's time budget ran out."""


@dataclass
class Deadline:
    """A wall-clock budget shared by every read of one check (``None``: no limit)."""

    seconds: float | None = None

    def __post_init__(self) -> None:
        self.end = None if self.seconds is None else time.monotonic() + self.seconds

    def check(self) -> None:
        """Raise :class:`TimeLimit` once the budget is spent."""
        if self.end is not None and time.monotonic() > self.end:
            raise TimeLimit(f"time limit of {self.seconds:g} s reached")


def kind_of(mode: int) -> str:
    """A file type in words (``regular file``, ``symbolic link``, ``FIFO`` ...)."""
    for test, name in (
        (stat.S_ISREG, "regular file"),
        (stat.S_ISLNK, "symbolic link"),
        (stat.S_ISDIR, "folder"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "special file"


def open_regular(path: Path) -> int:
    """A read-only descriptor of ``path`` if it is a regular file (no link followed, no FIFO waited on)."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFile(path, "symbolic link") from None
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO on some systems
            raise NotRegularFile(path, kind_of(os.lstat(path).st_mode)) from None
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotRegularFile(path, kind_of(st.st_mode))
    return fd


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file; ``ValueError`` if it holds more than ``limit``."""
    fd = open_regular(path)
    try:
        parts, total = [], 0
        while True:
            block = os.read(fd, min(CHUNK, limit + 1 - total))
            if not block:
                break
            parts.append(block)
            total += len(block)
            if total > limit:
                raise ValueError(f"{path.name} is larger than {limit} bytes")
        return b"".join(parts)
    finally:
        os.close(fd)


def hash_regular(path: Path, limit: int, deadline: Deadline | None = None) -> tuple[str, int]:
    """``(sha256 hex, bytes read)`` of a regular file, reading at most ``limit + 1`` bytes (so a file
    larger than ``limit`` shows as a different size without being read to its end)."""
    fd = open_regular(path)
    try:
        h, total = hashlib.sha256(), 0
        while total <= limit:
            if deadline is not None:
                deadline.check()
            block = os.read(fd, min(CHUNK, limit + 1 - total))
            if not block:
                break
            h.update(block)
            total += len(block)
        return h.hexdigest(), total
    finally:
        os.close(fd)


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, with every link resolved, lies inside ``root`` (resolved too)."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True
