"""Speaker photos on disk: ``<project upload dir>/speakers/<speaker id>.png``, derived from the ids
(no database column). A photo is checked and re-encoded before anything is written
(:func:`~spaceclip.services.render.audiogram.photos.check_photo`), then written under a temporary
name and renamed, so a bad or interrupted upload never leaves a file.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceclip.errors import NotFound
from spaceclip.models.tables import Speaker as SpeakerRow
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.render.audiogram.photos import Photo, check_photo

__all__ = ["PHOTO_DIR", "get_photo", "photo_path", "remove_photo", "set_photo", "speaker_photos"]

log = logging.getLogger(__name__)

PHOTO_DIR = "speakers"
NO_SPEAKER = "This speaker does not exist in the project. Reload the transcript."
NO_PHOTO = "This speaker has no photo. Upload one from the Speakers panel."


def _speaker(db: Session, project_id: str, speaker_id: str) -> SpeakerRow:
    row = db.scalars(select(SpeakerRow).where(SpeakerRow.id == speaker_id, SpeakerRow.project_id == project_id)).first()
    if row is None:
        raise NotFound(NO_SPEAKER)
    return row


def photo_path(storage: Storage, project_id: str, speaker_id: str) -> Path:
    """Where the photo of speaker ``speaker_id`` (a row id, so a safe file name) is kept."""
    return storage.project_dir(project_id) / PHOTO_DIR / f"{speaker_id}.png"


def set_photo(db: Session, storage: Storage, project_id: str, speaker_id: str, data: bytes) -> Photo:
    """Check ``data`` and store it as the speaker's photo (replacing any earlier one).

    Raises:
        NotFound: no such speaker in the project.
        PayloadTooLarge, UnsupportedMedia: see ``check_photo`` (nothing is stored).
    """
    _speaker(db, project_id, speaker_id)
    photo = check_photo(data)
    dest = photo_path(storage, project_id, speaker_id)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        tmp.write_bytes(photo.png)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("Speaker photo for %s in project %s (%dx%d %s)", speaker_id, project_id, photo.width, photo.height,
             photo.format)  # fmt: skip
    return photo


def get_photo(db: Session, storage: Storage, project_id: str, speaker_id: str) -> Path:
    """The stored photo's path. Raises NotFound without a speaker or a photo."""
    _speaker(db, project_id, speaker_id)
    path = photo_path(storage, project_id, speaker_id)
    if not path.is_file():
        raise NotFound(NO_PHOTO)
    return path


def remove_photo(db: Session, storage: Storage, project_id: str, speaker_id: str) -> None:
    """Delete the speaker's photo (the badge goes back to initials). Raises NotFound without one."""
    get_photo(db, storage, project_id, speaker_id).unlink()


def speaker_photos(db: Session, storage: Storage, project_id: str) -> dict[str, Path]:
    """Speaker label -> photo, for the speakers of the project that have one (for the render)."""
    rows = db.scalars(select(SpeakerRow).where(SpeakerRow.project_id == project_id)).all()
    found = {row.label: photo_path(storage, project_id, row.id) for row in rows}
    return {label: path for label, path in found.items() if path.is_file()}
