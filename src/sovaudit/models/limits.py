"""Memory budgets of the scoring engine (:mod:`sovaudit.models.engine`): how much one forward batch and
one chunk of vocabulary logits may take, from the memory that is free when a model is loaded."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class EngineLimits:
    """Memory budgets (bytes) for one forward batch and for one chunk of vocabulary logits."""

    batch_bytes: int
    logits_bytes: int
    max_batch_tokens: int = 16384
    max_pad_ratio: float = 1.1  # rolling batches: padded tokens / real tokens at most this
    prefill_chunk: int = 512  # rows longer than twice this run in chunks with a KV cache (0: never)
    pack_tokens: int = 2048  # loglikelihood groups up to this many tokens run packed (0: never; packing.py)
    pack_batch_tokens: int = 4096  # packed rows per forward: up to this many tokens (padding included)
    pack_width: int = 128  # packed rows are at least this wide (short groups share a row)
    vocab_block: int = 1024  # fp32 projection in blocks of this many vocabulary entries (0: one GEMM)


def default_limits(device: torch.device) -> EngineLimits:
    """Budgets from the memory that is free now: a quarter of it for a batch (at most 2 GiB on CPU)."""
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        budget = int(free * 0.4)
        return EngineLimits(
            batch_bytes=budget,
            logits_bytes=max(budget // 4, 1 << 26),
            max_batch_tokens=1 << 17,
            max_pad_ratio=1.5,
            pack_batch_tokens=1 << 14,
        )
    avail = _available_ram()
    budget = int(min(avail * 0.25, 2 << 30))
    return EngineLimits(
        batch_bytes=max(budget, 1 << 28), logits_bytes=max(min(budget // 4, 512 << 20), 1 << 26)
    )


def _available_ram() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 << 30
