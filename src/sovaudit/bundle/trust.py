"""Which signing keys this user trusts: ``--key`` or the user's own keyring, never a key a bundle names.

The keyring is a JSON file in the user's configuration folder (``platformdirs.user_config_dir("sovaudit")``,
``trusted-keys.json``; ``SOVAUDIT_KEYRING`` names another file, e.g. in tests). ``sovaudit keys trust PUB``
adds a key, ``keys list`` lists them, ``keys untrust FINGERPRINT`` removes one. The user's own signing key
(``$SOVAUDIT_HOME/keys/sovaudit.pub``, made by the first signed run) is trusted too: it never came from a
bundle.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..errors import SovauditError
from . import keys as _keys

KEYRING_ENV = "SOVAUDIT_KEYRING"
KEYRING_FILE = "trusted-keys.json"
OWN_KEY = "your own signing key"


@dataclass(frozen=True)
class TrustedKey:
    """One trusted key: its fingerprint, raw base64 form, a label and when it was added."""

    fingerprint: str
    public_key: str
    label: str = ""
    added: str = ""

    def key(self) -> Ed25519PublicKey:
        """The public key object."""
        return _keys.public_from_b64(self.public_key)


def keyring_path() -> Path:
    """The keyring file: ``$SOVAUDIT_KEYRING``, else ``trusted-keys.json`` in the user's config folder."""
    env = os.environ.get(KEYRING_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("sovaudit")) / KEYRING_FILE


def _read(path: Path) -> list[TrustedKey]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for rec in data.get("keys", []):
            k = TrustedKey(str(rec["fingerprint"]), str(rec["public_key"]), str(rec.get("label", "")))
            if _keys.fingerprint(k.key()) != k.fingerprint:
                raise ValueError(f"fingerprint {k.fingerprint} does not match its key")
            out.append(TrustedKey(k.fingerprint, k.public_key, k.label, str(rec.get("added", ""))))
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SovauditError(
            f"the keyring {path} cannot be read ({exc})",
            f"fix or remove it, then add keys again with `sovaudit keys trust PUB` (or set {KEYRING_ENV})",
        ) from exc


def own_key() -> TrustedKey | None:
    """This user's own signing key, if one was made (``$SOVAUDIT_HOME/keys/sovaudit.pub``)."""
    from ..assets.store import home

    pub = home() / _keys.DEFAULT_KEY_DIR / _keys.PUBLIC_NAME
    if not pub.is_file():
        return None
    try:
        key = _keys.load_public_key(pub)
    except SovauditError:
        return None
    return TrustedKey(_keys.fingerprint(key), _keys.public_b64(key), OWN_KEY)


def trusted_keys() -> list[TrustedKey]:
    """Every key this user trusts: the keyring's and the user's own signing key."""
    keys = _read(keyring_path())
    own = own_key()
    if own is not None and own.fingerprint not in {k.fingerprint for k in keys}:
        keys.append(own)
    return keys


def _write(path: Path, keys: list[TrustedKey]) -> None:
    data = {
        "format": "sovaudit-keyring/1",
        "keys": [
            {"fingerprint": k.fingerprint, "public_key": k.public_key, "label": k.label, "added": k.added}
            for k in keys
        ],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise SovauditError(
            f"cannot write the keyring {path}: {exc.strerror or exc}", f"set {KEYRING_ENV} to a writable file"
        ) from exc


def trust(pub_file: str | Path, label: str = "") -> tuple[TrustedKey, bool]:
    """Add the public key in ``pub_file`` to the keyring; ``(key, added)`` (``False``: already there)."""
    key = _keys.load_public_key(pub_file)
    entry = TrustedKey(
        _keys.fingerprint(key),
        _keys.public_b64(key),
        label or Path(pub_file).name,
        _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    path = keyring_path()
    keys = _read(path)
    if entry.fingerprint in {k.fingerprint for k in keys}:
        return next(k for k in keys if k.fingerprint == entry.fingerprint), False
    _write(path, [*keys, entry])
    return entry, True


def untrust(fingerprint: str) -> bool:
    """Remove the key with this fingerprint from the keyring; whether it was there."""
    path = keyring_path()
    keys = _read(path)
    kept = [k for k in keys if k.fingerprint != fingerprint.strip().lower()]
    if len(kept) == len(keys):
        return False
    _write(path, kept)
    return True


@dataclass(frozen=True)
class SignerStatus:
    """Who signed a bundle and whether this user trusts that key.

    ``state``: ``trusted`` (valid signature by a trusted key), ``untrusted`` (valid signature by the key the
    manifest names, which is not trusted here), ``invalid`` (the signature does not hold), ``unsigned``.
    """

    fingerprint: str
    state: str
    label: str = ""

    def words(self) -> str:
        """One phrase for a page or a table cell."""
        if self.state == "trusted":
            return f"signed by trusted key {self.fingerprint}" + (f" ({self.label})" if self.label else "")
        if self.state == "untrusted":
            return f"signed by UNTRUSTED key {self.fingerprint} (not in your keyring)"
        if self.state == "invalid":
            return "signature INVALID (the manifest was changed after signing)"
        return "not signed"


def signer_status(bundle: Path, trusted: list[TrustedKey] | None = None) -> SignerStatus:
    """Check only the manifest's signature (no file hashes) and whose key made it; never raises."""
    from ..safeio import MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES, read_regular
    from .layout import MANIFEST, SIGNATURE

    try:
        data = read_regular(bundle / MANIFEST, MAX_MANIFEST_BYTES)
        sig = read_regular(bundle / SIGNATURE, MAX_SIGNATURE_BYTES).decode("ascii", "replace")
    except (OSError, ValueError):
        return SignerStatus("", "unsigned")
    if not _keys.canonical_signature(sig):
        return SignerStatus("", "invalid")
    try:
        keys = trusted if trusted is not None else trusted_keys()
    except SovauditError:
        keys = []
    for k in keys:
        if _keys.check(k.key(), data, sig):
            return SignerStatus(k.fingerprint, "trusted", k.label)
    try:
        named = _keys.public_from_b64(str(json.loads(data)["signer"]["public_key"]))
    except (ValueError, KeyError, TypeError, RecursionError):
        return SignerStatus("", "invalid")
    if _keys.check(named, data, sig):
        return SignerStatus(_keys.fingerprint(named), "untrusted")
    return SignerStatus("", "invalid")


def bundle_root(path: Path, levels: int = 4) -> Path | None:
    """The nearest folder holding a ``manifest.json`` at or above ``path`` (a results file or folder)."""
    from ..safeio import kind_of

    here = path if path.is_dir() else path.parent
    for _ in range(levels + 1):
        try:
            if kind_of(os.lstat(here / "manifest.json").st_mode) == "regular file":
                return here
        except OSError:
            pass
        if here.parent == here:
            break
        here = here.parent
    return None


def signer_words(path: Path, trusted: list[TrustedKey] | None = None) -> str:
    """The signer of the bundle holding ``path``, in words (``not in a signed bundle`` if none)."""
    root = bundle_root(path)
    if root is None:
        return "not in a signed bundle"
    return signer_status(root, trusted).words()
