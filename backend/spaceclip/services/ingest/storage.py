"""Where project files live. The server chooses every name; user input never becomes a path.

Layout under ``settings.upload_dir``::

    <project_id>/source<.ext>     the uploaded (or downloaded) original
    <project_id>/...              files the pipeline derives from it (audio.wav, ...)

and ``settings.output_dir/<project_id>/`` for rendered outputs; ``upload_dir/brand/<user_id>/``
holds a user's brand kit files (font, logo), ``output_dir/<project_id>/thumbs/`` its cached pictures.
``Project.media_path`` is stored relative to ``upload_dir`` (``"<project_id>/source.mp4"``) so the
data directory can move, or later be a shared filesystem mounted elsewhere on each worker.

Every path this module hands out is resolved and checked to stay inside its root (docs/SECURITY.md, item 18).
"""

from __future__ import annotations

import logging
import re
import shutil
import unicodedata
from pathlib import Path, PurePosixPath

from spaceclip.config import Settings
from spaceclip.errors import UnsafePath

log = logging.getLogger(__name__)

__all__ = [
    "SOURCE_STEM",
    "Storage",
    "sanitize_extension",
    "sanitize_filename",
]

SOURCE_STEM = "source"
BRAND_DIR = "brand"
MAX_FILENAME_CHARS = 255
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EXT_RE = re.compile(r"^[a-z0-9]{1,10}$")


def sanitize_filename(original: str | None) -> str | None:
    """The user's file name made safe to store and show: base name only, no control characters.

    Used for display and as an extension hint only; never as a path on disk.

    Args:
        original: the name the client sent (may contain directories, either slash, control chars).

    Returns:
        A name of at most 255 characters, or None when nothing printable is left.
    """
    if original is None:
        return None
    base = re.split(r"[\\/]", original)[-1]
    base = unicodedata.normalize("NFC", base)
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    cleaned = cleaned.strip(". ")
    if not cleaned:
        return None
    if len(cleaned) > MAX_FILENAME_CHARS:
        stem, dot, ext = cleaned.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            cleaned = stem[: MAX_FILENAME_CHARS - len(ext) - 1] + "." + ext
        else:
            cleaned = cleaned[:MAX_FILENAME_CHARS]
    return cleaned


def sanitize_extension(original: str | None) -> str:
    """A lower-case extension hint (``".mp4"``) from the user's file name, or ``""``.

    Only ASCII letters and digits, 1 to 10 of them. The probe decides the real type; the extension
    only helps tools that look at names.
    """
    name = sanitize_filename(original)
    if not name or "." not in name:
        return ""
    ext = name.rsplit(".", 1)[1].lower()
    return f".{ext}" if _EXT_RE.fullmatch(ext) else ""


def _check_id(project_id: str) -> str:
    if not _ID_RE.fullmatch(project_id):
        raise UnsafePath(
            "An internal file name was refused as unsafe. Try again; if it keeps happening, report it.",
            detail=f"bad project id {project_id!r}",
        )
    return project_id


def _inside(root: Path, path: Path) -> Path:
    resolved = path.resolve()
    if resolved != root and not resolved.is_relative_to(root):
        raise UnsafePath(
            "A file path pointed outside SpaceClip's storage folder and was refused. "
            "If you moved the data folder by hand, restore it; otherwise report this.",
            detail=f"{path} is outside {root}",
        )
    return resolved


class Storage:
    """Project files on the local (or shared) filesystem under the configured roots."""

    def __init__(self, settings: Settings) -> None:
        self.upload_root = settings.upload_dir.resolve()
        self.output_root = settings.output_dir.resolve()

    def project_dir(self, project_id: str, *, create: bool = False) -> Path:
        """``upload_dir/<project_id>``; created (with parents) when ``create``."""
        path = _inside(self.upload_root, self.upload_root / _check_id(project_id))
        if create:
            path.mkdir(parents=True, exist_ok=True)
        return path

    def output_dir(self, project_id: str, *, create: bool = False) -> Path:
        """``output_dir/<project_id>``; created (with parents) when ``create``."""
        path = _inside(self.output_root, self.output_root / _check_id(project_id))
        if create:
            path.mkdir(parents=True, exist_ok=True)
        return path

    def brand_dir(self, user_id: str, *, create: bool = False) -> Path:
        """``upload_dir/brand/<user_id>``: the user's brand kit files; created when ``create``."""
        path = _inside(self.upload_root, self.upload_root / BRAND_DIR / _check_id(user_id))
        if create:
            path.mkdir(parents=True, exist_ok=True)
        return path

    def source_path(self, project_id: str, original_filename: str | None) -> Path:
        """Where the original goes: ``<project dir>/source<.ext>`` (extension only as a hint)."""
        name = SOURCE_STEM + sanitize_extension(original_filename)
        return _inside(self.upload_root, self.project_dir(project_id) / name)

    def relative(self, path: Path) -> str:
        """``path`` as stored in the database: POSIX-style, relative to ``upload_dir``."""
        resolved = _inside(self.upload_root, path)
        return resolved.relative_to(self.upload_root).as_posix()

    def resolve(self, relative: str) -> Path:
        """The absolute path of a stored relative path; refuses anything outside ``upload_dir``."""
        rel = PurePosixPath(relative)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise UnsafePath(
                "A stored file path was refused as unsafe. Delete the project and upload it again.",
                detail=f"bad stored path {relative!r}",
            )
        return _inside(self.upload_root, self.upload_root.joinpath(*rel.parts))

    def delete_project_files(self, project_id: str) -> None:
        """Remove the project's upload and output folders (missing folders are fine)."""
        # Both paths are resolved and checked first, so a symlink planted in place of a project
        # folder raises instead of deleting whatever it points to.
        for path in (self.project_dir(project_id), self.output_dir(project_id)):
            if path.exists():
                shutil.rmtree(path)
                log.info("Deleted %s", path)
