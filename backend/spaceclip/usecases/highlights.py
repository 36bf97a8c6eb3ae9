"""Highlights in the database: store a run's result, list them with speaker names, keep feedback.

Rows are grouped in batches: ``"analyze"`` (found at the end of the analysis, replaced when the
project is analysed again) and one batch per "find more" job (its job id), appended after the
others. ``rank`` runs over the whole project, so the list reads best-first per batch, oldest batch
first. Speakers are stored by label and shown by the creator's names at read time, so renaming a
speaker renames it in every highlight.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import Conflict, NotFound, ValidationFailed
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, Job, Project
from spaceclip.models.tables import Highlight as HighlightRow
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.highlights.types import Highlight, HighlightOptions, HighlightResult
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases.clips import LengthLimits
from spaceclip.usecases.jobs import create_job
from spaceclip.usecases.transcripts import load_transcript, speaker_names

log = logging.getLogger(__name__)

__all__ = [
    "ANALYZE_BATCH",
    "DUPLICATE_OVERLAP",
    "HIGHLIGHTS_JOB",
    "FindMoreInputs",
    "append_highlights",
    "drop_duplicates",
    "find_more_inputs",
    "get_highlight",
    "highlight_dict",
    "latest_llm_note",
    "list_highlights",
    "options_from_params",
    "overlap_share",
    "replace_analyze_highlights",
    "set_feedback",
    "speaker_names",
    "start_find_highlights",
    "store_found_highlights",
]

ANALYZE_BATCH = "analyze"
HIGHLIGHTS_JOB = "highlights"
FIND_PARAMS = ("start", "end", "min_length", "max_length", "max_count", "platform")
DUPLICATE_OVERLAP = 0.3  # of the shorter of two highlights: more than this is the same moment
NOT_FOUND_MESSAGE = "This highlight does not exist or was replaced by a new analysis. Reload the highlights."


def overlap_share(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    """How much two ranges overlap, as a share (0..1) of the shorter one."""
    shorter = min(a_end - a_start, b_end - b_start)
    if shorter <= 0:
        return 0.0
    return max(0.0, min(a_end, b_end) - max(a_start, b_start)) / shorter


def drop_duplicates(
    found: Sequence[Highlight],
    existing: Iterable[tuple[float, float]],
    *,
    max_overlap: float = DUPLICATE_OVERLAP,
    texts: Sequence[str] = (),
) -> list[Highlight]:
    """``found`` without the highlights that overlap an ``existing`` range by more than ``max_overlap``,
    or that say what one of the existing highlights' ``texts`` says (a segment that comes back later
    in the episode, word for word or nearly: :func:`.coverage.near_duplicate_text`)."""
    from spaceclip.services.highlights.coverage import near_duplicate_text

    ranges = list(existing)
    return [
        h
        for h in found
        if all(overlap_share(h.start, h.end, s, e) <= max_overlap for s, e in ranges)
        and not any(near_duplicate_text(h.text, t) for t in texts if t)
    ]


def _row(project_id: str, batch: str, rank: int, h: Highlight, note: str | None, feedback: int = 0) -> HighlightRow:
    return HighlightRow(
        project_id=project_id,
        batch=batch,
        rank=rank,
        start=round(h.start, 3),
        end=round(h.end, 3),
        score=round(h.score, 2),
        title=h.title[:300],
        hook=h.hook,
        description=h.description,
        reason=h.reason,
        key_sentence=h.key_sentence,
        text=h.text,
        hashtags=list(h.hashtags),
        speakers=list(h.speakers),
        features={k: (round(v, 4) if isinstance(v, float) else v) for k, v in h.features.items()},
        source=h.source,
        llm_note=h.llm_note or note,
        feedback=feedback,
    )


def _range_key(start: float, end: float) -> tuple[float, float]:
    return round(start, 1), round(end, 1)


def replace_analyze_highlights(db: Session, project_id: str, result: HighlightResult) -> list[HighlightRow]:
    """Replace the project's ``analyze`` batch with ``result`` (flushed, not committed).

    A creator's thumbs up/down survives when the new analysis finds the same range again. Later
    "find more" batches are kept and renumbered after the new ones.
    """
    old = db.scalars(
        select(HighlightRow).where(HighlightRow.project_id == project_id, HighlightRow.batch == ANALYZE_BATCH)
    ).all()
    feedback = {_range_key(r.start, r.end): r.feedback for r in old if r.feedback}
    db.execute(delete(HighlightRow).where(HighlightRow.project_id == project_id, HighlightRow.batch == ANALYZE_BATCH))
    rows = [
        _row(project_id, ANALYZE_BATCH, rank, h, result.llm_note, feedback.get(_range_key(h.start, h.end), 0))
        for rank, h in enumerate(result.highlights, start=1)
    ]
    db.add_all(rows)
    others = db.scalars(
        select(HighlightRow)
        .where(HighlightRow.project_id == project_id, HighlightRow.batch != ANALYZE_BATCH)
        .order_by(HighlightRow.rank, HighlightRow.created_at)
    ).all()
    for rank, row in enumerate(others, start=len(rows) + 1):
        row.rank = rank
    db.flush()
    return rows


def append_highlights(
    db: Session, project_id: str, highlights: Sequence[Highlight], *, batch: str, note: str | None
) -> list[HighlightRow]:
    """Add ``highlights`` as a new batch ranked after the existing ones (flushed, not committed)."""
    db.execute(delete(HighlightRow).where(HighlightRow.project_id == project_id, HighlightRow.batch == batch))
    top = db.scalar(select(func.max(HighlightRow.rank)).where(HighlightRow.project_id == project_id)) or 0
    rows = [_row(project_id, batch, top + i, h, note) for i, h in enumerate(highlights, start=1)]
    db.add_all(rows)
    db.flush()
    return rows


def list_highlights(db: Session, project_id: str) -> list[HighlightRow]:
    """The project's highlights, by rank (best first within each batch, oldest batch first)."""
    stmt = (
        select(HighlightRow)
        .where(HighlightRow.project_id == project_id)
        .order_by(HighlightRow.rank, HighlightRow.created_at, HighlightRow.id)
    )
    return list(db.scalars(stmt))


