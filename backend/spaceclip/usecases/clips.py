"""Clips: a range of a project to post, snapped to word edges and checked against platform limits.

The time arithmetic (:func:`snap_range`, :func:`check_length`) is pure and tested as tables; the
rest reads and writes ``clips`` rows, always filtered by ``owner_id`` (docs/SECURITY.md, item 14).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from spaceclip.db import transactional
from spaceclip.errors import Conflict, NotFound, ValidationFailed
from spaceclip.models.tables import Clip, Highlight, Project
from spaceclip.models.tables import Segment as SegmentRow
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.edit.cuts import CutList, CutSettings, Range, plan_cuts, validate_ranges
from spaceclip.services.edit.defaults import cuts_for_preset, default_cut_settings
from spaceclip.services.render.audiogram import AUDIOGRAM_STYLES
from spaceclip.services.render.captions import CAPTION_STYLES
from spaceclip.services.render.captions.layout import CAPTION_POSITIONS, CAPTION_SIZES
from spaceclip.services.render.presets import Preset, get_preset
from spaceclip.services.render.spec import MIN_CLIP_S
from spaceclip.services.render.split import LAYOUT_MODES
from spaceclip.services.speech.transcript import Word, format_clock
from spaceclip.usecases.projects import get_project

log = logging.getLogger(__name__)

__all__ = [
    "CUT_FIELDS",
    "DEFAULT_PAD_S",
    "MAX_CLIP_S",
    "ClipCuts",
    "CutChoices",
    "LengthLimits",
    "TimedWord",
    "check_length",
    "clip_cuts",
    "clip_from_highlight",
    "clip_layout",
    "clip_words",
    "create_clip",
    "cut_choices",
    "delete_clip",
    "get_clip",
    "list_clips",
    "list_clips_with_cuts",
    "plan_clip_cuts",
    "platform_limits",
    "short_notice",
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


def check_length(start: float, end: float, preset: LengthLimits | None, *, cut_length: float | None = None) -> None:
    """Refuse a clip too short or too long for ``preset`` (or for any clip, without a preset).

    ``cut_length`` is the clip's length once its cuts are out (None: no cuts): the longest a platform
    takes is checked against it, so cuts can bring a long range under the limit. The shortest is
    checked against the range itself; cuts that leave the clip too short are only noticed
    (:func:`short_notice`), so striking words never locks the creator out of the editor (an export
    that short is refused, ``usecases/exports.py``).

    Raises:
        ValidationFailed: naming the limit and what to do.
    """
    length = end - start
    if length < MIN_CLIP_S:
        raise ValidationFailed(
            f"This clip is {length:.1f} s long; a clip needs at least {_secs(MIN_CLIP_S)}. Move its end later."
        )
    cut = cut_length is not None and cut_length < length - 0.05
    runs = f"After cuts this clip runs {cut_length:.1f} s" if cut else f"This clip is {length:.1f} s long"
    longest = cut_length if cut and cut_length is not None else length
    if preset is None:
        if longest > MAX_CLIP_S:
            raise ValidationFailed(
                f"{runs}; clips can be at most {_secs(MAX_CLIP_S)}. Shorten it, or make several clips."
            )
        return
    if longest > preset.max_duration:
        raise ValidationFailed(
            f"{runs}, but {preset.name} allows at most {_secs(preset.max_duration)}. "
            f"Shorten it to {_secs(preset.max_duration)} or less, or choose another platform."
        )
    if length < preset.min_duration:
        raise ValidationFailed(
            f"This clip is {length:.1f} s long, but {preset.name} needs at least {_secs(preset.min_duration)}. "
            "Make it longer, or choose another platform."
        )


def short_notice(cut_length: float, length: float, preset: LengthLimits | None) -> str | None:
    """What to tell the creator when the clip after cuts is under the platform's minimum; None if it is not.

    ``cut_length`` is the length after cuts, ``length`` the range's own. Pure.
    """
    minimum = max(MIN_CLIP_S, preset.min_duration if preset is not None else 0.0)
    if cut_length >= minimum - 1e-6:
        return None
    # Round the gap up, so that widening by the figure shown is always enough.
    short = math.ceil((minimum - cut_length) * 10 - 1e-6) / 10
    who = f"{preset.name} needs" if preset is not None else "a clip needs"
    runs = (
        f"After cuts this clip runs {cut_length:.1f} s"
        if cut_length < length - 0.05
        else (f"This clip runs {cut_length:.1f} s")
    )
    return f"{runs}; {who} at least {_secs(minimum)}: {short:.1f} s short. Widen it or restore some cuts."


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


def platform_limits(platform: str | None) -> Preset | None:
    """The preset of ``platform`` (None for none); an unknown key raises a UserError listing the valid ones."""
    if not platform:
        return None
    return get_preset(platform)


# --- cuts inside the clip -----------------------------------------------------------------------------

#: The keys of ``changes`` (and of ``options["cuts"]``) that are the clip's cut choices.
CUT_FIELDS = ("remove_fillers", "shorten_pauses", "pause_over_s", "pause_to_s", "removed", "restored")
MAX_PAUSE_S = 60.0


@dataclass(frozen=True, slots=True)
class CutChoices:
    """A clip's cut choices as stored in ``options["cuts"]``.

    ``remove_fillers`` / ``shorten_pauses`` None follow the platform (:func:`default_cut_settings`:
    on for 9:16 and for no platform), so an export resolves them for its own preset. ``base`` holds
    the rest: the pause lengths and the creator's removed and restored ranges (source seconds).
    """

    remove_fillers: bool | None = None
    shorten_pauses: bool | None = None
    base: CutSettings = field(default_factory=CutSettings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "remove_fillers": self.remove_fillers,
            "shorten_pauses": self.shorten_pauses,
            "pause_over_s": self.base.pause_over_s,
            "pause_to_s": self.base.pause_to_s,
            "removed": [[a, b] for a, b in self.base.removed],
            "restored": [[a, b] for a, b in self.base.restored],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CutChoices:
        data = data or {}
        default = CutSettings()

        def flag(key: str) -> bool | None:
            value = data.get(key)
            return None if value is None else bool(value)

        def ranges(key: str) -> tuple[Range, ...]:
            return tuple((float(a), float(b)) for a, b in data.get(key) or ())

        return cls(
            remove_fillers=flag("remove_fillers"),
            shorten_pauses=flag("shorten_pauses"),
            base=CutSettings(
                pause_over_s=float(data.get("pause_over_s", default.pause_over_s)),
                pause_to_s=float(data.get("pause_to_s", default.pause_to_s)),
                removed=ranges("removed"),
                restored=ranges("restored"),
            ),
        )

    def settings_for(self, preset: Preset | None) -> CutSettings:
        """The settings in effect for an export to ``preset`` (None: the clip with no platform)."""
        default = default_cut_settings(preset)
        return replace(
            self.base,
            remove_fillers=default.remove_fillers if self.remove_fillers is None else self.remove_fillers,
            shorten_pauses=default.shorten_pauses if self.shorten_pauses is None else self.shorten_pauses,
        )


def cut_choices(clip: Clip) -> CutChoices:
    """The clip's stored cut choices (none stored: the platform's defaults, nothing struck)."""
    return CutChoices.from_dict((clip.options or {}).get("cuts"))


def plan_clip_cuts(
    start: float, end: float, words: Sequence[Word], choices: CutChoices, preset: Preset | None
) -> CutList:
    """The cuts of ``[start, end]`` for ``preset`` (snapped to its frame rate), or for the clip without one.

    A range with no word in it (no transcript yet) shortens no pause: it would all be one pause.
    """
    spoken = any(w.end > start and w.start < end for w in words)
    settings = choices.settings_for(preset)
    if not spoken:
        settings = replace(settings, shorten_pauses=False)
    if preset is None:
        return plan_cuts(start, end, words, settings)
    return cuts_for_preset(
        start,
        end,
        words,
        preset,
        remove_fillers=settings.remove_fillers,
        shorten_pauses=settings.shorten_pauses,
        settings=settings,
    )


@dataclass(frozen=True)
class ClipCuts:
    """What the editor shows of a clip's cuts: the choices, what is in effect, the cut list, the notice."""

    choices: CutChoices
    settings: CutSettings
    cut_list: CutList
    notice: str | None


