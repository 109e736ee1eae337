"""Ed25519 keys for signing bundles (the ``cryptography`` library).

``sovaudit keys new --out KEYDIR`` writes ``KEYDIR/sovaudit.key`` (PKCS#8 PEM, unencrypted, mode 0600) and
``KEYDIR/sovaudit.pub`` (SubjectPublicKeyInfo PEM), and refuses to overwrite either. A key is named by its
fingerprint: the first 16 hex digits of the SHA-256 of the raw 32-byte public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import SovauditError

PRIVATE_NAME = "sovaudit.key"
PUBLIC_NAME = "sovaudit.pub"
DEFAULT_KEY_DIR = "keys"  # under SOVAUDIT_HOME


def public_raw(key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of a public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_b64(key: Ed25519PublicKey) -> str:
    """The raw public key in base64 (as recorded in a manifest)."""
    return base64.b64encode(public_raw(key)).decode("ascii")


def fingerprint(key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw public key."""
    return hashlib.sha256(public_raw(key)).hexdigest()[:16]


def public_from_b64(text: str) -> Ed25519PublicKey:
    """A public key from its base64 raw form; ``ValueError`` if it is not one."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("not base64") from exc
    return Ed25519PublicKey.from_public_bytes(raw)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(path, mode)  # the umask may have narrowed it; never widened beyond ``mode``


def new_key_pair(out_dir: str | Path) -> tuple[Path, Path]:
    """Write a fresh key pair into ``out_dir``; return (private, public) paths. Existing keys are kept."""
    out = Path(out_dir)
    priv_path, pub_path = out / PRIVATE_NAME, out / PUBLIC_NAME
    for p in (priv_path, pub_path):
        if p.exists():
            raise SovauditError(
                f"{p} already exists; a key is never overwritten", "pass another --out folder"
            )
    try:
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        pub = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        _write_new(priv_path, pem, 0o600)
        _write_new(pub_path, pub, 0o644)
    except FileExistsError as exc:
        raise SovauditError(f"{exc.filename} already exists", "pass another --out folder") from exc
    except OSError as exc:
        raise SovauditError(f"cannot write keys to {out}: {exc.strerror}", "pass a writable --out") from exc
    return priv_path, pub_path


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in a PEM file written by :func:`new_key_pair`."""
    p = Path(path)
    try:
        key = serialization.load_pem_private_key(p.read_bytes(), password=None)
    except OSError as exc:
        raise SovauditError(f"cannot read key {p}: {exc.strerror}", "pass the sovaudit.key file") from exc
    except (ValueError, TypeError) as exc:
        raise SovauditError(f"{p} is not an unencrypted PEM private key", "pass a sovaudit.key file") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SovauditError(f"{p} is not an Ed25519 key", "make one with: sovaudit keys new --out KEYDIR")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM public key, a PEM private key, or a base64 raw key, in a file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SovauditError(f"cannot read key {p}: {exc.strerror}", "pass the sovaudit.pub file") from exc
    key: object = None
    try:
        if b"PRIVATE KEY" in data:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        elif b"PUBLIC KEY" in data:
            key = serialization.load_pem_public_key(data)
        else:
            key = public_from_b64(data.decode("ascii").strip())
    except (ValueError, TypeError, UnicodeDecodeError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise SovauditError(f"{p} is not an Ed25519 public key", "pass the sovaudit.pub of the signer")
    return key


def default_key() -> Ed25519PrivateKey:
    """This user's signing key, ``$SOVAUDIT_HOME/keys/sovaudit.key``, made on first use."""
    from ..assets.store import home

    folder = home() / DEFAULT_KEY_DIR
    if not (folder / PRIVATE_NAME).is_file():
        new_key_pair(folder)
    return load_private_key(folder / PRIVATE_NAME)


def sign(key: Ed25519PrivateKey, data: bytes) -> str:
    """Base64 Ed25519 signature of ``data``."""
    return base64.b64encode(key.sign(data)).decode("ascii")


def canonical_signature(text: str) -> bool:
    """Whether ``text`` is a signature file exactly as :func:`sign` + newline writes it: canonical base64 of
    64 bytes and one final newline (so no byte of ``manifest.sig`` can change without the check failing)."""
    raw = text[:-1] if text.endswith("\n") else None
    try:
        return raw is not None and base64.b64encode(base64.b64decode(raw, validate=True)).decode() == raw
    except (binascii.Error, ValueError):
        return False


def check(key: Ed25519PublicKey, data: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is ``key``'s signature of ``data``."""
    try:
        key.verify(base64.b64decode(signature_b64.strip().encode("ascii"), validate=True), data)
    except (InvalidSignature, binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return True
