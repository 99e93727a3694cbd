"""Static files through WhiteNoise: versioned URLs cached for a year, gzip and brotli; pages never.

Every URL a template builds with ``url_for("static", ...)`` carries the hash of
the whole static folder: ``/static/<version>/css/shop.css``. A deploy that
changes any file changes the version, so a browser may keep each such URL for
a year ("immutable") and still never sees a stale file. Files that name each
other relatively (an ES module's imports, a stylesheet's ``url()``) stay under
the same version. The plain ``/static/...`` URLs, which catalog files use for
product images, keep working with a one-hour lifetime.

WhiteNoise serves the ``.br`` or ``.gz`` copy of a file to a browser that
accepts it. In production the shop makes those copies once per version, in the
instance folder, when it starts: a platform's disk is new after every deploy,
and nothing has to be built or committed beforehand.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

log = logging.getLogger(__name__)

ONE_YEAR = 365 * 24 * 60 * 60
UNVERSIONED_MAX_AGE = 60 * 60


class VersionedWhiteNoise(WhiteNoise):
    """WhiteNoise whose "immutable" files (those under the version) are cached for one year."""

    FOREVER = ONE_YEAR


def static_version(folder: Path) -> str:
    """A short hash of every file's path and content under ``folder``: it changes when any file does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def url_path(folder: Path) -> str:
    """Where the app serves ``folder``: under its version, for ``Flask(static_url_path=...)``."""
    return f"/static/{static_version(folder)}"


def init_app(app: Flask) -> None:
    """Serve the static folder from WhiteNoise, in front of the app, at the versioned and the plain URLs."""
    version = app.static_url_path.rstrip("/").rsplit("/", 1)[-1]
    root = Path(app.static_folder)
    if app.config["STOREFRONT_MODE"] == "production":
        root = compressed_copy(root, Path(app.instance_path) / "static", version)
    static = VersionedWhiteNoise(app.wsgi_app, max_age=UNVERSIONED_MAX_AGE,
                                 immutable_file_test=lambda _path, url: url.startswith(f"/static/{version}/"))
    static.add_files(str(root), prefix="static/")
    static.add_files(str(root), prefix=f"static/{version}/")
    app.wsgi_app = static


def compressed_copy(folder: Path, cache: Path, version: str) -> Path:
    """``folder`` with a ``.br`` and ``.gz`` beside each file worth compressing, made once per version."""
    target = cache / version
    if target.is_dir():
        return target
    try:
        cache.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(dir=cache, prefix=".building-"))
        shutil.copytree(folder, building, dirs_exist_ok=True)
        compressor = Compressor(quiet=True)
        for path in [p for p in building.rglob("*") if p.is_file()]:
            if compressor.should_compress(path.name):
                compressor.compress(str(path))
        try:
            building.rename(target)  # atomic: a process that starts meanwhile sees all of it, or none
        except OSError:  # another process of this deploy finished first
            shutil.rmtree(building, ignore_errors=True)
    except OSError as error:  # a read-only disk: serve the files uncompressed rather than not at all
        log.warning("static files: cannot write compressed copies in %s (%s); serving them uncompressed",
                    cache, error)
        return folder
    return target
