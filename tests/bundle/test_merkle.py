"""RFC 9162 Merkle trees against the RFC 6962 test vectors of transparency-dev/merkle
(``testonly/constants.go``, ``proof/verify_test.go``), an independent verifier, and RFC 8785 canonical
JSON against the RFC's own examples (section 3.2.2/3.2.3, appendix B)."""

from __future__ import annotations

import hashlib
import json
import random
import struct

import pytest

from sovaudit.bundle import merkle
from sovaudit.bundle.commitments import canonical_json, commitment, item_id

LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                     "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
ROOTS = [  # tree sizes 1..8
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
PROOFS = [  # (leaf number counted from 1, tree size, audit path), as in verify_test.go
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH written straight from RFC 9162 2.1.1 (recursive split), independent of merkle.py."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])).digest()


def sigstore_style_verify(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """An independent verifier: the inner/border decomposition read in sigstore-python's merkle.py."""
    if not 0 <= index < size:
        return False
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    if len(path) != inner + border:
        return False
    h = leaf
    for i, p in enumerate(path[:inner]):
        pair = (h, p) if (index >> i) & 1 == 0 else (p, h)
        h = hashlib.sha256(struct.pack("B32s32s", 1, *pair)).digest()
    for p in path[inner:]:
        h = hashlib.sha256(b"\x01" + p + h).digest()
    return h == root


def test_leaf_and_node_hashes() -> None:
    assert merkle.leaf_hash(b"").hex() == ROOTS[0]  # a one-leaf tree's root is its leaf hash
    assert merkle.node_hash(merkle.leaf_hash(LEAVES[0]), merkle.leaf_hash(LEAVES[1])).hex() == ROOTS[1]


def test_roots_of_every_size_match_the_vectors() -> None:
    assert merkle.root([]).hex() == EMPTY_ROOT
    for n in range(1, 9):
        assert merkle.root(LEAVES[:n]).hex() == ROOTS[n - 1], n


@pytest.mark.parametrize(("leaf", "size", "path"), PROOFS)
def test_inclusion_proofs_match_the_vectors(leaf: int, size: int, path: list[str]) -> None:
    hashes = [merkle.leaf_hash(x) for x in LEAVES[:size]]
    proof = merkle.inclusion_proof(hashes, leaf - 1)
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(ROOTS[size - 1])
    assert merkle.verify_inclusion(leaf - 1, size, hashes[leaf - 1], proof, root)
    assert sigstore_style_verify(leaf - 1, size, hashes[leaf - 1], proof, root)


@pytest.mark.parametrize(("leaf", "size", "path"), PROOFS)
def test_corrupted_proofs_fail(leaf: int, size: int, path: list[str]) -> None:
    """The probes of verify_test.go's corruptInclusionProof: wrong index, size, leaf, root, path."""
    proof = [bytes.fromhex(p) for p in path]
    root = bytes.fromhex(ROOTS[size - 1])
    lh = merkle.leaf_hash(LEAVES[leaf - 1])
    i = leaf - 1
    some = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")
    bad = [
        (i - 1, size, lh, proof, root),
        (i + 1, size, lh, proof, root),
        (i ^ 2, size, lh, proof, root),
        (i, size * 2, lh, proof, root),
        (i, size // 2, lh, proof, root),
        (i, size, b"WrongLeaf", proof, root),
        (i, size, lh, proof, bytes.fromhex(EMPTY_ROOT)),
        (i, size, lh, proof, some),
        (i, size, lh, [*proof, b""], root),
        (i, size, lh, [*proof, root], root),
        (i, size, lh, [b"", *proof], root),
        (i, size, lh, [root, *proof], root),
        (i, size, lh, proof[:-1], root),
        (i, size, lh, [proof[0], some, *proof[1:]], root),
    ]
    for k in range(len(proof)):
        flipped = list(proof)
        flipped[k] = bytes([flipped[k][0] ^ 8]) + flipped[k][1:]
        bad.append((i, size, lh, flipped, root))
    for probe in bad:
        assert not merkle.verify_inclusion(*probe), probe[:2]


def test_random_trees_agree_with_the_reference_and_the_independent_verifier() -> None:
    rng = random.Random(7)
    for n in [*range(1, 34), 100, 257]:
        leaves = [rng.randbytes(rng.randrange(0, 40)) for _ in range(n)]
        hashes = [merkle.leaf_hash(x) for x in leaves]
        root = merkle.root(leaves)
        assert root == reference_root(leaves)
        for i in {0, n - 1, rng.randrange(n)}:
            proof = merkle.inclusion_proof(hashes, i)
            assert merkle.verify_inclusion(i, n, hashes[i], proof, root)
            assert sigstore_style_verify(i, n, hashes[i], proof, root)
            if n > 1:
                assert not merkle.verify_inclusion(i, n, hashes[(i + 1) % n], proof, root)
    with pytest.raises(ValueError):
        merkle.inclusion_proof([merkle.leaf_hash(b"x")], 1)


# RFC 8785 appendix B: IEEE-754 bit patterns and their canonical text
NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "text"), NUMBERS)
def test_jcs_numbers_of_rfc8785_appendix_b(bits: str, text: str) -> None:
    (x,) = struct.unpack(">d", bytes.fromhex(bits))
    assert canonical_json(x) == text.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_jcs_refuses_nan_and_infinity(bits: str) -> None:
    (x,) = struct.unpack(">d", bytes.fromhex(bits))
    with pytest.raises(ValueError):
        canonical_json([x])


def test_jcs_example_of_rfc8785_section_3_2_2() -> None:
    text = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    want = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(json.loads(text)) == want.encode("utf-8")


def test_jcs_sorts_members_by_utf16_code_units() -> None:
    """RFC 8785 3.2.3: the emoji (a surrogate pair, D83D) sorts before U+FB33 though its code point is
    larger; Python's own ordering of str would put it last."""
    value = {"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001f600": 5, "\u0080": 6, "\u00f6": 7}
    got = canonical_json(value).decode("utf-8")
    assert got == '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\U0001f600":5,"\ufb33":3}'
    french = {"peach": 1, "péché": 2, "pêche": 3, "sin": 4}  # cyberphone testdata french.json order
    assert canonical_json(french).decode() == '{"peach":1,"péché":2,"pêche":3,"sin":4}'
    assert canonical_json([56, {"d": True, "10": None, "1": []}]) == b'[56,{"1":[],"10":null,"d":true}]'


def test_jcs_refuses_what_is_not_json() -> None:
    for bad in ({1: "x"}, b"bytes", 2**60 + 1, "\ud800", object()):
        with pytest.raises(ValueError):
            canonical_json(bad)
    assert canonical_json(2**60) == b"1152921504606847000"  # a double, written as ECMAScript does


def test_commitment_and_item_ids() -> None:
    salt = bytes(range(32))
    rec = {"id": "q1", "language": "en", "correct": 1}
    want = hashlib.sha256(salt + b'{"correct":1,"id":"q1","language":"en"}').digest()
    assert commitment(salt, rec) == want
    assert commitment(bytes(32), rec) != want
    with pytest.raises(ValueError):
        commitment(b"short", rec)
    assert item_id(rec, 0) == "q1:en"
    assert item_id({"id": 7}, 3) == "7"
    assert item_id({"x": 1}, 3) == "#3"
