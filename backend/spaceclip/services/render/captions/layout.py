"""Where caption words go, in pure functions: the words of a clip, lines, pages, placement.

:func:`clip_words` re-times the transcript's words to the clip; :func:`page_words` groups them into
*pages* (what is on screen at once) and :func:`line_breaks` splits a page into balanced lines;
:func:`placement` sizes and anchors the captions inside the preset's
:class:`~spaceclip.services.render.presets.SafeArea`. All of it is time and character arithmetic,
tested as tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spaceclip.services.render.captions.styles import CaptionStyle
from spaceclip.services.render.presets import SafeArea
from spaceclip.services.speech.transcript import Word

__all__ = [
    "CAPTION_POSITIONS",
    "CAPTION_SIZES",
    "CHAR_WIDTH",
    "CLAUSE_END",
    "MAX_PAGE_S",
    "PAUSE_S",
    "SENTENCE_END",
    "WEAK_ENDINGS",
    "CaptionWord",
    "Placement",
    "break_lines",
    "clean_text",
    "clip_words",
    "join_lines",
    "line_breaks",
    "page_words",
    "placement",
]

#: A page ends at a pause this long (s), and never lasts longer than MAX_PAGE_S.
PAUSE_S = 0.7
MAX_PAGE_S = 6.0
SENTENCE_END = (".", "!", "?", "…")
CLAUSE_END = (",", ";", ":", "\u2014", "\u2013")  # em and en dashes
#: Words a line should not end on ("the | future" reads worse than "| the future").
WEAK_ENDINGS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "from", "by",
        "as", "is", "are", "was", "my", "your", "our", "their", "his", "her", "its", "i", "that", "this",
    }
)  # fmt: skip


# --- words of a clip (pure) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaptionWord:
    """A word to caption, with times relative to the clip's start."""

    text: str
    start: float
    end: float
    speaker: str | None = None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(text: str) -> str:
    """``text`` on one line: control characters (line breaks, tabs) become spaces, runs of spaces one."""
    return " ".join(_CONTROL.sub(" ", text).split())


def clip_words(words: Iterable[Word], clip_start: float, clip_end: float) -> list[CaptionWord]:
    """The words of ``[clip_start, clip_end)``, re-timed to the clip. Pure.

    A word belongs to the clip when its midpoint does (a word the cut slices in two is shown only if
    most of it is heard); its times are clipped to the clip. Empty words are dropped.
    """
    result: list[CaptionWord] = []
    length = clip_end - clip_start
    for w in words:
        text = clean_text(w.word)
        mid = (w.start + w.end) / 2
        if not text or not clip_start <= mid < clip_end:
            continue
        start = min(max(w.start - clip_start, 0.0), length)
        end = min(max(w.end - clip_start, start), length)
        result.append(CaptionWord(text=text, start=round(start, 3), end=round(end, 3), speaker=w.speaker))
    result.sort(key=lambda cw: cw.start)
    return result


# --- lines and pages (pure) ----------------------------------------------------------------------


def _line_len(words: Sequence[str]) -> int:
    return sum(len(w) for w in words) + max(0, len(words) - 1)


_QUOTES = "\"'()\u2018\u2019\u201c\u201d"


def _break_cost(words: Sequence[str], k: int) -> float:
    """Cost of ending the first line after ``words[k-1]``: imbalance, minus a bonus for punctuation."""
    first, second = _line_len(words[:k]), _line_len(words[k:])
    cost = float(abs(first - second))
    last = words[k - 1]
    if last.endswith(SENTENCE_END):
        cost -= 24
    elif last.endswith(CLAUSE_END):
        cost -= 10
    elif last.lower().strip(_QUOTES) in WEAK_ENDINGS:
        cost += 10
    if first > second:
        cost += 1  # ties go to a shorter top line (the bottom-heavy "pyramid" reads better)
    return cost


def line_breaks(words: Sequence[str], max_chars: int, max_lines: int = 2) -> tuple[int, ...]:
    """How many words go on each line. Pure.

    One line when the words fit in ``max_chars``; otherwise two lines balanced in length, broken
    preferably after punctuation and never after a weak word such as "the"; lines never split a word.
    When two lines cannot hold the words (or ``max_lines`` is 1) lines are filled greedily, a word
    longer than ``max_chars`` getting a line of its own.
    """
    n = len(words)
    if n == 0:
        return ()
    if _line_len(words) <= max_chars:
        return (n,)
    if max_lines >= 2:
        options = [k for k in range(1, n) if _line_len(words[:k]) <= max_chars and _line_len(words[k:]) <= max_chars]
        if options:
            best = min(options, key=lambda k: (_break_cost(words, k), k))
            return (best, n - best)
    counts: list[int] = []
    length = -1
    for w in words:
        if counts and length + 1 + len(w) <= max_chars:
            counts[-1] += 1
            length += 1 + len(w)
        else:
            counts.append(1)
            length = len(w)
    return tuple(counts)


def join_lines(words: Sequence[str], counts: Iterable[int]) -> list[str]:
    """The words joined into lines of ``counts`` words each (as :func:`line_breaks` gives). Pure."""
    lines: list[str] = []
    i = 0
    for count in counts:
        lines.append(" ".join(words[i : i + count]))
        i += count
    return lines


