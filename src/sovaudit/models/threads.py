"""The same numbers on one thread or many: small matrix products run on one thread.

A BLAS picks how to split a matrix product over threads by its shape and the thread count, and for a few
row counts the split changes which micro-kernel computes a row, so a row's sum is rounded in another order.
Measured here (MKL in torch 2.13.0, 2-core AMD EPYC with AVX2 only, fp32, ``F.linear`` of m x K by
K x N for K, N in {64, 256, 640, 2048, 4096}, m = 1..199): with 2 threads instead of 1, rows differed by up
to 6e-5 exactly for m in {5, 6, 7, 9, 10, 11}; every other m gave bit-identical results. So a local run
(one process, every core) and a process pool or Ray (one thread per worker) scored a 5-token text
differently. Inside :func:`thread_invariant`, every matrix product whose left operand has fewer than
``SMALL_ROWS`` rows runs on one thread (such products are small: one thread costs nothing measurable);
larger ones keep every thread. ``SMALL_ROWS`` is 32, over twice the largest row count seen to differ.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, TypeVar

import torch
from torch.overrides import TorchFunctionMode

SMALL_ROWS = 32
_PRODUCTS: set[Any] = {
    torch.nn.functional.linear,
    torch.matmul,
    torch.Tensor.matmul,
    torch.Tensor.__matmul__,
    torch.mm,
    torch.bmm,
    torch.addmm,
    torch.baddbmm,
}
_BIAS_FIRST = {torch.addmm, torch.baddbmm}  # (input, mat1, mat2): the rows are those of mat1

F = TypeVar("F", bound=Callable[..., Any])


class _SmallProductsOnOneThread(TorchFunctionMode):
    """Runs a matrix product with fewer than ``SMALL_ROWS`` rows on one thread."""

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if func in _PRODUCTS:
            left = args[1] if func in _BIAS_FIRST else args[0]
            if isinstance(left, torch.Tensor) and left.dim() >= 2 and left.shape[-2] < SMALL_ROWS:
                threads = torch.get_num_threads()
                if threads > 1:
                    torch.set_num_threads(1)
                    try:
                        return func(*args, **kwargs)
                    finally:
                        torch.set_num_threads(threads)
        return func(*args, **kwargs)


@contextlib.contextmanager
def thread_invariant() -> Iterator[None]:
    """Within it, matrix products give the same bits whatever ``torch.get_num_threads()`` is."""
    if torch.get_num_threads() <= 1:
        yield
        return
    with _SmallProductsOnOneThread():
        yield


def thread_invariant_method(fn: F) -> F:
    """Decorate a scoring method so that it runs under :func:`thread_invariant`."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with thread_invariant():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