def clip_cuts(db: Session, clip: Clip, *, words: Sequence[Word] | None = None) -> ClipCuts:
    """The clip's cuts for its own platform, from the stored transcript (``words``: already loaded)."""
    if words is None:
        words = _words(db, clip.project_id)
    preset = platform_limits((clip.options or {}).get("platform"))
    choices = cut_choices(clip)
    cut_list = plan_clip_cuts(clip.start, clip.end, words, choices, preset)
    return ClipCuts(
        choices=choices,
        settings=choices.settings_for(preset),
        cut_list=cut_list,
        notice=short_notice(cut_list.duration, clip.end - clip.start, preset),
    )


def _check_pauses(over: float, to: float) -> None:
    if not (0 < over <= MAX_PAUSE_S) or not (0 <= to <= MAX_PAUSE_S):
        raise ValidationFailed(
            f"Pause lengths must be between 0 and {_secs(MAX_PAUSE_S)} (got over {over:g} s, to {to:g} s). "
            "Choose, for example, pauses over 0.6 s shortened to 0.3 s."
        )
    if to >= over:
        raise ValidationFailed(
            f"Pauses over {over:g} s cannot be shortened to {to:g} s: the new length must be shorter. "
            f"Choose a length under {over:g} s."
        )


def _check_ranges(name: str, ranges: Sequence[Range], start: float, end: float) -> tuple[Range, ...]:
    cleaned = tuple((round(float(a), 3), round(float(b), 3)) for a, b in ranges)
    problems = validate_ranges(cleaned, start, end)
    if problems:
        raise ValidationFailed(
            f"The {name} ranges are not valid: {'; '.join(problems)}. "
            "Send ranges inside the clip, each starting before it ends, none overlapping."
        )
    return tuple(sorted(cleaned))


