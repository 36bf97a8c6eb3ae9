"""Chapters written out for where they go, and edited by the creator. Pure.

* :func:`youtube_rules` says what keeps a chapter list from being YouTube chapters (YouTube's own
  rules, https://support.google.com/youtube/answer/9884579: the first timestamp is 0:00, at least
  three, in ascending order, each chapter at least 10 seconds), :func:`youtube_block` writes the
  description block ("0:00 Title" lines).
* :func:`podlove_xml` writes Podlove Simple Chapters 1.2 (https://podlove.org/simple-chapters/:
  ``<psc:chapters version="1.2">`` with ``start`` in normal play time ``HH:MM:SS.mmm``);
  :func:`podcast_json` the Podcasting 2.0 JSON chapters file, version 1.2.0
  (https://github.com/Podcastindex-org/podcast-namespace/blob/main/chapters/jsonChapters.md:
  ``startTime`` in seconds, ``title``, optional ``endTime``), served as ``application/json+chapters``.
* :func:`rename`, :func:`move`, :func:`merge` are the creator's edits: a move lands on the nearest
  sentence start, and every edit keeps the list valid (first at 0, ends meet starts, none under the
  minimum) or raises :class:`~spaceclip.errors.ValidationFailed` saying what to do.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import replace
from xml.sax.saxutils import quoteattr

from spaceclip.errors import ValidationFailed
from spaceclip.services.edit.chapters import Chapter

__all__ = [
    "PODCAST_JSON_TYPE",
    "YOUTUBE_MIN_CHAPTERS",
    "YOUTUBE_MIN_S",
    "clock",
    "merge",
    "move",
    "npt",
    "podcast_json",
    "podlove_xml",
    "rename",
    "youtube_block",
    "youtube_rules",
]

YOUTUBE_MIN_CHAPTERS = 3
YOUTUBE_MIN_S = 10.0
MAX_TITLE_CHARS = 100
PODCAST_JSON_TYPE = "application/json+chapters"


def clock(seconds: float) -> str:
    """``m:ss`` under an hour, ``h:mm:ss`` from one (YouTube's timestamps; whole seconds, floored)."""
    total = max(0, int(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def npt(seconds: float) -> str:
    """Normal play time ``HH:MM:SS.mmm`` (Podlove Simple Chapters)."""
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _one_line(title: str) -> str:
    return " ".join(title.split())[:MAX_TITLE_CHARS]


def youtube_rules(chapters: Sequence[Chapter]) -> list[str]:
    """What stops ``chapters`` being YouTube chapters, as sentences saying what to do (empty: none).

    Timestamps are whole seconds, so each length is measured between floored starts.
    """
    problems: list[str] = []
    if len(chapters) < YOUTUBE_MIN_CHAPTERS:
        problems.append(
            f"YouTube needs at least {YOUTUBE_MIN_CHAPTERS} chapters; there are {len(chapters)}. Split a long one."
        )
    if chapters and int(chapters[0].start) != 0:
        problems.append(f"YouTube's first chapter starts at 0:00; this one starts at {clock(chapters[0].start)}.")
    starts = [int(c.start) for c in chapters]
    for i, chapter in enumerate(chapters):
        end = starts[i + 1] if i + 1 < len(chapters) else chapter.end
        if i + 1 < len(chapters) and starts[i + 1] <= starts[i]:
            problems.append(f"Chapter {i + 2} does not start after chapter {i + 1}. Move it later.")
        elif end - starts[i] < YOUTUBE_MIN_S:
            problems.append(
                f"Chapter {i + 1} ({clock(chapter.start)}) lasts {max(0.0, end - starts[i]):.0f} s; YouTube needs "
                f"at least {YOUTUBE_MIN_S:g} s. Merge it with a neighbour."
            )
        if not chapter.title.strip():
            problems.append(f"Chapter {i + 1} ({clock(chapter.start)}) has no title. Name it.")
    return problems


def youtube_block(chapters: Sequence[Chapter]) -> str:
    """The lines to paste into a YouTube description: ``0:00 Title`` each, ending with a newline."""
    return "".join(f"{clock(c.start)} {_one_line(c.title)}\n" for c in chapters)


def podlove_xml(chapters: Sequence[Chapter]) -> str:
    """Podlove Simple Chapters 1.2, a standalone XML document."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">',
    ]
    lines += [
        f"  <psc:chapter start={quoteattr(npt(c.start))} title={quoteattr(_one_line(c.title))}/>" for c in chapters
    ]
    lines.append("</psc:chapters>")
    return "\n".join(lines) + "\n"


def podcast_json(chapters: Sequence[Chapter], *, title: str | None = None) -> str:
    """The Podcasting 2.0 JSON chapters file (version 1.2.0), with each chapter's ``endTime``."""
    doc: dict[str, object] = {"version": "1.2.0"}
    if title:
        doc["title"] = _one_line(title)
    doc["chapters"] = [
        {"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": _one_line(c.title)} for c in chapters
    ]
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- the creator's edits ----------------------------------------------------------------------------


def _index(chapters: Sequence[Chapter], index: int) -> int:
    if not 0 <= index < len(chapters):
        raise ValidationFailed(f"There is no chapter {index + 1}; this episode has {len(chapters)}. Reload the page.")
    return index


def rename(chapters: Sequence[Chapter], index: int, title: str) -> list[Chapter]:
    """Chapter ``index`` with a new title (one line, at most 100 characters)."""
    clean = _one_line(title)
    if not clean:
        raise ValidationFailed("A chapter needs a title. Type a few words that say what it is about.")
    out = list(chapters)
    i = _index(out, index)
    out[i] = replace(out[i], title=clean)
    return out


def move(
    chapters: Sequence[Chapter],
    index: int,
    to: float,
    sentence_starts: Sequence[float],
    *,
    min_s: float = YOUTUBE_MIN_S,
) -> list[Chapter]:
    """Chapter ``index`` starting at the sentence start nearest ``to``; the chapter before ends there.

    The first chapter stays at 0. Raises ValidationFailed when no sentence start leaves both
    chapters beside the seam at least ``min_s`` long.
    """
    out = list(chapters)
    i = _index(out, index)
    if i == 0:
        raise ValidationFailed("The first chapter always starts at 0:00. Move the second one instead.")
    lo = out[i - 1].start + min_s
    hi = out[i].end - min_s
    starts = sorted(s for s in sentence_starts if lo <= s <= hi)
    if not starts:
        raise ValidationFailed(
            f"Chapter {i + 1} cannot move there: no sentence starts between {clock(lo)} and {clock(hi)} that would "
            f"leave both chapters at least {min_s:g} s long. Merge the chapters instead."
        )
    k = bisect.bisect_left(starts, to)
    near = min(starts[max(0, k - 1) : k + 1], key=lambda s: (abs(s - to), s))
    out[i - 1] = replace(out[i - 1], end=near)
    out[i] = replace(out[i], start=near)
    return out


def merge(chapters: Sequence[Chapter], index: int) -> list[Chapter]:
    """Chapter ``index`` folded into the one before it (the first into the second), keeping the
    earlier chapter's title."""
    out = list(chapters)
    i = _index(out, index)
    if len(out) < 2:
        raise ValidationFailed("There is only one chapter, so there is nothing to merge it with.")
    if i == 0:
        i = 1
    out[i - 1] = replace(out[i - 1], end=out[i].end)
    del out[i]
    return out
