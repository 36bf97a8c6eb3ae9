"""Projects: list, read, rename or set the language, delete.

Every query is filtered by ``owner_id`` (docs/SECURITY.md, item 14).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import Enum

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import Conflict, NotFound, ValidationFailed
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, Job, Project
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.speech.model_language import check_model_language, with_language

log = logging.getLogger(__name__)

__all__ = [
    "KEEP",
    "delete_project",
    "detected_languages",
    "get_project",
    "latest_jobs",
    "list_jobs",
    "list_projects",
    "update_project",
]

NOT_FOUND_MESSAGE = "This project does not exist or was deleted. Go back to your projects list."


def get_project(db: Session, owner_id: str, project_id: str) -> Project:
    """The owner's project; another user's or a missing id raises :class:`NotFound` alike."""
    project = db.scalars(select(Project).where(Project.id == project_id, Project.owner_id == owner_id)).first()
    if project is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return project


def list_projects(db: Session, owner_id: str, *, limit: int = 100, offset: int = 0) -> Sequence[Project]:
    """The owner's projects, newest first."""
    stmt = (
        select(Project)
        .where(Project.owner_id == owner_id)
        .order_by(Project.created_at.desc(), Project.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return db.scalars(stmt).all()


def latest_jobs(db: Session, owner_id: str, project_ids: Sequence[str]) -> dict[str, Job]:
    """The newest job of each given project, in one query (a window function)."""
    if not project_ids:
        return {}
    rank = (
        func.row_number()
        .over(partition_by=Job.project_id, order_by=(Job.created_at.desc(), Job.id.desc()))
        .label("rank")
    )
    ranked = (
        select(Job.id.label("job_id"), rank).where(Job.owner_id == owner_id, Job.project_id.in_(project_ids)).subquery()
    )
    stmt = select(Job).join(ranked, ranked.c.job_id == Job.id).where(ranked.c.rank == 1)
    return {job.project_id: job for job in db.scalars(stmt)}


def list_jobs(db: Session, owner_id: str, project_id: str) -> Sequence[Job]:
    """The jobs of the owner's project, newest first (404 when the project is not theirs)."""
    get_project(db, owner_id, project_id)
    stmt = (
        select(Job)
        .where(Job.project_id == project_id, Job.owner_id == owner_id)
        .order_by(Job.created_at.desc(), Job.id.desc())
    )
    return db.scalars(stmt).all()


class _Keep(Enum):
    KEEP = "keep"


#: ``update_project(language=KEEP)``: leave the project's language as it is.
KEEP = _Keep.KEEP


@transactional
def update_project(
    db: Session,
    owner_id: str,
    project_id: str,
    settings: Settings,
    *,
    name: str | None = None,
    language: str | _Keep | None = KEEP,
    expected_version: int | None = None,
) -> Project:
    """Rename the owner's project and/or set its transcript language (None: detect), and commit.

    ``name`` None keeps the name; ``language`` is a code :func:`~spaceclip.models.languages.normalize_language`
    returned. The next analysis transcribes in it.

    Raises:
        Conflict: ``expected_version`` is given and the project changed since (reload, then edit).
        ValidationFailed: the name is blank.
        LanguageNotSupported: the server's Whisper model is English-only and ``language`` is another one.
    """
    clean = None if name is None else name.strip()
    if clean == "":
        raise ValidationFailed("The project name cannot be blank. Type a name and save again.")
    project = get_project(db, owner_id, project_id)
    if expected_version is not None and expected_version != project.version:
        raise Conflict(
            "This project was changed meanwhile (for example by its processing job or in another tab). "
            "Reload it and make your change again."
        )
    if isinstance(language, str):
        check_model_language(with_language(settings, language))
    if clean is not None:
        project.name = clean
    if not isinstance(language, _Keep):
        project.language = language
    # The mapper's version_id_col makes this UPDATE conditional on the version read above (at commit).
    return project


def detected_languages(db: Session, project_ids: Sequence[str]) -> dict[str, str]:
    """The language of each given project's stored transcript (projects without one are left out)."""
    if not project_ids:
        return {}
    stmt = select(TranscriptRow.project_id, TranscriptRow.language).where(TranscriptRow.project_id.in_(project_ids))
    rows = db.execute(stmt)
    return {project_id: language for project_id, language in rows if language}


def delete_project(db: Session, owner_id: str, project_id: str, settings: Settings) -> None:
    """Cancel the project's unfinished jobs, delete its rows (jobs cascade) and then its files."""
    project = get_project(db, owner_id, project_id)
    cancelled = db.execute(
        update(Job)
        .where(
            Job.project_id == project.id,
            Job.owner_id == owner_id,
            Job.status.not_in([str(s) for s in TERMINAL_JOB_STATUSES]),
        )
        .values(cancel_requested=True)
    ).rowcount  # type: ignore[attr-defined]
    # Commit the cancel request first so running workers see it and stop their processes.
    db.commit()
    # A Core DELETE (not ``db.delete``): the version check must not turn a delete into a 409 just
    # because a worker updated the project's status meanwhile. Jobs go by ON DELETE CASCADE.
    db.execute(delete(Project).where(Project.id == project.id, Project.owner_id == owner_id))
    db.commit()
    Storage(settings).delete_project_files(project.id)
    log.info("Deleted project %s (%d unfinished jobs asked to cancel)", project.id, cancelled)