def break_lines(words: Sequence[str], max_chars: int, max_lines: int = 2) -> list[str]:
    """The words joined into lines per :func:`line_breaks`. Pure."""
    return join_lines(words, line_breaks(words, max_chars, max_lines))


def _fits(words: Sequence[str], max_chars: int, max_lines: int) -> bool:
    counts = line_breaks(words, max_chars, max_lines)
    if len(counts) > max_lines:
        return False
    i = 0
    for count in counts:
        if count > 1 and _line_len(words[i : i + count]) > max_chars:
            return False
        i += count
    return True


def page_words(
    words: Sequence[CaptionWord],
    *,
    max_chars: int,
    max_lines: int,
    pause_s: float = PAUSE_S,
    max_page_s: float = MAX_PAGE_S,
) -> list[list[CaptionWord]]:
    """Group words into pages (what is on screen at once). Pure.

    A page ends at the end of a sentence, at a pause of ``pause_s``, when the speaker changes, when it
    would last longer than ``max_page_s``, or when the next word would not fit in ``max_lines`` lines
    of ``max_chars``; in that last case a page that holds a clause boundary in its second half is cut
    there instead, so pages end on punctuation where they can.
    """
    pages: list[list[CaptionWord]] = []
    current: list[CaptionWord] = []
    for word in words:
        if current:
            last = current[-1]
            hard_break = (
                last.text.endswith(SENTENCE_END)
                or word.start - last.end >= pause_s
                or word.speaker != last.speaker
                or word.end - current[0].start > max_page_s
            )
            full = not _fits([w.text for w in (*current, word)], max_chars, max_lines)
            if hard_break or full:
                carry: list[CaptionWord] = []
                if full and not hard_break:
                    cut = _clause_cut(current)
                    if cut is not None:
                        current, carry = current[:cut], current[cut:]
                pages.append(current)
                current = carry
        current.append(word)
    if current:
        pages.append(current)
    return pages


def _clause_cut(page: Sequence[CaptionWord]) -> int | None:
    """Index after the last clause-ending word in the second half of ``page``, if any."""
    for i in range(len(page) - 1, len(page) // 2 - 1, -1):
        if i + 1 < len(page) and page[i].text.endswith(CLAUSE_END):
            return i + 1
    return None


# --- placement (pure) ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placement:
    """Where and how big: font size (px), the anchor point, ``an`` alignment, usable width."""

    font_size: int
    x: int
    y: int
    align: int  # ASS \an: 2 bottom-centre, 5 middle-centre
    max_width: int
    max_chars: int
    line_height: float


#: Average advance of a character in the caption fonts, as a fraction of the ASS font size (measured
#: on pangrams: Bold lowercase 0.36, Black uppercase 0.42); used to turn widths into character budgets.
CHAR_WIDTH = {False: 0.37, True: 0.43}


#: The creator's caption sizes, as factors of the style's own size.
CAPTION_SIZES = {"small": 0.8, "medium": 1.0, "large": 1.25}
#: Where captions may go: the style's own place (``auto``), or the top, middle or bottom of the safe area.
CAPTION_POSITIONS = ("auto", "top", "middle", "bottom")


def placement(
    style: CaptionStyle, width: int, height: int, safe: SafeArea, *, size: str = "medium", position: str = "auto"
) -> Placement:
    """Font size and anchor for ``style`` on a ``width`` x ``height`` frame, inside ``safe``. Pure.

    Lower captions sit on a baseline 3% of the height above the covered bottom zone; middle
    captions are centred 70% of the way down the uncovered area. Side margins shrink the usable width,
    and the character budget per line follows from it (never more than the style's own limit).
    ``size`` (a key of :data:`CAPTION_SIZES`) scales the font; ``position`` (one of
    :data:`CAPTION_POSITIONS`) moves the block to the top, middle or bottom of the uncovered area.
    """
    x0, y0, x1, y1 = safe.box(width, height)
    font_size = max(12, round(style.size * CAPTION_SIZES.get(size, 1.0) * min(width, height)))
    pad = max(4, round(font_size * style.outline)) if style.box else round(font_size * style.outline)
    usable = max(font_size, (x1 - x0) - 2 * pad - round(0.04 * width))
    fit_chars = int(usable / (CHAR_WIDTH[style.uppercase] * font_size))
    limit = style.max_chars_wide if style.max_chars_wide is not None and width > height else style.max_chars
    max_chars = max(8, min(limit, fit_chars))
    cx = (x0 + x1) // 2
    if position == "top":
        return Placement(font_size, cx, y0 + round(0.03 * height) + pad, 8, usable, max_chars, font_size * 1.0)
    if position == "middle":
        return Placement(font_size, cx, round((y0 + y1) / 2), 5, usable, max_chars, font_size * 1.0)
    if style.position == "middle" and position != "bottom":
        return Placement(font_size, cx, round(y0 + 0.7 * (y1 - y0)), 5, usable, max_chars, font_size * 1.0)
    y = y1 - round(0.03 * height) - pad
    return Placement(font_size, cx, y, 2, usable, max_chars, font_size * 1.0)
