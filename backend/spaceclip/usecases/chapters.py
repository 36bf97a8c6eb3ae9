"""A project's chapters: planned by a ``chapters`` job from the topics, stored, edited, exported.

:func:`start_plan` queues the job (refusing to overwrite the creator's edits unless told to);
:func:`store_planned` keeps its result in the transaction that ends the job; :func:`chapter_state`
is what the page shows; :func:`edit_chapters` renames, moves (to a sentence start) or merges, on
the list's version (409 when stale); :func:`chapters_of` gives them to the exports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import Conflict, ValidationFailed
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, ChapterList, Job, Project
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.edit import chapter_formats
from spaceclip.services.edit.chapters import Chapter
from spaceclip.services.highlights import lexicon
from spaceclip.services.highlights.sentences import SplitOptions, split_sentences
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases.jobs import create_job
from spaceclip.usecases.transcripts import load_transcript

__all__ = [
    "CHAPTERS_JOB",
    "ChapterState",
    "chapter_state",
    "chapters_of",
    "edit_chapters",
    "plan_inputs",
    "start_plan",
    "store_planned",
]

CHAPTERS_JOB = "chapters"
NO_TRANSCRIPT = "This project has no transcript yet. Wait for its analysis to finish (or start it), then plan chapters."
NO_CHAPTERS = "This project has no chapters yet. Plan them first (the Chapters panel, or POST .../chapters/plan)."
STALE = "These chapters were changed elsewhere since you loaded them. Reload the page and make your change again."


def chapters_of(row: ChapterList | None) -> list[Chapter]:
    """The stored chapters as :class:`Chapter` (empty without a list)."""
    if row is None:
        return []
    return [Chapter(float(c["start"]), float(c["end"]), str(c.get("title", ""))) for c in row.chapters]


def _as_json(chapters: Sequence[Chapter]) -> list[dict[str, Any]]:
    return [{"start": round(c.start, 3), "end": round(c.end, 3), "title": c.title} for c in chapters]


def _active(db: Session, project_id: str) -> Job | None:
    return db.scalars(
        select(Job).where(
            Job.project_id == project_id,
            Job.kind.in_(["analyze", CHAPTERS_JOB]),
            Job.status.not_in(list(TERMINAL_JOB_STATUSES)),
        )
    ).first()


@transactional
def start_plan(db: Session, project: Project, settings: Settings, params: Mapping[str, Any]) -> Job:
    """Queue a ``chapters`` job (commit, then enqueue the returned job).

    Raises:
        Conflict: no transcript, an analysis or planning still running, or chapters the creator
            edited and ``replace`` not set.
    """
    if db.get(TranscriptRow, project.id) is None:
        raise Conflict(NO_TRANSCRIPT)
    active = _active(db, project.id)
    if active is not None:
        raise Conflict(f"This project already has a {active.kind} job {active.status}. Wait for it to finish first.")
    row = db.get(ChapterList, project.id)
    if row is not None and row.edited and not params.get("replace"):
        raise Conflict(
            "You have edited these chapters; planning them again would replace your edits. "
            'Send {"replace": true} (or choose "Plan again" and confirm) to do it anyway.'
        )
    return create_job(db, project, CHAPTERS_JOB, settings, params={"use_llm": bool(params.get("use_llm", True))})


@transactional
def plan_inputs(db: Session, project_id: str) -> Transcript | None:
    """The transcript a ``chapters`` job plans from; None when the project was deleted."""
    if db.get(Project, project_id) is None:
        return None
    return load_transcript(db, project_id, display_names=False)


@transactional
def store_planned(db: Session, project_id: str, chapters: Sequence[Chapter], note: str | None) -> bool:
    """Keep a ``chapters`` job's plan (in the transaction that ends it); False for a deleted project."""
    if db.get(Project, project_id) is None:
        return False
    row = db.get(ChapterList, project_id)
    if row is None:
        row = ChapterList(project_id=project_id)
        db.add(row)
    row.chapters = _as_json(chapters)
    row.edited = False
    row.llm_note = note
    return True


@dataclass(frozen=True)
class ChapterState:
    """The stored list (None: never planned) and the latest ``chapters`` job (None: none)."""

    row: ChapterList | None
    job: Job | None


def chapter_state(db: Session, project: Project) -> ChapterState:
    """What the Chapters panel shows."""
    job = db.scalars(
        select(Job).where(Job.project_id == project.id, Job.kind == CHAPTERS_JOB).order_by(Job.created_at.desc())
    ).first()
    return ChapterState(row=db.get(ChapterList, project.id), job=job)


def _sentence_starts(db: Session, project_id: str) -> list[float]:
    transcript = load_transcript(db, project_id, display_names=False)
    options = SplitOptions(comma_splices=lexicon.covers(transcript.language))
    return [s.start for s in split_sentences(list(transcript.words), options)]


@transactional
def edit_chapters(db: Session, project: Project, change: Mapping[str, Any]) -> ChapterList:
    """Apply one edit (``op``: rename | move | merge, on chapter ``index``) to the stored list.

    Raises:
        NotFound-like Conflict: no chapters yet. Conflict: a stale ``version``.
        ValidationFailed: an edit that would break the list, saying what to do instead.
    """
    row = db.get(ChapterList, project.id)
    if row is None:
        raise Conflict(NO_CHAPTERS)
    if int(change["version"]) != row.version:
        raise Conflict(STALE)
    chapters = chapters_of(row)
    op, index = str(change["op"]), int(change["index"])
    if op == "rename":
        out = chapter_formats.rename(chapters, index, str(change.get("title") or ""))
    elif op == "move":
        if change.get("to") is None:
            raise ValidationFailed("Say where the chapter should start: send 'to' in seconds.")
        out = chapter_formats.move(chapters, index, float(change["to"]), _sentence_starts(db, project.id))
    elif op == "merge":
        out = chapter_formats.merge(chapters, index)
    else:
        raise ValidationFailed(f"Unknown chapter edit {op!r}. Use rename, move or merge.")
    row.chapters = _as_json(out)
    row.edited = True
    db.flush()
    return row
