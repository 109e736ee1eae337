"""Bundles: a run's output folder, sealed by a signed manifest, that anyone can verify, re-run and compare.

- :func:`write_manifest` hashes inputs and outputs into ``manifest.json`` and signs it (``manifest.sig``);
- :func:`verify_bundle` says who signed and whether that key is trusted (:mod:`.trust`: ``--key`` or the
  user's keyring, never the bundle's own key), checks every hash and names each file that differs;
- :func:`recompute` re-runs randomly drawn work units and compares their numbers with the stored ones;
- :func:`compare_bundles` / :func:`write_compare` build a leaderboard across bundles.
"""

from __future__ import annotations

from .compare import compare_bundles, write_compare
from .keys import default_key, load_private_key, load_public_key, new_key_pair
from .manifest import MANIFEST, SIGNATURE, VerifyReport, verify_bundle, write_manifest
from .recompute import RecomputeReport, Tolerance, recompute
from .trust import signer_status, trust, trusted_keys

__all__ = [
    "MANIFEST",
    "SIGNATURE",
    "RecomputeReport",
    "Tolerance",
    "VerifyReport",
    "compare_bundles",
    "default_key",
    "load_private_key",
    "load_public_key",
    "new_key_pair",
    "recompute",
    "signer_status",
    "trust",
    "trusted_keys",
    "verify_bundle",
    "write_compare",
    "write_manifest",
]