def latest_llm_note(rows: Sequence[HighlightRow]) -> str | None:
    """The "LLM unavailable: …" note of the newest batch, if it had one."""
    if not rows:
        return None
    newest = max(rows, key=lambda r: (r.created_at, r.rank))
    return next((r.llm_note for r in rows if r.batch == newest.batch and r.llm_note), None)


def get_highlight(db: Session, owner_id: str, highlight_id: str) -> HighlightRow:
    """The highlight if its project is ``owner_id``'s; NotFound otherwise (also for other users)."""
    row = db.scalars(
        select(HighlightRow)
        .join(Project, Project.id == HighlightRow.project_id)
        .where(HighlightRow.id == highlight_id, Project.owner_id == owner_id)
    ).first()
    if row is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return row


@transactional
def set_feedback(db: Session, owner_id: str, highlight_id: str, value: int) -> HighlightRow:
    """Store the owner's thumbs for a highlight: -1 (down), 0 (none) or 1 (up)."""
    if value not in (-1, 0, 1):
        raise ValidationFailed("Feedback is -1 (thumbs down), 0 (none) or 1 (thumbs up).")
    row = get_highlight(db, owner_id, highlight_id)
    row.feedback = value
    db.flush()
    return row


def highlight_dict(h: Highlight, rank: int, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A JSON-ready form of a found highlight (for the CLI's ``--json`` and ``highlights.json``)."""
    names = names or {}
    return {
        "rank": rank,
        "start": round(h.start, 3),
        "end": round(h.end, 3),
        "duration": round(h.end - h.start, 3),
        "score": round(h.score, 2),
        "title": h.title,
        "hook": h.hook,
        "description": h.description,
        "reason": h.reason,
        "key_sentence": h.key_sentence,
        "text": h.text,
        "hashtags": list(h.hashtags),
        "speakers": [names.get(s, s) for s in h.speakers],
        "features": dict(h.features),
        "source": h.source,
        "llm_note": h.llm_note,
    }


def options_from_params(params: Mapping[str, Any], preset: LengthLimits | None) -> HighlightOptions:
    """The options of a "find more" request; a platform caps the longest highlight at its limit.

    Raises:
        ValidationFailed: the lengths cannot fit (minimum above the platform's maximum, or inverted).
    """
    defaults = HighlightOptions()
    min_length = float(params.get("min_length") or defaults.min_length)
    if params.get("max_length") is not None:
        max_length = float(params["max_length"])
    else:  # a long minimum without a maximum raises the default maximum with it
        max_length = max(defaults.max_length, min_length)
    if preset is not None and max_length > preset.max_duration:
        max_length = float(preset.max_duration)
        if params.get("min_length") is None:
            min_length = min(min_length, max_length)
        if min_length > max_length:
            raise ValidationFailed(
                f"The shortest highlight you asked for ({min_length:g} s) is longer than {preset.name} allows "
                f"(at most {max_length:g} s). Ask for a shorter minimum length, or choose another platform."
            )
    if min_length > max_length:
        raise ValidationFailed(
            f"The shortest highlight you asked for ({min_length:g} s) is longer than the longest "
            f"({max_length:g} s). Ask for a shorter minimum or a longer maximum."
        )
    return HighlightOptions(
        min_length=min_length,
        max_length=max_length,
        max_count=int(params.get("max_count") or defaults.max_count),
        start=params.get("start"),
        end=params.get("end"),
    )


@transactional
def start_find_highlights(db: Session, project: Project, settings: Settings, params: Mapping[str, Any]) -> Job:
    """Queue a ``highlights`` job that appends a new batch (commit, then enqueue the returned job).

    Raises:
        Conflict: no transcript yet, or an analysis or highlight search is already running.
        ValidationFailed: unknown platform, or lengths that cannot fit.
    """
    from spaceclip.usecases.clips import platform_limits

    options_from_params(params, platform_limits(params.get("platform")))
    if db.get(TranscriptRow, project.id) is None:
        raise Conflict(
            "This project has no transcript yet. Wait for its analysis to finish (or start it), "
            "then look for highlights."
        )
    active = db.scalars(
        select(Job).where(
            Job.project_id == project.id,
            Job.kind.in_(["analyze", HIGHLIGHTS_JOB]),
            Job.status.not_in(list(TERMINAL_JOB_STATUSES)),
        )
    ).first()
    if active is not None:
        raise Conflict(f"This project already has a {active.kind} job {active.status}. Wait for it to finish first.")
    clean = {k: params[k] for k in FIND_PARAMS if params.get(k) is not None}
    return create_job(db, project, HIGHLIGHTS_JOB, settings, params=clean)


@dataclass(frozen=True)
class FindMoreInputs:
    """What a "find more" job ranks: the transcript, and the spans of the highlights already found."""

    transcript: Transcript
    existing: list[tuple[float, float]]
    texts: list[str] = field(default_factory=list)  # what the existing highlights say


@transactional
def find_more_inputs(db: Session, project_id: str, batch: str) -> FindMoreInputs | None:
    """The transcript and the other batches' spans (``batch`` is left out: a rerun replaces it);
    None when the project was deleted."""
    if db.get(Project, project_id) is None:
        return None
    transcript = load_transcript(db, project_id, display_names=False)
    rows = [r for r in list_highlights(db, project_id) if r.batch != batch]
    return FindMoreInputs(
        transcript=transcript, existing=[(r.start, r.end) for r in rows], texts=[r.text for r in rows]
    )


@transactional
def store_found_highlights(
    db: Session, project_id: str, highlights: Sequence[Highlight], *, batch: str, note: str | None
) -> None:
    """Store a "find more" job's batch in the transaction that marks it succeeded (nothing for a
    deleted project)."""
    if db.get(Project, project_id) is not None:
        append_highlights(db, project_id, highlights, batch=batch, note=note)
