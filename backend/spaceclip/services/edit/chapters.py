"""Chapters of a recording, kept in sync when a clean-up cuts it.

:func:`read_chapters` reads a file's chapters with ffprobe (MP4 chapter atoms, Matroska chapters,
MP3 CHAP frames: whatever ffmpeg's demuxer exposes); :func:`retime_chapters` moves each one through a
:class:`~spaceclip.services.edit.cuts.CutList` (a chapter that starts inside a cut starts where the
cut was, one left with no length is dropped); :func:`ffmetadata` writes them in ffmpeg's metadata
format, which the muxer turns back into chapters. All but the first are pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spaceclip.services.edit.cuts import CutList
from spaceclip.services.media.probe import ffprobe_json

__all__ = ["MIN_CHAPTER_S", "Chapter", "ffmetadata", "parse_chapters", "read_chapters", "retime_chapters"]

#: A chapter shorter than this once the cuts are out is folded into the one before it.
MIN_CHAPTER_S = 1.0


@dataclass(frozen=True, slots=True)
class Chapter:
    start: float
    end: float
    title: str


def parse_chapters(data: dict[str, object]) -> list[Chapter]:
    """Chapters from ffprobe's ``-show_chapters`` JSON, in order; malformed entries are skipped."""
    out: list[Chapter] = []
    raw = data.get("chapters")
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        try:
            start, end = float(item["start_time"]), float(item["end_time"])
        except (KeyError, TypeError, ValueError):
            continue
        tags = item.get("tags") if isinstance(item.get("tags"), dict) else {}
        title = str(tags.get("title", "")) if isinstance(tags, dict) else ""
        if end > start:
            out.append(Chapter(start, end, title))
    return sorted(out, key=lambda c: c.start)


def read_chapters(path: Path, *, timeout_s: float) -> list[Chapter]:
    """The chapters of ``path`` (empty when it has none)."""
    return parse_chapters(ffprobe_json(path, "-show_chapters", timeout_s=timeout_s))


def retime_chapters(chapters: Sequence[Chapter], cuts: CutList) -> list[Chapter]:
    """``chapters`` in the time of the cut recording. Pure.

    Each start moves through the cut list; each end is the next chapter's start (the last ends with
    the recording). A chapter left shorter than :data:`MIN_CHAPTER_S` (it was mostly cut) is dropped
    and its time goes to the chapter before it; when the first is dropped, the next one starts where
    it did.
    """
    starts = [(cuts.to_output(c.start), c.title) for c in chapters if c.end > cuts.start and c.start < cuts.end]
    total = cuts.duration
    kept: list[tuple[float, str]] = []
    for i, (start, title) in enumerate(starts):
        following = starts[i + 1][0] if i + 1 < len(starts) else total
        if following - start >= MIN_CHAPTER_S:
            kept.append((start, title))
    if kept and starts[0][0] < kept[0][0]:
        kept[0] = (starts[0][0], kept[0][1])
    return [
        Chapter(round(start, 3), round(kept[i + 1][0] if i + 1 < len(kept) else total, 3), title)
        for i, (start, title) in enumerate(kept)
    ]


def _escape(value: str) -> str:
    out = value
    for ch in ("\\", "=", ";", "#", "\n"):
        out = out.replace(ch, "\\" + ch)
    return out


def ffmetadata(chapters: Sequence[Chapter]) -> str:
    """ffmpeg's FFMETADATA1 text with one ``[CHAPTER]`` per chapter (milliseconds). Pure."""
    lines = [";FFMETADATA1"]
    for c in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(c.start * 1000)}",
            f"END={round(c.end * 1000)}",
            f"title={_escape(c.title)}",
        ]
    return "\n".join(lines) + "\n"
