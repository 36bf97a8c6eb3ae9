"""Ingest: new projects from an upload or from a URL, each with its first queued Job.

The body itself is read by :mod:`spaceclip.services.ingest.uploads` (streamed to disk under the size
cap for an upload, small JSON for a URL). No database transaction is open while an upload streams;
the Project and its Job are then written in one transaction (docs/SECURITY.md, item 23) and the caller
enqueues the job after commit.

URL import (``{"url": ...}``): the link passes the SSRF guard of :mod:`spaceclip.services.ingest.download`
in the request, then the ``analyze`` job fetches it (see :func:`create_url_project`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable

from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import NotFound, UnsupportedMedia, ValidationFailed
from spaceclip.models.schemas import ProjectUrlCreate
from spaceclip.models.tables import Job, Project, ProjectStatus, new_id
from spaceclip.services.ingest import uploads
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.ingest.uploads import ReceivedUpload
from spaceclip.services.media.probe import MediaInfo
from spaceclip.usecases.jobs import create_job

__all__ = [
    "begin_probe",
    "create_upload_project",
    "create_url_project",
    "receive_upload",
    "store_probe",
]

DEFAULT_PROJECT_NAME = "Untitled upload"
PROBE_JOB = "probe"
#: URL projects start with the analysis job, which downloads the link first (tasks/analyze.py).
ANALYZE_JOB = "analyze"
URL_FIRST_JOB = ANALYZE_JOB
DOWNLOAD_MODULE = "spaceclip.services.ingest.download"


async def receive_upload(
    chunks: AsyncIterator[bytes], content_type: str, settings: Settings, storage: Storage
) -> ReceivedUpload:
    """Stream a multipart upload to disk under a new project id (nothing is written to the database).

    The id is drawn here, where project rows are made, so that the upload's folder is already the
    project's; see :func:`spaceclip.services.ingest.uploads.receive_upload` for the streaming.

    Raises:
        PayloadTooLarge: the file passed ``settings.max_upload_bytes`` (checked while streaming).
        BadRequest: malformed form, no file, empty file, or the client went away.
    """
    return await uploads.receive_upload(chunks, content_type, settings, storage, project_id=new_id())


def _project_name(requested: str | None, original_filename: str | None) -> str:
    name = (requested or "").strip()
    if not name and original_filename:
        name = original_filename.rsplit(".", 1)[0].strip() if "." in original_filename else original_filename
    return (name or DEFAULT_PROJECT_NAME)[:300]


def create_upload_project(
    db: Session, owner_id: str, upload: ReceivedUpload, settings: Settings, storage: Storage, *, analyze: bool = True
) -> tuple[Project, Job]:
    """Write the Project and its queued ``analyze`` (or, without ``analyze``, ``probe``) Job in one
    transaction and commit.

    On failure the transaction is rolled back and the uploaded files are deleted.
    """
    try:
        project = Project(
            id=upload.project_id,
            owner_id=owner_id,
            name=_project_name(upload.name, upload.original_filename),
            source_kind="upload",
            original_filename=upload.original_filename,
            media_path=upload.media_path,
            size_bytes=upload.size_bytes,
            status=ProjectStatus.QUEUED,
        )
        db.add(project)
        db.flush()
        job = create_job(db, project, ANALYZE_JOB if analyze else PROBE_JOB, settings)
        db.commit()
    except BaseException:
        db.rollback()
        storage.delete_project_files(upload.project_id)
        raise
    return project, job


def create_url_project(
    db: Session,
    owner_id: str,
    request: ProjectUrlCreate,
    settings: Settings,
    *,
    before_commit: Callable[[Project], None] | None = None,
) -> tuple[Project, Job]:
    """Accept a link: SSRF-check it now, then write the Project and its queued ``analyze`` Job.

    The job downloads the link into the project's folder first (:mod:`spaceclip.tasks.analyze`,
    which also renames a project still named after its URL to the media's title). Nothing is
    fetched in the request.

    Raises:
        ValidationFailed: URL import is not installed (no :mod:`spaceclip.services.ingest.download`).
        UrlRefused: the SSRF guard refused the link (private address, bad scheme, unknown host).
    """
    if importlib.util.find_spec(DOWNLOAD_MODULE) is None:
        raise ValidationFailed("URL import is not available yet. Download the file yourself and upload it instead.")
    # Imported here: yt-dlp is heavy and only URL imports need it.
    from spaceclip.services.ingest import download

    url = request.url.strip()
    download.check_url(url, settings)
    try:
        project = Project(
            id=new_id(),
            owner_id=owner_id,
            name=((request.name or "").strip() or url)[:300],
            source_kind="url",
            source_url=url,
            status=ProjectStatus.QUEUED,
        )
        db.add(project)
        db.flush()
        job = create_job(db, project, URL_FIRST_JOB, settings)
        if before_commit is not None:  # e.g. a feed episode linked to its project in the same transaction
            before_commit(project)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return project, job


@transactional
def begin_probe(db: Session, project_id: str) -> str:
    """Mark the project as being checked; its stored media path.

    Raises:
        NotFound: the project was deleted.
        UnsupportedMedia: it has no file yet.
    """
    project = db.get(Project, project_id)
    if project is None:
        raise NotFound("The project was deleted before it could be processed.")
    if not project.media_path:
        raise UnsupportedMedia("This project has no media file yet. Upload a file and try again.")
    project.status = ProjectStatus.PROBING
    project.error = None
    return project.media_path


@transactional
def store_probe(db: Session, project_id: str, info: MediaInfo) -> None:
    """Store the checked file's facts; the project is ready for analysis.

    Runs in the transaction that marks the ``probe`` job succeeded (the row is locked for it).

    Raises:
        NotFound: the project was deleted while its file was being checked.
    """
    project = db.get(Project, project_id, with_for_update=True)
    if project is None:
        raise NotFound("The project was deleted while it was being processed.")
    project.media_info = info.to_dict()
    project.status = ProjectStatus.READY_FOR_ANALYSIS
    project.error = None
