"""Batched greedy generation with early stopping, for the ``hf`` backend.

The answer must be the text that transformers' ``model.generate(ids, do_sample=False,
max_new_tokens=N)`` gives for each prompt alone, cut before the first ``until`` string. What this module
does, and why each step leaves that text unchanged:

- **Prompts are batched by length.** Requests are sorted by prompt length and cut into batches whose
  rows fit the engine's memory budget (:meth:`Engine.rows_per_batch` for prompt + new tokens) and whose
  left padding stays below ``MAX_PAD_RATIO`` of the real prompt tokens. Rows are left-padded with an
  attention mask and explicit position ids (``cumsum(mask) - 1``, transformers' own rule in
  ``generate``), so every real token sees the positions and keys it sees alone; sliding-window layers
  count their window in cache slots, and a row's real tokens are contiguous, so the window covers the
  same tokens.
- **A KV-cached loop, one token per live row per step.** The prefill keeps only the last position's
  logits (``logits_to_keep=1``); each step feeds the argmax (``torch.argmax``, first index on ties, as
  ``generate``'s greedy search) of every live row.
- **Rows stop as soon as they are done**: EOS (the model's generation config, as ``generate`` reads
  it), ``max_tokens`` new tokens, or decoded text that contains one of the row's ``until`` strings
  (greedy decoding is deterministic, so the text before the first ``until`` string is the same as in the
  full-length generation). Finished rows leave the batch (their KV-cache rows are dropped) once a
  quarter of the live rows are done, so the batch never runs steps for nobody.

Numerics: a row's floats in a batch can differ from the same row alone in the last bits (a GEMM's
result per row depends on the call's shape; padded keys add exact zeros to softmax sums). Greedy text
changes only where two top logits are within that noise; the tests compare batched text with
one-prompt-at-a-time ``generate`` on a tiny random model and (slow) on gemma3-270m.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

MAX_PAD_RATIO = 0.5  # a batch stops growing when its left padding exceeds this share of its prompt tokens
MAX_ROWS = 64  # rows per batch at most (CPU steps beyond this gain little per token)


@dataclass
class _Row:
    index: int
    prompt: list[int]
    until: tuple[str, ...]
    max_new: int
    out: list[int] = field(default_factory=list)
    done: bool = False


def cut_at_until(text: str, until: Sequence[str]) -> str:
    """``text`` up to (not including) the first occurrence of any non-empty ``until`` string."""
    cut = min((text.find(u) for u in until if u and u in text), default=-1)
    return text[:cut] if cut >= 0 else text


def eos_ids(model: Any, tokenizer: Any) -> set[int]:
    """EOS token ids as ``generate`` reads them: the generation config's, else the tokenizer's."""
    gen_cfg = getattr(model, "generation_config", None)
    eos = getattr(gen_cfg, "eos_token_id", None) if gen_cfg is not None else None
    if eos is None:
        eos = tokenizer.eos_token_id
    if eos is None:
        return set()
    return {int(e) for e in eos} if isinstance(eos, (list, tuple)) else {int(eos)}


def plan_batches(
    lengths: Sequence[int],
    max_new: Sequence[int],
    rows_for: Callable[[int], int],
    max_rows: int = MAX_ROWS,
    max_pad_ratio: float = MAX_PAD_RATIO,
) -> list[list[int]]:
    """Indices of requests in batches: sorted by prompt length (longest first), each batch within
    ``rows_for(longest prompt + most new tokens)`` rows, ``max_rows`` and the padding ratio."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    start = 0
    while start < len(order):
        longest = lengths[order[start]]
        batch = [order[start]]
        most_new = max_new[order[start]]
        real = longest
        for i in order[start + 1 :]:
            new_most = max(most_new, max_new[i])
            limit = min(max_rows, rows_for(longest + new_most))
            pad = (len(batch) + 1) * longest - (real + lengths[i])
            if len(batch) + 1 > limit or pad > max_pad_ratio * (real + lengths[i]):
                break
            batch.append(i)
            most_new = new_most
            real += lengths[i]
        batches.append(batch)
        start += len(batch)
    return batches


