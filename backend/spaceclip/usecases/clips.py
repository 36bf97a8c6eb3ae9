"""Clips: a range of a project to post, snapped to word edges and checked against platform limits.

The time arithmetic (:func:`snap_range`, :func:`check_length`) is pure and tested as tables; the
rest reads and writes ``clips`` rows, always filtered by ``owner_id`` (docs/SECURITY.md, item 14).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from spaceclip.db import transactional
from spaceclip.errors import Conflict, NotFound, ValidationFailed
from spaceclip.models.tables import Clip, Highlight, Project
from spaceclip.models.tables import Segment as SegmentRow
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.render.audiogram import AUDIOGRAM_STYLES
from spaceclip.services.render.captions import CAPTION_STYLES
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.spec import MIN_CLIP_S
from spaceclip.services.speech.transcript import Word, format_clock
from spaceclip.usecases.projects import get_project

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_PAD_S",
    "MAX_CLIP_S",
    "LengthLimits",
    "TimedWord",
    "check_length",
    "clip_from_highlight",
    "create_clip",
    "delete_clip",
    "get_clip",
    "list_clips",
    "platform_limits",
    "snap_range",
    "update_clip",
]

DEFAULT_PAD_S = 0.15
MAX_CLIP_S = 15 * 60.0  # without a platform: a sanity bound, no platform takes longer clips
NOT_FOUND_MESSAGE = "This clip does not exist or was deleted. Go back to the project to see its clips."


class LengthLimits(Protocol):
    """What :func:`check_length` needs of a platform preset (``presets.Preset`` has it)."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def min_duration(self) -> float: ...

    @property
    def max_duration(self) -> float: ...


class TimedWord(Protocol):
    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


def _secs(value: float) -> str:
    return f"{value:.0f} s" if abs(value - round(value)) < 0.05 else f"{value:.1f} s"


def snap_range(
    words: Sequence[TimedWord], start: float, end: float, *, pad: float = DEFAULT_PAD_S, duration: float
) -> tuple[float, float]:
    """``[start, end]`` moved to word edges, with a small pad of silence, never cutting a word.

    The start moves to the start of the word at ``start`` (the one it falls inside) or else the first
    word after it, minus ``pad`` but not into the previous word; the end moves to the end of the word
    at or before ``end``, plus ``pad`` but not into the next word. Both are clamped to
    ``[0, duration]``. A range that touches no word is only clamped. Snapping twice changes nothing.

    Raises:
        ValidationFailed: the range is empty or inverted once clamped to the media.
    """
    lo = min(max(start, 0.0), duration)
    hi = min(max(end, 0.0), duration)
    if hi <= lo:
        raise ValidationFailed(
            f"The clip range {start:.2f} to {end:.2f} s is empty or outside the media ({duration:.2f} s long). "
            "Choose a start before the end."
        )
    ordered = sorted(words, key=lambda w: (w.start, w.end))
    touched = [i for i, w in enumerate(ordered) if w.end > lo and w.start < hi]
    if not touched:
        return round(lo, 3), round(hi, 3)
    first, last = ordered[touched[0]], ordered[touched[-1]]
    floor = 0.0
    if touched[0] > 0:
        floor = min(ordered[touched[0] - 1].end, first.start)
    ceiling = duration
    if touched[-1] + 1 < len(ordered):
        ceiling = max(ordered[touched[-1] + 1].start, last.end)
    new_start = max(first.start - pad, floor, 0.0)
    new_end = min(last.end + pad, ceiling, duration)
    return round(new_start, 3), round(new_end, 3)


