"""Packed scoring of continuations that share a context: no KV cache, (almost) no padding.

A group (one context, its continuations) becomes (part of) one segment of a row: the context tokens, then
every continuation's tokens but its last (the last token of a continuation is predicted, never read). A 4D
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

Groups as tries: groups whose contexts share their first ``MIN_SHARED`` tokens or more (BBQ: the two
questions of a context, and the disambiguated context that extends the ambiguous one) form one token trie,
a segment in which every shared prefix (of contexts, and of continuations such as " The grandfather" /
" The grandson") runs once; a node sees itself and its ancestors, its position id is its depth, and each
trie node that predicts a scored token is projected once however many continuations score from it. The
shipped BBQ set (11,956 items x 3 answers, Gemma 3 tokens) needs 368k decoder positions and 86k projected
rows as tries, 855k and 126k as one segment per group: 200 BBQ-Age items took 39.6 CPU s instead of 70.1
(2-core AMD EPYC with AVX-512, loaded machine).

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
from typing import Any, Protocol

import numpy as np
import torch

from .limits import EngineLimits


class Engine(Protocol):
    """What packing uses of :class:`sovaudit.models.engine.Engine` (a protocol: no import of the engine,
    which imports this module)."""

    model: Any
    config: Any
    decoder: Any
    device: torch.device
    limits: EngineLimits

    def rows_per_batch(self, seq_len: int) -> int: ...

    def _logit_rows(self) -> int: ...

    def _score_rows(
        self, hidden: torch.Tensor, targets: torch.Tensor, at: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]: ...


Group = tuple[tuple[int, ...], list[tuple[int, list[int]]]]  # context, [(request index, continuation)]
Scored = tuple[torch.Tensor, list[int], list[int], list[tuple[int, int, int]]]  # hidden, targets, rows, spans
MIN_SHARED = 8  # groups whose contexts share this many first tokens share a trie
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

    def split(self, ctx: Sequence[int], conts: list[tuple[int, list[int]]]) -> list[Group] | None:
        """A group too long to fit as a whole, as runs of consecutive continuations of up to
        ``max(pack_width * 4, ...)`` tokens each; ``None`` when a continuation does not fit even alone."""
        if not all(self.fits(ctx, [x]) for _, x in conts):
            return None
        limits = self.engine.limits
        longest = max(self.row_length(ctx, [x]) for _, x in conts)
        cap = min(limits.pack_tokens, max(limits.pack_width * 4, longest))
        parts: list[Group] = []
        cur: list[tuple[int, list[int]]] = []
        size = len(ctx)
        for i, x in conts:
            if cur and size + len(x) - 1 > cap:
                parts.append((tuple(ctx), cur))
                cur, size = [], len(ctx)
            cur.append((i, x))
            size += len(x) - 1
        parts.append((tuple(ctx), cur))
        return parts

    def clusters(self, groups: Sequence[Group]) -> list[Trie]:
        """Groups whose contexts share a prefix of ``MIN_SHARED`` tokens or more, as one token trie each.

        Contexts are sorted (a shared prefix makes them neighbours); a group joins the previous one's trie
        while the trie stays within ``max(pack_width * 4, its own length)`` and ``pack_tokens`` tokens.
        BBQ's four items of one template (two questions, ambiguous and disambiguated contexts) share their
        context's first sentence: the shipped BBQ set needs 368k decoder tokens as tries, 855k as groups.
        """
        limits = self.engine.limits
        order = sorted(range(len(groups)), key=lambda g: groups[g][0])
        out: list[Trie] = []
        prev: tuple[int, ...] = ()
        size = 0
        for g in order:
            ctx, conts = groups[g]
            length = self.row_length(ctx, [x for _, x in conts])
            cap = min(max(limits.pack_width * 4, length), max(limits.pack_tokens, length))
            shared = _common_prefix(prev, ctx)
            if out and shared >= MIN_SHARED and size + length - shared <= cap:
                size += length - shared  # an upper bound: continuations may share tokens too
            else:
                out.append(Trie())
                size = length
            out[-1].add(ctx, conts)
            prev = ctx
        return out

    def score(self, groups: Sequence[Group]) -> list[tuple[int, tuple[float, bool]]]:
        """``(request index, (logprob, is_greedy))`` for every continuation of every group.

        Groups become tries (:meth:`clusters`), each one segment of a packed row. Batches: the longest
        remaining trie sets the row width ``W`` (at least ``pack_width``); tries, longest first, go into
        the first row of the batch with room for them (first-fit decreasing), and the batch takes new rows
        while ``rows * W <= pack_batch_tokens``. Short tries share a row (the mask keeps them apart), so
        padding stays small without many small batches: on a loaded CPU every op of a forward pass waits
        for its slowest thread, and many small passes cost far more than their arithmetic. Hidden states
        of scored positions (each trie node once, however many continuations it predicts a token of) are
        collected across batches and projected in full chunks of the logits budget: the projection
        streams the whole vocabulary matrix (671 MB for Gemma 3 270M in fp32) once per call, so
        projecting a few dozen rows per batch would be memory-bound.
        """
        limits = self.engine.limits
        tries = self.clusters(groups)
        lengths = [len(t.tokens) for t in tries]
        left = sorted(range(len(tries)), key=lambda g: (-lengths[g], g))
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
            pending.append(self._hidden_batch([[tries[g] for g in row] for row in rows], max(fill)))
            n_pending += pending[-1][0].shape[0]
            if n_pending >= step or not left:
                out.extend(self._project(pending))
                pending, n_pending = [], 0
        return out

    def _project(self, parts: list[Scored]) -> list[tuple[int, tuple[float, bool]]]:
        hidden = torch.cat([h for h, _, _, _ in parts])
        targets: list[int] = []
        at: list[int] = []
        spans: list[tuple[int, int, int]] = []
        base_t = base_h = 0
        for h, ts, rs, sp in parts:
            targets.extend(ts)
            at.extend(r + base_h for r in rs)
            spans.extend((i, a + base_t, z + base_t) for i, a, z in sp)
            base_t += len(ts)
            base_h += h.shape[0]
        logp, greedy = self.engine._score_rows(hidden, torch.tensor(targets), torch.tensor(at))
        return [(i, (float(logp[a:z].sum()), bool(greedy[a:z].all()))) for i, a, z in spans]

    def _hidden_batch(self, rows: Sequence[Sequence[Trie]], width: int) -> Scored:
        """Final hidden states at the scored nodes of one batch of packed rows, targets, rows, spans."""
        n = len(rows)
        ids = torch.zeros((n, width), dtype=torch.long)
        pos = torch.zeros((n, width), dtype=torch.long)
        allowed = np.zeros((n, width, width), dtype=bool)  # query row sees key column
        real = np.zeros((n, width), dtype=bool)
        slot: dict[int, int] = {}  # flat (row * width + column) of a scored node -> its hidden row
        at: list[int] = []  # hidden row predicting each target
        targets: list[int] = []
        spans: list[tuple[int, int, int]] = []
        for r, row in enumerate(rows):
            col = 0
            for trie in row:
                lt = len(trie.tokens)
                ids[r, col : col + lt] = torch.tensor(trie.tokens)
                pos[r, col : col + lt] = torch.tensor(trie.depth)
                allowed[r, col : col + lt, col : col + lt] = trie.ancestry()
                real[r, col : col + lt] = True
                for i, nodes, cont in trie.scored:
                    begin = len(targets)
                    at.extend(slot.setdefault(r * width + col + nd, len(slot)) for nd in nodes)
                    targets.extend(cont)
                    spans.append((i, begin, len(targets)))
                col += lt
        masks = self._masks(pos, torch.from_numpy(allowed), torch.from_numpy(real))
        dev = self.engine.device
        attn: Any = masks["full_attention"]
        if self.dict_masks:
            attn = {t: masks[t] for t in self.layer_types}
        hidden = self.engine.decoder(
            input_ids=ids.to(dev), attention_mask=attn, position_ids=pos.to(dev), use_cache=False
        ).last_hidden_state
        sel = hidden.reshape(n * width, -1)[torch.tensor(list(slot), device=hidden.device)]
        return sel, targets, at, spans

    def _masks(self, pos: torch.Tensor, allowed: torch.Tensor, real: torch.Tensor) -> dict[str, torch.Tensor]:
        """Additive [rows, 1, width, width] masks per layer type (full and sliding attention).

        ``allowed``: a node sees itself and its ancestors in its trie (a continuation token its context
        and its own earlier tokens), nothing of another trie; ``pos`` is the node's depth.
        """
        q_pos, k_pos = pos[:, :, None], pos[:, None, :]
        alone = torch.eye(pos.shape[1], dtype=torch.bool)[None] & ~real[:, :, None]
        full = allowed | alone  # a padding position attends to itself only (nothing at all gives NaN)
        dtype = next(self.engine.model.parameters()).dtype
        if not dtype.is_floating_point:
            dtype = torch.float32
        zero, low = torch.zeros((), dtype=dtype), torch.tensor(torch.finfo(dtype).min, dtype=dtype)
        dev = self.engine.device

        def additive(ok: torch.Tensor) -> torch.Tensor:
            return torch.where(ok, zero, low)[:, None].to(dev)

        masks = {"full_attention": additive(full)}
        if self.window is not None and self.dict_masks and "sliding_attention" in self.layer_types:
            masks["sliding_attention"] = additive((allowed & (q_pos - k_pos < self.window)) | alone)
        for t in self.layer_types:  # without dict masks fits() admitted only rows the window cannot reach
            masks.setdefault(t, masks["full_attention"])
        return masks


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    k = 0
    while k < n and a[k] == b[k]:
        k += 1
    return k


class Trie:
    """The token paths of a cluster of groups; nodes in insertion order (a parent before its children)."""

    def __init__(self) -> None:
        self.tokens: list[int] = []
        self.parent: list[int] = []
        self.depth: list[int] = []
        self.children: dict[tuple[int, int], int] = {}
        self.scored: list[tuple[int, list[int], list[int]]] = []  # (request, nodes predicting, targets)

    def _child(self, node: int, token: int) -> int:
        got = self.children.get((node, token))
        if got is None:
            got = len(self.tokens)
            self.children[(node, token)] = got
            self.tokens.append(token)
            self.parent.append(node)
            self.depth.append(0 if node < 0 else self.depth[node] + 1)
        return got

    def add(self, ctx: Sequence[int], conts: Sequence[tuple[int, list[int]]]) -> None:
        """Insert a group: the context's path, then each continuation but its last token after it."""
        node = -1
        for t in ctx:
            node = self._child(node, t)
        for i, cont in conts:
            n, nodes = node, [node]
            for t in cont[:-1]:
                n = self._child(n, t)
                nodes.append(n)
            self.scored.append((i, nodes, list(cont)))

    def ancestry(self) -> np.ndarray:
        """``[n, n]`` bool: node ``q`` sees node ``k`` when ``k`` is ``q`` or one of its ancestors."""
        n = len(self.tokens)
        parent = np.asarray(self.parent, dtype=np.int64)
        idx = np.arange(n)
        out = np.zeros((n, n), dtype=bool)
        cur = idx.copy()
        while len(idx):
            out[idx, cur] = True
            cur = parent[cur]
            keep = cur >= 0
            idx, cur = idx[keep], cur[keep]
        return out