def _clamp_ranges(ranges: Sequence[Range], start: float, end: float) -> tuple[Range, ...]:
    """Stored ranges kept to a new clip range (the parts outside it drop)."""
    out = [(max(a, start), min(b, end)) for a, b in ranges]
    return tuple((a, b) for a, b in out if b > a)


def _changed_choices(changes: Mapping[str, Any], stored: CutChoices, start: float, end: float) -> CutChoices:
    """``stored`` with the cut fields of ``changes`` applied and checked against the clip ``[start, end]``."""
    base = stored.base
    sent_over, sent_to = changes.get("pause_over_s"), changes.get("pause_to_s")
    over = base.pause_over_s if sent_over is None else float(sent_over)
    to = base.pause_to_s if sent_to is None else float(sent_to)
    if sent_over is not None or sent_to is not None:
        _check_pauses(over, to)
    removed = (
        _check_ranges("removed", changes["removed"] or (), start, end)
        if "removed" in changes
        else _clamp_ranges(base.removed, start, end)
    )
    restored = (
        _check_ranges("restored", changes["restored"] or (), start, end)
        if "restored" in changes
        else _clamp_ranges(base.restored, start, end)
    )
    return CutChoices(
        remove_fillers=changes.get("remove_fillers", stored.remove_fillers),
        shorten_pauses=changes.get("shorten_pauses", stored.shorten_pauses),
        base=replace(base, pause_over_s=over, pause_to_s=to, removed=removed, restored=restored),
    )


# --- the project's timeline ----------------------------------------------------------------------------


def clip_words(db: Session, clip: Clip) -> list[Word]:
    """The words of the clip's project (what its cuts are planned from)."""
    return _words(db, clip.project_id)


def _words(db: Session, project_id: str) -> list[Word]:
    """The project's stored transcript words, in order (none without a transcript)."""
    rows = db.scalars(select(SegmentRow.words).where(SegmentRow.project_id == project_id).order_by(SegmentRow.idx))
    return [Word.from_dict(w) for segment_words in rows for w in segment_words]


def _timeline(db: Session, project: Project) -> tuple[list[Word], float]:
    """The project's words (for snapping) and its duration."""
    meta = db.get(TranscriptRow, project.id)
    words: list[Word] = _words(db, project.id) if meta is not None else []
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


def list_clips_with_cuts(db: Session, owner_id: str, project_id: str) -> list[tuple[Clip, ClipCuts]]:
    """:func:`list_clips`, each with its cuts (the transcript read once)."""
    found = list_clips(db, owner_id, project_id)
    words = _words(db, project_id) if found else []
    return [(clip, clip_cuts(db, clip, words=words)) for clip in found]


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
    remove_fillers: bool | None = None,
    shorten_pauses: bool | None = None,
) -> Clip:
    """Add a clip of ``[start, end]`` (snapped to words) to the owner's project; flushed, not committed.

    ``remove_fillers`` / ``shorten_pauses`` None follow the platform (on for 9:16 and for none).

    Raises:
        NotFound: the project is not the owner's.
        ValidationFailed: bad range, a length the platform refuses, an unknown style or platform.
    """
    project = get_project(db, owner_id, project_id)
    preset = platform_limits(platform)
    words, duration = _timeline(db, project)
    snapped_start, snapped_end = snap_range(words, start, end, duration=duration)
    choices = CutChoices(remove_fillers=remove_fillers, shorten_pauses=shorten_pauses)
    cut_list = plan_clip_cuts(snapped_start, snapped_end, words, choices, preset)
    check_length(snapped_start, snapped_end, preset, cut_length=cut_list.duration)
    options: dict[str, Any] = {"cuts": choices.to_dict()}
    if preset is not None:
        options["platform"] = preset.key
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
        options=options,
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


