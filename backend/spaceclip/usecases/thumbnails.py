"""Thumbnails of a project and of its highlights: made on the first request, then served from disk.

Each is one JPEG in ``output_dir/<project_id>/thumbs/`` (``project.jpg``, ``highlight-<id>.jpg``), so
it goes with the project's other outputs when the project is deleted. A highlight's range never
changes, so its picture never goes stale.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.errors import NotFound
from spaceclip.models.tables import Project
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render import thumbnails
from spaceclip.usecases.highlights import get_highlight
from spaceclip.usecases.projects import get_project

__all__ = ["highlight_thumbnail", "project_thumbnail"]

NO_MEDIA = "This project has no checked media yet, so there is no picture of it. Wait until its analysis has begun."


def _make(
    project: Project, storage: Storage, settings: Settings, name: str, at_range: tuple[float, float] | None
) -> Path:
    if project.media_path is None or project.media_info is None:
        raise NotFound(NO_MEDIA)
    folder = storage.output_dir(project.id, create=True) / "thumbs"
    dest = folder / name
    if dest.is_file():
        return dest
    folder.mkdir(exist_ok=True)
    info = MediaInfo.from_dict(project.media_info)
    source = storage.resolve(project.media_path)
    lo, hi = at_range if at_range is not None else (None, None)
    at = thumbnails.thumbnail_moment(info.duration_s, lo, hi)
    if info.has_video:
        png = thumbnails.source_frame(source, at, settings)
    else:
        with tempfile.TemporaryDirectory(prefix="spaceclip-thumb-") as tmp:
            png = thumbnails.audiogram_frame(source, info, at, settings, Path(tmp))
    return thumbnails.write_jpeg(png, dest)


def project_thumbnail(db: Session, owner_id: str, project_id: str, settings: Settings) -> Path:
    """The project's picture (made now if it is not on disk yet).

    Raises:
        NotFound: not the owner's project, or no media checked yet.
    """
    project = get_project(db, owner_id, project_id)
    return _make(project, Storage(settings), settings, "project.jpg", None)


def highlight_thumbnail(db: Session, owner_id: str, highlight_id: str, settings: Settings) -> Path:
    """The highlight's picture, a third of the way into it (made now if it is not on disk yet).

    Raises:
        NotFound: not the owner's highlight, or its project has no media.
    """
    row = get_highlight(db, owner_id, highlight_id)
    project = get_project(db, owner_id, row.project_id)
    return _make(project, Storage(settings), settings, f"highlight-{row.id}.jpg", (row.start, row.end))