def check_length(start: float, end: float, preset: LengthLimits | None) -> None:
    """Refuse a clip too short or too long for ``preset`` (or for any clip, without a preset).

    Raises:
        ValidationFailed: naming the limit and what to do.
    """
    length = end - start
    if length < MIN_CLIP_S:
        raise ValidationFailed(
            f"This clip is {length:.1f} s long; a clip needs at least {_secs(MIN_CLIP_S)}. Move its end later."
        )
    if preset is None:
        if length > MAX_CLIP_S:
            raise ValidationFailed(
                f"This clip is {_secs(length)} long; clips can be at most {_secs(MAX_CLIP_S)}. "
                "Shorten it, or make several clips."
            )
        return
    if length > preset.max_duration:
        raise ValidationFailed(
            f"This clip is {length:.1f} s long, but {preset.name} allows at most {_secs(preset.max_duration)}. "
            f"Shorten it to {_secs(preset.max_duration)} or less, or choose another platform."
        )
    if length < preset.min_duration:
        raise ValidationFailed(
            f"This clip is {length:.1f} s long, but {preset.name} needs at least {_secs(preset.min_duration)}. "
            "Make it longer, or choose another platform."
        )


# --- styles ------------------------------------------------------------------------------------------


def _check_caption_style(name: str) -> str:
    if name not in CAPTION_STYLES:
        raise ValidationFailed(f"Unknown caption style {name!r}. Choose one of: {', '.join(sorted(CAPTION_STYLES))}.")
    return name


def _check_audiogram_style(name: str | None) -> str | None:
    if name is None or name == "":
        return None
    if name not in AUDIOGRAM_STYLES:
        raise ValidationFailed(
            f"Unknown audiogram style {name!r}. Choose one of: {', '.join(sorted(AUDIOGRAM_STYLES))}, or none."
        )
    return name


def platform_limits(platform: str | None) -> LengthLimits | None:
    """The preset of ``platform`` (None for none); an unknown key raises a UserError listing the valid ones."""
    if not platform:
        return None
    return get_preset(platform)


# --- the project's timeline ----------------------------------------------------------------------------


def _timeline(db: Session, project: Project) -> tuple[list[Word], float]:
    """The project's words (for snapping) and its duration."""
    meta = db.get(TranscriptRow, project.id)
    words: list[Word] = []
    if meta is not None:
        rows = db.scalars(select(SegmentRow.words).where(SegmentRow.project_id == project.id).order_by(SegmentRow.idx))
        words = [Word.from_dict(w) for segment_words in rows for w in segment_words]
    duration = float((project.media_info or {}).get("duration_s") or 0.0)
    if meta is not None and meta.duration > 0:
        duration = max(duration, meta.duration) if duration else meta.duration
    if duration <= 0:
        raise Conflict("This project's media has not been checked yet. Wait until it is ready, then make clips.")
    return words, duration


# --- rows -----------------------------------------------------------------------------------------------


def get_clip(db: Session, owner_id: str, clip_id: str) -> Clip:
    """The owner's clip; another user's or a missing id raises :class:`NotFound` alike."""
    clip = db.scalars(select(Clip).where(Clip.id == clip_id, Clip.owner_id == owner_id)).first()
    if clip is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return clip


def list_clips(db: Session, owner_id: str, project_id: str) -> list[Clip]:
    """The clips of the owner's project, in the order they were made (404 when not theirs)."""
    get_project(db, owner_id, project_id)
    stmt = (
        select(Clip).where(Clip.project_id == project_id, Clip.owner_id == owner_id).order_by(Clip.created_at, Clip.id)
    )
    return list(db.scalars(stmt))


def _clean_title(title: str | None) -> str | None:
    if title is None:
        return None
    cleaned = " ".join(title.split())
    if len(cleaned) > 300:
        raise ValidationFailed("A clip title can have at most 300 characters.")
    return cleaned


