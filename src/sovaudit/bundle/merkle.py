"""RFC 9162 Merkle trees (Certificate Transparency v2; the same hashing as RFC 6962) over SHA-256.

- leaf hash ``SHA-256(0x00 || data)``, interior node ``SHA-256(0x01 || left || right)``;
- the root of ``n`` leaves splits at ``k``, the largest power of two smaller than ``n`` (RFC 9162 2.1.1);
  the root of no leaves is ``SHA-256("")``;
- an inclusion proof (audit path) of leaf ``m`` is built as ``PATH(m, D[n])`` (2.1.3.1) and checked with
  the algorithm of 2.1.3.2, which needs only the leaf hash, its index, the tree size, the path and the root.

The verifier follows the RFC step by step; sigstore-python's ``sigstore/_internal/merkle.py`` (Apache-2.0,
itself after Trillian) is an equivalent reading of the same algorithm that splits the path into an inner
part and a right-border part. Tested with the RFC 6962 test vectors of transparency-dev/merkle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
HASH_SIZE = 32


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash ``MTH(D[n])`` of leaves given by their leaf hashes.

    Built bottom-up level by level: pairing neighbours and carrying an odd last node up unchanged gives the
    same tree as the RFC's split at the largest power of two below ``n``.
    """
    if not hashes:
        return hashlib.sha256(b"").digest()
    level = list(hashes)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def root(leaves: Sequence[bytes]) -> bytes:
    """``MTH(D[n])`` of the leaves' data (each leaf is hashed with :func:`leaf_hash`)."""
    return root_from_leaf_hashes([leaf_hash(x) for x in leaves])


def _path(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    n = len(hashes)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, hashes[:k]), root_from_leaf_hashes(hashes[k:])]
    return [*_path(m - k, hashes[k:]), root_from_leaf_hashes(hashes[:k])]


def inclusion_proof(hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path ``PATH(index, D[n])`` (RFC 9162 2.1.3.1) of a leaf, given every leaf hash, from the
    leaf's sibling up to the root's child. ``ValueError`` if ``index`` is outside the tree."""
    if not 0 <= index < len(hashes):
        raise ValueError(f"leaf index {index} outside a tree of {len(hashes)} leaves")
    return _path(index, hashes)


def root_from_inclusion_proof(
    leaf_index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes]
) -> bytes | None:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2, steps 1-5), or ``None`` if the proof does
    not fit the index and size (wrong length, index outside the tree, a hash that is not 32 bytes)."""
    if not 0 <= leaf_index < tree_size or len(leaf) != HASH_SIZE:
        return None
    if any(len(p) != HASH_SIZE for p in proof):
        return None
    fn, sn = leaf_index, tree_size - 1  # step 2 (step 1: the index check above)
    r = leaf  # step 3
    for p in proof:  # step 4
        if sn == 0:  # 4a: the path is longer than the tree is high
            return None
        if fn & 1 or fn == sn:  # 4b
            r = node_hash(p, r)  # 4b.i
            if not fn & 1:  # 4b.ii: right-shift both until LSB(fn) is set or fn is 0
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:  # 4b, otherwise
            r = node_hash(r, p)
        fn >>= 1  # 4c
        sn >>= 1
    return r if sn == 0 else None  # step 5: sn must be 0 (the caller compares r with the root)


def verify_inclusion(
    leaf_index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows that the leaf with hash ``leaf`` is at ``leaf_index`` of the tree of
    ``tree_size`` leaves whose root is ``root`` (RFC 9162 2.1.3.2)."""
    got = root_from_inclusion_proof(leaf_index, tree_size, leaf, proof)
    return got is not None and got == root
