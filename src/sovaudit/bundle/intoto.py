"""A bundle's manifest as an in-toto Statement v1 inside a DSSE envelope signed with Ed25519.

Statement (in-toto attestation framework, Statement v1)::

    {"_type": "https://in-toto.io/Statement/v1",
     "subject": [{"name": "<relative path>", "digest": {"sha256": "<hex>"}}, ...],
     "predicateType": "urn:sovaudit:bundle:v1",
     "predicate": {...}}

Subjects are the files anyone may hold: every bundle file except the private folder and the envelope itself,
with the digest of a secret run's files in their *public form* (what a redacted copy holds). The predicate
is documented in ``docs/bundles.md``. The envelope follows the DSSE protocol: the signature covers
``PAE(payloadType, payload)`` = ``"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`` (lengths in ASCII
decimal), never the bare payload.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import keys as _keys

ENVELOPE = "manifest.intoto.json"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "urn:sovaudit:bundle:v1"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding of a payload and its type."""
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def statement(subjects: dict[str, str], predicate: dict[str, Any]) -> dict[str, Any]:
    """An in-toto Statement v1 over ``name -> sha256`` subjects."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": name, "digest": {"sha256": digest}} for name, digest in sorted(subjects.items())
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }


def envelope(stmt: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """A DSSE envelope holding the statement, signed with ``key`` (keyid: its sovaudit fingerprint)."""
    payload = json.dumps(stmt, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    sig = key.sign(pae(PAYLOAD_TYPE, payload))
    return {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {"keyid": _keys.fingerprint(key.public_key()), "sig": base64.b64encode(sig).decode("ascii")}
        ],
    }


def open_envelope(env: dict[str, Any], key: Ed25519PublicKey) -> dict[str, Any] | None:
    """The statement inside ``env`` when one of its signatures is ``key``'s over the PAE, else ``None``."""
    from cryptography.exceptions import InvalidSignature

    try:
        if env["payloadType"] != PAYLOAD_TYPE:
            return None
        payload = base64.b64decode(env["payload"], validate=True)
        for s in env["signatures"]:
            try:
                key.verify(base64.b64decode(s["sig"], validate=True), pae(PAYLOAD_TYPE, payload))
            except (InvalidSignature, ValueError):
                continue
            stmt = json.loads(payload.decode("utf-8"))
            return stmt if isinstance(stmt, dict) and stmt.get("_type") == STATEMENT_TYPE else None
    except (KeyError, TypeError, ValueError):
        return None
    return None
