"""The scoring engine: exact log-likelihoods from a transformers causal LM, fast.

What it does, and why each step leaves the numbers unchanged (a test checks |delta| <= 1e-4 in fp32
against a plain one-request-at-a-time forward pass):

- **Shared contexts run once, packed.** ``loglikelihood`` requests are grouped by their (already
  truncated) context tokens. Groups of up to ``pack_tokens`` tokens become segments of packed rows: groups
  whose contexts share their first tokens form one token trie (each shared prefix, context or
  continuation, runs once), a 4D mask lets a token see its ancestors only, position ids are depths;
  several tries per row, no KV cache (:mod:`sovaudit.models.packing`). Where packing cannot apply
  (longer groups, decoders without 4D-mask support) the KV-cache path runs: a batch of contexts runs
  left-padded (attention mask + explicit position ids) and keeps its KV cache; then every continuation
  of every group runs against a copy of its group's cache rows (``batch_select_indices``), right-padded.
  lm-evaluation-harness runs the context once per continuation (its issue #1351).
- **The vocabulary projection only where it is scored.** The decoder's hidden states are computed for all
  positions, but ``lm_head`` + log-softmax only for the positions whose next token is scored, in chunks
  whose size comes from a memory budget (Gemma 3's vocabulary has 262,144 entries: full logits for one
  3,317-token text are 3.5 GB in fp32); on CPU the GEMM runs in blocks of 1,024 vocabulary entries, whose
  output stays in cache (1.2x faster, same logits), and the log-softmax runs in place.
- **Rolling windows are packed.** ``rolling`` texts are cut into lm-eval's rolling windows (see
  :func:`rolling_windows`), sorted by length and batched right-padded with no attention mask: under a
  causal mask, padding after the last real token cannot change any real position. A batch stops growing
  where padding would exceed ``max_pad_ratio`` of its real tokens (1.1 on CPU, where batching gains
  little; 1.5 on GPU).
- **Long rows run in chunks** (``prefill_chunk`` tokens, with a KV cache): attention then costs the
  causal half of the square, and sliding-window layers (Gemma 3: 15 of 18, window 512) attend over their
  window only; a single pass would compute (and mask) the whole square in every layer.
- **Batch sizes come from a memory budget**, never from probing (see :meth:`Engine.rows_per_batch`).

Conventions (those of lm-evaluation-harness ``HFLM``; see :mod:`sovaudit.models.hf` for tokenisation):
a ``loglikelihood`` input is ``(context + continuation)[-(max_length + 1):][:-1]`` and the last
``len(continuation)`` positions are scored; ``is_greedy`` is true when every continuation token is the
argmax of its position.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import torch

from .limits import EngineLimits, default_limits
from .packing import PackedScorer
from .threads import thread_invariant_method

TokenPair = tuple[list[int], list[int]]
__all__ = ["Engine", "EngineLimits", "TokenPair", "default_limits", "rolling_windows"]


def rolling_windows(
    tokens: Sequence[int], prefix: int, max_len: int, context_len: int = 1
) -> list[TokenPair]:
    """lm-evaluation-harness's rolling windows, made disjoint: ``(context, predicted)`` token lists.

    Every token of ``tokens`` is predicted exactly once. The first window predicts the first
    ``max_len`` tokens from ``[prefix] + tokens`` (so the first token is predicted from BOS/EOS); each
    later window predicts up to ``max_len - context_len + 1`` further tokens with the ``max_len`` tokens
    before its end as input. ``context_len=1`` is lm-eval's ``loglikelihood_rolling`` exactly; a larger
    ``context_len`` strides the windows so that each prediction sees at least ``context_len`` tokens.
    """
    if not 1 <= context_len <= max_len:
        raise ValueError("context_len must be in [1, max_len]")
    toks = list(tokens)
    if not toks:
        return []
    windows: list[TokenPair] = []
    first = min(max_len, len(toks))
    windows.append(([prefix, *toks[: first - 1]], toks[:first]))
    predicted = first
    pred_len = max_len - context_len + 1
    while predicted < len(toks):
        n = min(len(toks) - predicted, pred_len)
        end = predicted + n
        inp = toks[max(end - max_len - 1, 0) : end - 1]
        windows.append((inp, toks[end - n : end]))
        predicted += n
    # disjoint: the context is the input without the positions of the predicted tokens
    return [(a[: len(a) - (len(b) - 1)], b) for a, b in windows]


class Engine:
    """Scores token-level requests with a transformers ``*ForCausalLM`` model (see the module docstring)."""

    def __init__(
        self,
        model: Any,
        max_length: int,
        limits: EngineLimits | None = None,
        logit_transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    ) -> None:
        self.model = model
        self.config = model.config.get_text_config(decoder=True)
        self.decoder = model.get_decoder()
        self.lm_head = model.get_output_embeddings()
        self.device = next(model.parameters()).device
        self.max_length = int(max_length)
        self.limits = limits or default_limits(self.device)
        self.logit_transform = logit_transform
        self.vocab = int(self.lm_head.weight.shape[0])
        params = inspect.signature(self.decoder.forward).parameters
        self._cache_kw = "cache" if "cache" in params else "past_key_values"
        self.packer = PackedScorer(self)

    @property
    def settings(self) -> str:
        """``|ll=trie<=N`` when loglikelihood groups of up to N tokens run packed as tries, else ``""``.

        Part of the model's settings (and so of the answer-cache key): packed and KV-cache scores differ by
        float rounding of different GEMM shapes, up to ~2e-5 nats on Gemma 3 270M, more than 1e-6 (and
        the packed path's groups-as-tries, which replaced one segment per group, differ likewise).
        """
        if self.packer.ok and self.limits.pack_tokens > 0:
            return f"|ll=trie<={self.limits.pack_tokens}"
        return ""

    # -- budgets -------------------------------------------------------------------------------
    def _bytes_per_token(self, seq_len: int) -> int:
        c = self.config
        item = next(self.model.parameters()).element_size()
        heads = int(getattr(c, "num_attention_heads", 8))
        kv_heads = int(getattr(c, "num_key_value_heads", None) or heads)
        head_dim = int(getattr(c, "head_dim", None) or c.hidden_size // heads)
        layers = int(c.num_hidden_layers)
        inter = int(getattr(c, "intermediate_size", 4 * c.hidden_size))
        kv = layers * 2 * kv_heads * head_dim * item
        act = item * (6 * c.hidden_size + 3 * inter + 3 * heads * head_dim + 2 * heads * seq_len)
        return kv + act

    def rows_per_batch(self, seq_len: int) -> int:
        """How many rows of ``seq_len`` tokens fit the batch budget (at least one)."""
        seq_len = max(seq_len, 1)
        by_mem = self.limits.batch_bytes // (seq_len * self._bytes_per_token(seq_len))
        by_tokens = self.limits.max_batch_tokens // seq_len
        return int(max(1, min(by_mem, by_tokens)))

    def _logit_rows(self) -> int:
        return max(1, self.limits.logits_bytes // (self.vocab * 4 * 3))

    # -- projection ------------------------------------------------------------------------------
    @torch.inference_mode()
    def _score_rows(
        self, hidden: torch.Tensor, targets: torch.Tensor, at: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """log p(target) and argmax == target for each target, in chunks of the logits budget.

        Target ``k`` is predicted by hidden row ``at[k]`` (default: row ``k``); a row that predicts
        several targets (the packed path's trie nodes) is projected once.

        For fp32 ``nn.Linear`` heads the logits of a chunk go into one reused buffer (:meth:`_project_into`)
        and torch's own ``_log_softmax`` kernel turns them into log-probabilities in place (it reads a row's
        max and sum before writing it), so the numbers are those of ``torch.log_softmax(lm_head(chunk))``
        (bit-identical where the blocked GEMM gives the same logits, see :meth:`_project_into`): no
        full-vocabulary tensor is allocated per chunk (page faults on 262,144-wide rows cost as much as the
        arithmetic). ``is_greedy`` is the argmax of the log-softmax, as lm-evaluation- harness computes it
        (the logits' argmax but for ties that rounding can make). Against one ``lm_head`` call over all rows
        they agree to 1e-6 relative, not bitwise: a GEMM's row depends on how many rows share the call (kernel
        and thread split chosen by shape, on every CPU capability). Note: torch's fp32 log-softmax over
        Gemma's 262,144 entries is biased by about +1e-5 to +3e-5 nats per token against an fp64 computation
        (+2.6e-5 on CrowS-Pairs sentences); it is kept deliberately, for parity with the plain forward pass
        (and lm-evaluation-harness), which computes exactly this.
        """
        step = self._logit_rows()
        if at is None:
            at = torch.arange(hidden.shape[0])
        order = torch.argsort(at, stable=True)
        bounds = torch.searchsorted(at[order], torch.arange(0, hidden.shape[0] + step, step)).tolist()
        logps = torch.zeros(len(targets), dtype=torch.float64)
        greedy = torch.zeros(len(targets), dtype=torch.bool)
        weight = self.lm_head.weight
        fast = (
            self.logit_transform is None
            and isinstance(self.lm_head, torch.nn.Linear)
            and weight.dtype == torch.float32
        )
        shape = (min(step, hidden.shape[0]), weight.shape[0])
        buf = torch.empty(shape, dtype=weight.dtype, device=weight.device) if fast else None
        for c, i in enumerate(range(0, hidden.shape[0], step)):
            h = hidden[i : i + step]
            ks = order[bounds[c] : bounds[c + 1]]
            rows, tgt = (at[ks] - i).to(weight.device), targets[ks].to(weight.device)
            if buf is not None:
                lsm = buf[: h.shape[0]]
                self._project_into(h, weight, lsm)
                if self.lm_head.bias is not None:
                    lsm.add_(self.lm_head.bias)
                torch.ops.aten._log_softmax.out(lsm, -1, False, out=lsm)  # in place: row max and sum first
            else:
                logits = self.lm_head(h)
                if self.logit_transform is not None:
                    logits = self.logit_transform(logits)
                lsm = torch.log_softmax(logits.float(), dim=-1)
            logps[ks] = lsm[rows, tgt].double().cpu()
            greedy[ks] = (lsm.argmax(dim=-1)[rows] == tgt).cpu()  # lm-eval: argmax of the log-softmax
        return logps, greedy

    def _project_into(self, h: torch.Tensor, weight: torch.Tensor, logits: torch.Tensor) -> None:
        """``logits = h @ weight.T``, in blocks of ``vocab_block`` vocabulary rows written in place.

        One GEMM over Gemma 3's 262,144 entries leaves each output panel out of cache; blocks of 1,024
        keep it there: measured on one core of a 2-core AMD EPYC (AVX-512), 128 rows x 640 -> 262,144:
        617 ms as one call, 522 ms in blocks (1.18x); 512 rows 2,346 vs 1,931 ms (1.21x). Each logit is the
        same dot product either way; on Gemma 3's shapes the logits were bit-identical to one call (1 and
        2 threads, AVX-512 and AVX2 kernels), while small blocks of small matrices may pick another kernel
        and differ by an ulp (64-entry blocks of a 5,000 x 96 head: up to 8.3e-7); tests bound it at 1e-6
        relative.
        """
        block = self.limits.vocab_block
        if block <= 0 or block >= weight.shape[0] or self.device.type != "cpu":
            torch.matmul(h, weight.t(), out=logits)
            return
        for s in range(0, weight.shape[0], block):
            torch.matmul(h, weight[s : s + block].t(), out=logits[:, s : s + block])

    # -- loglikelihood -----------------------------------------------------------------------------
    @thread_invariant_method
    def loglikelihood(self, pairs: Sequence[TokenPair]) -> list[tuple[float, bool]]:
        """``(logprob, is_greedy)`` of each continuation token list given its context token list."""
        groups: dict[tuple[int, ...], list[tuple[int, list[int]]]] = {}
        for i, (ctx, cont) in enumerate(pairs):
            if not cont:
                raise ValueError("empty continuation")
            if len(cont) > self.max_length:
                cont = cont[-self.max_length :]
            whole = (list(ctx) + list(cont))[-(self.max_length + 1) :]
            ctx_t = tuple(whole[: len(whole) - len(cont)])
            if not ctx_t:
                raise ValueError("a loglikelihood request needs at least one context token")
            groups.setdefault(ctx_t, []).append((i, list(cont)))
        out: list[tuple[float, bool]] = [(0.0, False)] * len(pairs)
        packed: list[tuple[tuple[int, ...], list[tuple[int, list[int]]]]] = []
        for c in list(groups):
            if self.packer.fits(c, [x for _, x in groups[c]]):
                packed.append((c, groups.pop(c)))
            elif (parts := self.packer.split(c, groups[c])) is not None:
                del groups[c]
                packed.extend(parts)  # e.g. CrowS: 1,000s of sentences after <bos>
        if packed:
            with torch.inference_mode():
                for i, res in self.packer.score(packed):
                    out[i] = res
        order = sorted(groups, key=lambda c: (-(len(c) + max(len(x) for _, x in groups[c])), c))
        start = 0
        with torch.inference_mode():
            while start < len(order):
                longest = len(order[start]) + max(len(x) for _, x in groups[order[start]])
                rows = self.rows_per_batch(longest)
                batch: list[tuple[int, ...]] = []
                n_conts = 0
                while start < len(order) and len(batch) < rows:
                    g = order[start]
                    if batch and n_conts + len(groups[g]) > rows:
                        break
                    batch.append(g)
                    n_conts += len(groups[g])
                    start += 1
                for i, res in self._score_groups(batch, groups):
                    out[i] = res
        return out

    def _score_groups(
        self, ctxs: list[tuple[int, ...]], groups: dict[tuple[int, ...], list[tuple[int, list[int]]]]
    ) -> list[tuple[int, tuple[float, bool]]]:
        dev = self.device
        n, lc = len(ctxs), max(len(c) for c in ctxs)
        ids = torch.zeros((n, lc), dtype=torch.long)
        mask = torch.zeros((n, lc), dtype=torch.long)
        for b, c in enumerate(ctxs):
            ids[b, lc - len(c) :] = torch.tensor(c)
            mask[b, lc - len(c) :] = 1
        pos = (mask.cumsum(1) - 1).clamp(min=0)
        from transformers import DynamicCache

        cache = DynamicCache(config=self.model.config)
        h_ctx = self.decoder(
            input_ids=ids.to(dev),
            attention_mask=mask.to(dev),
            position_ids=pos.to(dev),
            use_cache=True,
            **{self._cache_kw: cache},
        ).last_hidden_state[:, -1]
        # continuation pass: every continuation longer than one token, against its group's cache rows
        items = [(b, i, cont) for b, c in enumerate(ctxs) for i, cont in groups[c]]
        multi = [(k, b, cont) for k, (b, _i, cont) in enumerate(items) if len(cont) > 1]
        h_cont: torch.Tensor | None = None
        if multi:
            idx = torch.tensor([b for _, b, _ in multi])
            lk = max(len(cont) - 1 for _, _, cont in multi)
            cids = torch.zeros((len(multi), lk), dtype=torch.long)
            for r, (_, _, cont) in enumerate(multi):
                cids[r, : len(cont) - 1] = torch.tensor(cont[:-1])
            cmask = torch.cat([mask[idx], torch.ones((len(multi), lk), dtype=torch.long)], dim=1)
            cpos = torch.tensor([len(ctxs[b]) for _, b, _ in multi])[:, None] + torch.arange(lk)[None, :]
            cache.batch_select_indices(idx.to(dev))
            h_cont = self.decoder(
                input_ids=cids.to(dev),
                attention_mask=cmask.to(dev),
                position_ids=cpos.to(dev),
                use_cache=True,
                **{self._cache_kw: cache},
            ).last_hidden_state
        del cache
        rows: list[torch.Tensor] = []
        targets: list[int] = []
        spans: list[tuple[int, int, int]] = []
        row_of = {k: r for r, (k, _, _) in enumerate(multi)}
        for k, (b, i, cont) in enumerate(items):
            begin = len(targets)
            rows.append(h_ctx[b : b + 1])
            if len(cont) > 1:
                assert h_cont is not None
                rows.append(h_cont[row_of[k], : len(cont) - 1])
            targets.extend(cont)
            spans.append((i, begin, len(targets)))
        logp, greedy = self._score_rows(torch.cat(rows), torch.tensor(targets))
        return [(i, (float(logp[a:z].sum()), bool(greedy[a:z].all()))) for i, a, z in spans]

    # -- rolling -----------------------------------------------------------------------------------
    def _hidden(self, ids: torch.Tensor) -> torch.Tensor:
        """Decoder hidden states of right-padded rows; long rows in chunks of ``prefill_chunk`` tokens.

        Chunked prefill with a KV cache computes only the causal half of full attention and, for
        sliding-window layers, only the window (a single pass over a 3,317-token text attends over the
        whole masked square in every layer).
        """
        step = self.limits.prefill_chunk
        if not step or ids.shape[1] <= 2 * step:
            return self.decoder(input_ids=ids, use_cache=False).last_hidden_state
        from transformers import DynamicCache

        cache = DynamicCache(config=self.model.config)
        parts = []
        for s in range(0, ids.shape[1], step):
            piece = ids[:, s : s + step]
            pos = torch.arange(s, s + piece.shape[1], device=ids.device)[None].expand(ids.shape[0], -1)
            parts.append(
                self.decoder(
                    input_ids=piece, position_ids=pos, use_cache=True, **{self._cache_kw: cache}
                ).last_hidden_state
            )
        return torch.cat(parts, dim=1)

    @thread_invariant_method
    def score_windows(self, windows: Sequence[TokenPair]) -> list[tuple[float, bool]]:
        """Score disjoint ``(context, predicted)`` windows: input = ``(context + predicted)[:-1]``.

        Windows are sorted by length and batched right-padded with no attention mask.
        """
        seqs = [(list(c) + list(p))[:-1] for c, p in windows]
        order = sorted(range(len(seqs)), key=lambda k: -len(seqs[k]))
        out: list[tuple[float, bool]] = [(0.0, False)] * len(seqs)
        start = 0
        with torch.inference_mode():
            while start < len(order):
                rows = self.rows_per_batch(len(seqs[order[start]]))
                width = len(seqs[order[start]])
                chunk, real = [order[start]], width
                while start + len(chunk) < len(order) and len(chunk) < rows:
                    nxt = len(seqs[order[start + len(chunk)]])
                    if width * (len(chunk) + 1) > self.limits.max_pad_ratio * (real + nxt):
                        break  # padding would waste more than the budget allows
                    chunk.append(order[start + len(chunk)])
                    real += nxt
                start += len(chunk)
                ids = torch.zeros((len(chunk), width), dtype=torch.long)
                for r, k in enumerate(chunk):
                    ids[r, : len(seqs[k])] = torch.tensor(seqs[k])
                hidden = self._hidden(ids.to(self.device))
                sel: list[torch.Tensor] = []
                targets: list[int] = []
                spans: list[tuple[int, int, int]] = []
                for r, k in enumerate(chunk):
                    n_pred = len(windows[k][1])
                    end = len(seqs[k])
                    sel.append(hidden[r, end - n_pred : end])
                    spans.append((k, len(targets), len(targets) + n_pred))
                    targets.extend(windows[k][1])
                del hidden
                logp, greedy = self._score_rows(torch.cat(sel), torch.tensor(targets))
                for k, a, z in spans:
                    out[k] = (float(logp[a:z].sum()), bool(greedy[a:z].all()))
        return out

    def rolling(
        self, texts: Sequence[Sequence[int]], prefix: int, context_len: int = 1
    ) -> list[tuple[float, int]]:
        """``(sum logprob, n_tokens)`` per token list: every token scored, the first from ``prefix``."""
        windows: list[TokenPair] = []
        owner: list[int] = []
        for t, toks in enumerate(texts):
            for w in rolling_windows(toks, prefix, self.max_length, context_len):
                windows.append(w)
                owner.append(t)
        scores = self.score_windows(windows)
        totals = [0.0] * len(texts)
        for t, (lp, _) in zip(owner, scores, strict=True):
            totals[t] += lp
        return [(totals[t], len(toks)) for t, toks in enumerate(texts)]