#: The clip's look choices (``options["look"]``) and their defaults: speaker badges on audiograms,
#: caption emphasis and emoji, caption size and position.
LOOK_DEFAULTS: dict[str, Any] = {
    "speaker_badges": False,
    "emphasis": False,
    "emoji": False,
    "caption_size": "medium",
    "caption_position": "auto",
}
_LOOK_CHOICES = {"caption_size": CAPTION_SIZES, "caption_position": CAPTION_POSITIONS}


def clip_look(clip: Clip) -> dict[str, Any]:
    """The clip's look choices, defaults where it has none (a value no longer valid reads as the default)."""
    stored = (clip.options or {}).get("look") or {}
    look = dict(LOOK_DEFAULTS)
    for key, default in LOOK_DEFAULTS.items():
        value = stored.get(key, default)
        if key in _LOOK_CHOICES:
            look[key] = value if value in _LOOK_CHOICES[key] else default
        else:
            look[key] = bool(value)
    return look


def _changed_look(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    look = dict(current)
    for key in LOOK_DEFAULTS:
        value = changes.get(key)
        if value is None:
            continue
        if key in _LOOK_CHOICES and value not in _LOOK_CHOICES[key]:
            raise ValidationFailed(
                f"Unknown {key.replace('_', ' ')} {value!r}. Pick one of: {', '.join(_LOOK_CHOICES[key])}."
            )
        look[key] = value if key in _LOOK_CHOICES else bool(value)
    return look


def clip_layout(clip: Clip) -> str:
    """The clip's layout choice for tall exports (``auto`` unless the creator picked one)."""
    value = (clip.options or {}).get("layout")
    return value if value in LAYOUT_MODES else "auto"


def _check_layout(value: str) -> str:
    if value not in LAYOUT_MODES:
        raise ValidationFailed(f"Unknown layout {value!r}. Pick one of: {', '.join(LAYOUT_MODES)}.")
    return value


@transactional
def update_clip(db: Session, owner_id: str, clip_id: str, changes: dict[str, Any], *, expected_version: int) -> Clip:
    """Apply ``changes`` (start, end, title, caption_style, audiogram_style, speaker_colors, platform,
    the cut fields :data:`CUT_FIELDS`, ``layout``: auto, single or split, and the look choices
    :data:`LOOK_DEFAULTS`).

    A new range, platform or cut choice is checked against the clip's platform again, with the length
    after cuts. Stored removed and restored ranges are kept to a new range; sent ones must lie inside it.

    Raises:
        Conflict: ``expected_version`` is not the clip's version (changed meanwhile).
        ValidationFailed: as for :func:`create_clip`; ranges overlapping, reversed or outside the clip;
            pause lengths out of bounds or not shortening.
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
    moved = (start, end) != (clip.start, clip.end)
    cuts_changed = any(key in changes for key in CUT_FIELDS)
    if moved or "platform" in changes or cuts_changed:
        words, duration = _timeline(db, get_project(db, owner_id, clip.project_id))
        if moved:
            start, end = snap_range(words, start, end, duration=duration)
        choices = _changed_choices(changes, cut_choices(clip), start, end)
        cut_list = plan_clip_cuts(start, end, words, choices, preset)
        check_length(start, end, preset, cut_length=cut_list.duration)
        clip.start, clip.end = start, end
        options["cuts"] = choices.to_dict()
    if changes.get("title") is not None:
        clip.title = _clean_title(changes["title"]) or clip.title
    if changes.get("caption_style") is not None:
        clip.caption_style = _check_caption_style(changes["caption_style"])
    if "audiogram_style" in changes:
        clip.audiogram_style = _check_audiogram_style(changes["audiogram_style"])
    if changes.get("speaker_colors") is not None:
        clip.speaker_colors = bool(changes["speaker_colors"])
    if changes.get("layout") is not None:
        options["layout"] = _check_layout(changes["layout"])
    if any(changes.get(key) is not None for key in LOOK_DEFAULTS):
        options["look"] = _changed_look(clip_look(clip), changes)
    clip.options = options
    db.flush()
    return clip


@transactional
def delete_clip(db: Session, owner_id: str, clip_id: str) -> None:
    """Delete the owner's clip (its exports go with it)."""
    clip = get_clip(db, owner_id, clip_id)
    db.execute(delete(Clip).where(Clip.id == clip.id, Clip.owner_id == owner_id))
    db.flush()