@transactional
def create_clip(
    db: Session,
    owner_id: str,
    project_id: str,
    *,
    start: float,
    end: float,
    title: str | None = None,
    caption_style: str | None = None,
    audiogram_style: str | None = None,
    speaker_colors: bool | None = None,
    platform: str | None = None,
    highlight: Highlight | None = None,
) -> Clip:
    """Add a clip of ``[start, end]`` (snapped to words) to the owner's project; flushed, not committed.

    Raises:
        NotFound: the project is not the owner's.
        ValidationFailed: bad range, a length the platform refuses, an unknown style or platform.
    """
    project = get_project(db, owner_id, project_id)
    preset = platform_limits(platform)
    words, duration = _timeline(db, project)
    snapped_start, snapped_end = snap_range(words, start, end, duration=duration)
    check_length(snapped_start, snapped_end, preset)
    default_title = highlight.title if highlight is not None and highlight.title else None
    clip = Clip(
        project_id=project.id,
        owner_id=owner_id,
        highlight_id=highlight.id if highlight is not None else None,
        title=_clean_title(title)
        or default_title
        or f"Clip {format_clock(snapped_start)} to {format_clock(snapped_end)}",
        start=snapped_start,
        end=snapped_end,
        caption_style=_check_caption_style(caption_style or "karaoke"),
        audiogram_style=_check_audiogram_style(audiogram_style),
        speaker_colors=True if speaker_colors is None else speaker_colors,
        options={"platform": preset.key} if preset is not None else {},
    )
    db.add(clip)
    db.flush()
    log.info("Clip %s: %.2f-%.2f s of project %s", clip.id, clip.start, clip.end, project.id)
    return clip


@transactional
def clip_from_highlight(db: Session, owner_id: str, highlight: Highlight, *, platform: str | None = None) -> Clip:
    """A clip of ``highlight``'s range, titled after it (the highlight must be the owner's)."""
    return create_clip(
        db,
        owner_id,
        highlight.project_id,
        start=highlight.start,
        end=highlight.end,
        platform=platform,
        highlight=highlight,
    )


@transactional
def update_clip(db: Session, owner_id: str, clip_id: str, changes: dict[str, Any], *, expected_version: int) -> Clip:
    """Apply ``changes`` (start, end, title, caption_style, audiogram_style, speaker_colors, platform).

    A new range is snapped and checked against the clip's platform again.

    Raises:
        Conflict: ``expected_version`` is not the clip's version (changed meanwhile).
        ValidationFailed: as for :func:`create_clip`.
    """
    clip = get_clip(db, owner_id, clip_id)
    if expected_version != clip.version:
        raise Conflict("This clip was changed meanwhile (in another tab?). Reload it and make your change again.")
    options = dict(clip.options or {})
    if "platform" in changes:
        preset = platform_limits(changes["platform"])
        options.pop("platform", None)
        if preset is not None:
            options["platform"] = preset.key
    else:
        preset = platform_limits(options.get("platform"))
    start, end = changes.get("start", clip.start), changes.get("end", clip.end)
    if start is None or end is None:
        raise ValidationFailed("A clip needs a start and an end.")
    if (start, end) != (clip.start, clip.end) or "platform" in changes:
        words, duration = _timeline(db, get_project(db, owner_id, clip.project_id))
        start, end = snap_range(words, start, end, duration=duration)
        check_length(start, end, preset)
        clip.start, clip.end = start, end
    if changes.get("title") is not None:
        clip.title = _clean_title(changes["title"]) or clip.title
    if changes.get("caption_style") is not None:
        clip.caption_style = _check_caption_style(changes["caption_style"])
    if "audiogram_style" in changes:
        clip.audiogram_style = _check_audiogram_style(changes["audiogram_style"])
    if changes.get("speaker_colors") is not None:
        clip.speaker_colors = bool(changes["speaker_colors"])
    clip.options = options
    db.flush()
    return clip


@transactional
def delete_clip(db: Session, owner_id: str, clip_id: str) -> None:
    """Delete the owner's clip (its exports go with it)."""
    clip = get_clip(db, owner_id, clip_id)
    db.execute(delete(Clip).where(Clip.id == clip.id, Clip.owner_id == owner_id))
    db.flush()
