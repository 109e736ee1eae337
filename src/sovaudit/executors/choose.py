"""Choose an executor by name (``--executor local|process|ray``): the one place that imports them."""

from __future__ import annotations

import os

from ..errors import SovauditError
from .base import Executor


def get_executor(name: str, workers: int | None = None, address: str | None = None) -> Executor:
    """The executor called ``name``.

    ``local``: this process (a pool when ``workers`` > 1); ``process``: a pool of ``workers`` (default one
    per CPU); ``ray``: a local Ray with ``workers`` CPUs (default all) or the cluster at ``address``.
    """

    from .local import ProcessExecutor, SequentialExecutor

    if workers is not None and workers < 1:
        raise SovauditError(f"--workers must be at least 1, not {workers}", "pass --workers 1 or more")
    if name == "local":
        return ProcessExecutor(workers) if workers and workers > 1 else SequentialExecutor()
    if name == "process":
        return ProcessExecutor(workers or os.cpu_count() or 1)
    if name == "ray":
        from .ray_executor import RayExecutor

        return RayExecutor(workers=workers, address=address)
    raise SovauditError(f"unknown executor '{name}'", "use --executor local, process or ray")
