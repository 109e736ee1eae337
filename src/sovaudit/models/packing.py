"""Packed scoring of continuations that share a context: no KV cache, (almost) no padding.

A group (one context, its continuations) becomes one segment of a row: the context tokens, then every
continuation's tokens but its last (the last token of a continuation is predicted, never read). A 4D
additive attention mask lets each context token see its context causally, and each continuation token see
the whole context and, causally, its own continuation only; position ids restart after the context for
every continuation (``len(context) + k`` for its ``k``-th token), so every scored position computes what a
plain forward pass over ``context + continuation`` computes (tests check |delta| <= 1e-4 in fp32 against
that pass). Several short groups share one row (their segments cannot see each other); a padding position
attends to itself only (a query with nothing to attend to would give NaN). The vocabulary projection runs
only at scored positions (:meth:`Engine._score_rows`), in full chunks collected across batches.

Where the KV-cache path (:meth:`Engine._score_groups`) loses time (profiled under
``ATEN_CPU_CAPABILITY=avx2`` on a 2-core AMD EPYC, 60 BBQ-Age items x 3 answers, Gemma 3 270M fp32):
it left-pads every context of a batch to the longest one (60 contexts of 32-75 tokens: 4,500 positions
for 3,088 real tokens) and then runs the continuations right-padded against copies of the cache rows (180
rows x 4 positions for 224 real tokens), copying and concatenating the cache in every layer; the decoder's
GEMMs and its many elementwise ops (Gemma's fp32 RMSNorms, GELU gate) scale with the padded positions.
Packed, the decoder runs on 3,312 real tokens plus a few % padding, in few forward passes.

When it applies (else the engine's KV-cache path scores the group; the two agree to ~2e-5 on Gemma 3 270M,
float rounding of different GEMM shapes, and both stay within 1e-4 of the plain forward pass):

- the decoder uses transformers' mask utilities (``create_causal_mask``, which passes a 4D mask through
  unchanged), an ``sdpa`` or ``eager`` attention implementation (flash-attention kernels ignore 4D masks)
  and rotary position embeddings (``rope_parameters``): positions come from ``position_ids`` only (ALiBi or
  learned absolute positions are not packed);
- the group's segment has at most ``EngineLimits.pack_tokens`` tokens (0 turns packing off);
- sliding-window layers: a 4D tensor mask is applied to every layer as it is, so a row whose context plus
  continuation is longer than the window needs per-layer-type masks. Decoders that accept a dict
  ``{layer_type: mask}`` (Gemma 2/3, Qwen 2, ... in transformers 5) get a causal mask for full layers and a
  windowed one (``q - k < sliding_window``, transformers' ``sliding_window_overlay``) for sliding ones;
  other decoders fall back for such rows. Gemma 3 270M's window is 512, so BBQ-sized rows never reach it.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from .engine import Engine

Group = tuple[tuple[int, ...], list[tuple[int, list[int]]]]  # context, [(request index, continuation)]
Scored = tuple[torch.Tensor, list[int], list[tuple[int, int, int]]]  # hidden rows, targets, request spans
MASK_TYPES = ("full_attention", "sliding_attention")


def packing_support(engine: Engine) -> tuple[bool, bool, str]:
    """(packing possible, per-layer-type dict masks accepted, reason when not possible)."""
    decoder, config = engine.decoder, engine.config
    module = sys.modules.get(type(decoder).__module__)
    if module is None or not hasattr(module, "create_causal_mask"):
        return False, False, "decoder does not use transformers' mask utilities"
    impl = getattr(config, "_attn_implementation", None) or "eager"
    if impl not in ("sdpa", "eager"):
        return False, False, f"attention implementation {impl!r} ignores 4D masks"
    if getattr(config, "rope_parameters", None) is None:
        return False, False, "no rotary position embeddings"
    if "position_ids" not in inspect.signature(decoder.forward).parameters:
        return False, False, "decoder takes no position_ids"
    types = set(getattr(config, "layer_types", None) or ["full_attention"])
    if not types <= set(MASK_TYPES):
        return False, False, f"layer types {sorted(types)} not supported"
    try:
        source = inspect.getsource(type(decoder).forward)
    except (OSError, TypeError):
        source = ""
    return True, "causal_mask_mapping := attention_mask, dict" in source, ""


class PackedScorer:
    """Scores groups of continuations sharing a context, one packed row per group (module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ok, dict_masks, self.reason = packing_support(engine)
        cfg = engine.config
        types = set(getattr(cfg, "layer_types", None) or [])
        self.dict_masks = dict_masks and bool(types)  # without layer types, one mask serves every layer
        window = getattr(cfg, "sliding_window", None)
        # a window applies unless every layer is declared full attention
        sliding = bool(window) and (not types or "sliding_attention" in types)
        self.window: int | None = int(window) if sliding and window else None
        self.layer_types = sorted(types) if types else ["full_attention"]

    @staticmethod
    def row_length(ctx: Sequence[int], conts: Sequence[Sequence[int]]) -> int:
        """Tokens in the packed row: the context and every continuation but its last token."""
        return len(ctx) + sum(len(c) - 1 for c in conts)

    def fits(self, ctx: Sequence[int], conts: Sequence[Sequence[int]]) -> bool:
        """Whether this group can be scored packed (else the KV-cache path scores it)."""
        budget = self.engine.limits.pack_tokens
        if not self.ok or budget <= 0 or self.row_length(ctx, conts) > budget:
            return False
        span = len(ctx) + max(len(c) for c in conts) - 1  # positions a query can look back over, plus one
        return self.window is None or span <= self.window or self.dict_masks

    def score(self, groups: Sequence[Group]) -> list[tuple[int, tuple[float, bool]]]:
        """``(request index, (logprob, is_greedy))`` for every continuation of every group.

        Batches: the longest remaining group sets the row width ``W`` (at least ``pack_width``); groups,
        longest first, go into the first row of the batch with room for them (first-fit decreasing), and
        the batch takes new rows while ``rows * W <= pack_batch_tokens``. Short groups share a row (the
        mask keeps them apart), so padding stays small without many small batches: on a loaded CPU every
        op of a forward pass waits for its slowest thread, and many small passes cost far more than their
        arithmetic. Hidden states of scored positions are collected across batches and projected in full
        chunks of the logits budget: the projection streams the whole vocabulary matrix (671 MB for
        Gemma 3 270M in fp32) once per call, so projecting a few dozen rows per batch would be memory-bound.
        """
        limits = self.engine.limits
        lengths = [self.row_length(c, [x for _, x in conts]) for c, conts in groups]
        left = sorted(range(len(groups)), key=lambda g: (-lengths[g], groups[g][0]))
        out: list[tuple[int, tuple[float, bool]]] = []
        step = self.engine._logit_rows()
        pending: list[Scored] = []
        n_pending = 0
        while left:
            width = max(lengths[left[0]], limits.pack_width)
            max_rows = max(1, min(limits.pack_batch_tokens // width, self.engine.rows_per_batch(width)))
            rows: list[list[int]] = []
            fill: list[int] = []
            rest: list[int] = []
            for g in left:
                r = next((r for r, f in enumerate(fill) if f + lengths[g] <= width), None)
                if r is None and len(rows) < max_rows:
                    r = len(rows)
                    rows.append([])
                    fill.append(0)
                if r is None:
                    rest.append(g)
                    continue
                rows[r].append(g)
                fill[r] += lengths[g]
            left = rest
            pending.append(self._hidden_batch([[groups[g] for g in row] for row in rows], max(fill)))
            n_pending += pending[-1][0].shape[0]
            if n_pending >= step or not left:
                out.extend(self._project(pending))
                pending, n_pending = [], 0
        return out

    def _project(self, parts: list[Scored]) -> list[tuple[int, tuple[float, bool]]]:
        hidden = torch.cat([h for h, _, _ in parts])
        targets = [t for _, ts, _ in parts for t in ts]
        spans: list[tuple[int, int, int]] = []
        base = 0
        for _, ts, sp in parts:
            spans.extend((i, a + base, z + base) for i, a, z in sp)
            base += len(ts)
        logp, greedy = self.engine._score_rows(hidden, torch.tensor(targets))
        return [(i, (float(logp[a:z].sum()), bool(greedy[a:z].all()))) for i, a, z in spans]

    def _hidden_batch(self, rows: Sequence[Sequence[Group]], width: int) -> Scored:
        """Final hidden states at the scored positions of one batch of packed rows, targets, request spans."""
        n = len(rows)
        ids = torch.zeros((n, width), dtype=torch.long)
        pos = torch.zeros((n, width), dtype=torch.long)
        seg = torch.full((n, width), -1, dtype=torch.long)  # group within the row; -1 padding
        role = torch.full((n, width), -1, dtype=torch.long)  # -1 context, j continuation j
        scored_at: list[int] = []  # flat (row * width + column) of the position predicting each target
        targets: list[int] = []
        spans: list[tuple[int, int, int]] = []
        for r, row in enumerate(rows):
            col = 0
            for s, (ctx, conts) in enumerate(row):
                lc = len(ctx)
                ids[r, col : col + lc] = torch.tensor(ctx)
                pos[r, col : col + lc] = torch.arange(lc)
                seg[r, col : col + lc] = s
                last_ctx = r * width + col + lc - 1
                col += lc
                for j, (i, cont) in enumerate(conts):
                    k = len(cont) - 1
                    if k:
                        ids[r, col : col + k] = torch.tensor(cont[:-1])
                        pos[r, col : col + k] = torch.arange(lc, lc + k)
                        seg[r, col : col + k] = s
                        role[r, col : col + k] = j
                    begin = len(targets)
                    scored_at.append(last_ctx)
                    scored_at.extend(r * width + c for c in range(col, col + k))
                    targets.extend(cont)
                    spans.append((i, begin, len(targets)))
                    col += k
        masks = self._masks(pos, seg, role)
        dev = self.engine.device
        attn: Any = masks["full_attention"]
        if self.dict_masks:
            attn = {t: masks[t] for t in self.layer_types}
        hidden = self.engine.decoder(
            input_ids=ids.to(dev), attention_mask=attn, position_ids=pos.to(dev), use_cache=False
        ).last_hidden_state
        sel = hidden.reshape(n * width, -1)[torch.tensor(scored_at, device=hidden.device)]
        return sel, targets, spans

    def _masks(self, pos: torch.Tensor, seg: torch.Tensor, role: torch.Tensor) -> dict[str, torch.Tensor]:
        """Additive [rows, 1, width, width] masks per layer type (full and sliding attention)."""
        pad = seg < 0
        q_pos, k_pos = pos[:, :, None], pos[:, None, :]
        allowed = (seg[:, :, None] == seg[:, None, :]) & ~pad[:, None, :] & (k_pos <= q_pos)
        allowed &= (role[:, None, :] == -1) | (role[:, None, :] == role[:, :, None])
        alone = torch.eye(pos.shape[1], dtype=torch.bool)[None] & pad[:, :, None]
        allowed |= alone  # a padding position attends to itself only (nothing at all gives NaN)
        dtype = next(self.engine.model.parameters()).dtype
        if not dtype.is_floating_point:
            dtype = torch.float32
        zero, low = torch.zeros((), dtype=dtype), torch.tensor(torch.finfo(dtype).min, dtype=dtype)
        dev = self.engine.device

        def additive(ok: torch.Tensor) -> torch.Tensor:
            return torch.where(ok, zero, low)[:, None].to(dev)

        masks = {"full_attention": additive(allowed)}
        if self.window is not None and self.dict_masks and "sliding_attention" in self.layer_types:
            masks["sliding_attention"] = additive(allowed & ((q_pos - k_pos < self.window) | alone))
        for t in self.layer_types:  # without dict masks fits() admitted only rows the window cannot reach
            masks.setdefault(t, masks["full_attention"])
        return masks