class GreedyGenerator:
    """Greedy generation for a transformers ``*ForCausalLM`` (see the module docstring)."""

    def __init__(self, model: Any, tokenizer: Any, rows_for: Callable[[int], int], pad_id: int) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.rows_for = rows_for
        self.pad_id = int(pad_id)
        self.eos = eos_ids(model, tokenizer)
        self.device = next(model.parameters()).device
        self.last_generated = 0  # tokens generated by the last ``generate`` call (benchmarks)
        params = inspect.signature(model.forward).parameters
        self._cache_kw = "cache" if "cache" in params else "past_key_values"  # renamed in transformers 5.x

    def generate(
        self, prompts: Sequence[list[int]], until: Sequence[tuple[str, ...]], max_new: Sequence[int]
    ) -> list[str]:
        """Greedy continuation of each prompt (token ids), cut before the first of its ``until`` strings."""
        rows = [
            _Row(i, list(p), tuple(u), int(m))
            for i, (p, u, m) in enumerate(zip(prompts, until, max_new, strict=True))
        ]
        texts = [""] * len(rows)
        live = [r for r in rows if r.max_new > 0]
        for batch in plan_batches([len(r.prompt) for r in live], [r.max_new for r in live], self.rows_for):
            self._run([live[k] for k in batch])
        self.last_generated = sum(len(r.out) for r in live)
        for r in live:
            texts[r.index] = cut_at_until(self._decode(r.out), r.until)
        return texts

    def _decode(self, ids: list[int]) -> str:
        return str(self.tokenizer.decode(ids, skip_special_tokens=True))

    def _finished(self, r: _Row) -> bool:
        if r.out[-1] in self.eos or len(r.out) >= r.max_new:
            return True
        return bool(r.until) and any(u and u in self._decode(r.out) for u in r.until)

    @torch.inference_mode()
    def _run(self, batch: list[_Row]) -> None:
        from transformers import DynamicCache

        dev = self.device
        n, width = len(batch), max(len(r.prompt) for r in batch)
        ids = torch.full((n, width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((n, width), dtype=torch.long)
        for b, r in enumerate(batch):
            ids[b, width - len(r.prompt) :] = torch.tensor(r.prompt)
            mask[b, width - len(r.prompt) :] = 1
        pos = (mask.cumsum(1) - 1).masked_fill(mask == 0, 1)  # transformers' generate: same rule
        mask, pos = mask.to(dev), pos.to(dev)
        cache = DynamicCache(config=self.model.config)
        logits = self.model(
            input_ids=ids.to(dev),
            attention_mask=mask,
            position_ids=pos,
            use_cache=True,
            logits_to_keep=1,
            **{self._cache_kw: cache},
        ).logits[:, -1]
        active = list(batch)
        next_pos = pos[:, -1:] + 1
        while True:
            tokens = torch.argmax(logits, dim=-1).tolist()
            for r, t in zip(active, tokens, strict=True):
                if not r.done:  # a finished row still in the batch runs along; its tokens are dropped
                    r.out.append(int(t))
                    r.done = self._finished(r)
            n_done = sum(r.done for r in active)
            if n_done == len(active):
                return
            keep_ids = torch.tensor(tokens, dtype=torch.long, device=dev)[:, None]
            if n_done and n_done * 4 >= len(active):
                keep = torch.tensor([k for k, r in enumerate(active) if not r.done], device=dev)
                cache.batch_select_indices(keep)
                mask, next_pos, keep_ids = mask[keep], next_pos[keep], keep_ids[keep]
                active = [r for r in active if not r.done]
            mask = torch.cat([mask, mask.new_ones((mask.shape[0], 1))], dim=1)
            logits = self.model(
                input_ids=keep_ids,
                attention_mask=mask,
                position_ids=next_pos,
                use_cache=True,
                logits_to_keep=1,
                **{self._cache_kw: cache},
            ).logits[:, -1]
            next_pos = next_pos + 1


@torch.inference_mode()
def reference_generate(
    model: Any, tokenizer: Any, prompt: list[int], until: Sequence[str], max_new: int, pad_id: int
) -> str:
    """One prompt alone through transformers' ``generate`` (greedy, ``max_new`` tokens unless EOS), cut
    before the first ``until`` string: what :class:`GreedyGenerator` must reproduce (tests, benchmarks)."""
    if max_new <= 0:
        return ""
    dev = next(model.parameters()).device
    ids = torch.tensor([prompt], device=dev)
    gen = model.generate(
        ids,
        attention_mask=torch.ones_like(ids),
        max_new_tokens=max_new,
        do_sample=False,
        use_cache=True,
        pad_token_id=pad_id,
    )
    return cut_at_until(str(tokenizer.decode(gen[0, ids.shape[1] :], skip_special_tokens=True)), until)
