"""Burned-in captions: ASS subtitles built from the transcript's word times, and clip SRT/VTT.

:func:`build_ass` turns the words of a clip (the transcript with the creator's corrections) into an
ASS script sized for the output frame (``PlayResX/Y`` = output size), in one of the
:data:`CAPTION_STYLES`:

* ``karaoke`` — a line or two of the sentence stays up; the word being spoken lights up at its time.
* ``pop`` — one word at a time, big, popping in with a quick scale-up.
* ``subtitle`` — clean two-line subtitles, broken at sentence and clause boundaries.
* ``boxed`` — karaoke on a dark box, for busy backgrounds.

Words are grouped into *pages* (what is on screen at once) and pages into balanced lines by pure
functions (:func:`clip_words`, :func:`page_words`, :func:`line_breaks`) tested as tables. Captions are
anchored inside the preset's :class:`~spaceclip.services.render.platforms.SafeArea`, in the bundled font
(:mod:`spaceclip.services.render.fonts`). :func:`ass_filter` gives the escaped ffmpeg ``subtitles`` filter
that burns the script in with that font folder.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from PIL import ImageFont

from spaceclip.config import Settings
from spaceclip.errors import ValidationFailed
from spaceclip.services.media.filters import GRAPH_SPECIALS, filter_escape
from spaceclip.services.media.process import ffmpeg_args, run_process, tier_timeout
from spaceclip.services.render import fonts
from spaceclip.services.render.platforms import Preset, SafeArea
from spaceclip.services.speech.transcript import Segment, Transcript, Word, to_srt, to_vtt

__all__ = [
    "CAPTION_STYLES",
    "CaptionStyle",
    "CaptionWord",
    "Placement",
    "ass_escape",
    "ass_filter",
    "ass_time",
    "break_lines",
    "build_ass",
    "caption_still",
    "clip_srt",
    "clip_transcript",
    "clip_vtt",
    "clip_words",
    "get_caption_style",
    "line_breaks",
    "page_words",
    "placement",
    "sample_words",
    "shift_ass",
    "speaker_color",
]

Mode = Literal["karaoke", "pop", "subtitle"]


@dataclass(frozen=True, slots=True)
class CaptionStyle:
    """How captions look and move. Sizes are fractions of the frame's shorter side; colours ``RRGGBB``."""

    key: str
    name: str
    description: str
    mode: Mode
    font_family: str
    font_weight: str  # a key of fonts.FONT_FILES, used to measure text
    size: float
    max_chars: int
    max_lines: int
    text_color: str
    highlight_color: str
    outline_color: str = "000000"
    outline: float = 0.08  # outline width as a fraction of the font size
    shadow: float = 0.0
    box: bool = False  # an opaque box behind each line instead of an outline
    box_alpha: int = 0x40  # 0 opaque .. 255 transparent
    uppercase: bool = False
    position: Literal["lower", "middle"] = "lower"
    max_chars_wide: int | None = None  # the line limit on landscape frames, when it differs

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "name": self.name, "description": self.description}


CAPTION_STYLES: dict[str, CaptionStyle] = {
    s.key: s
    for s in (
        CaptionStyle(
            key="karaoke",
            name="Karaoke",
            description="The sentence stays on screen and each word lights up as it is spoken.",
            mode="karaoke",
            font_family=fonts.FONT_FAMILY,
            font_weight="bold",
            size=0.068,
            max_chars=28,
            max_chars_wide=36,
            max_lines=2,
            text_color="FFFFFF",
            highlight_color="FFD400",
        ),
        CaptionStyle(
            key="pop",
            name="Pop",
            description="One big word at a time, popping in on the beat of the speech.",
            mode="pop",
            font_family=fonts.FONT_FAMILY_BLACK,
            font_weight="black",
            size=0.1,
            max_chars=16,
            max_lines=1,
            text_color="FFFFFF",
            highlight_color="FFD400",
            outline=0.1,
            shadow=0.04,
            uppercase=True,
            position="middle",
        ),
        CaptionStyle(
            key="subtitle",
            name="Subtitle",
            description="Clean two-line subtitles, broken at sentences and pauses.",
            mode="subtitle",
            font_family=fonts.FONT_FAMILY,
            font_weight="bold",
            size=0.05,
            max_chars=32,
            max_chars_wide=42,
            max_lines=2,
            text_color="FFFFFF",
            highlight_color="FFFFFF",
            outline=0.07,
            shadow=0.03,
        ),
        CaptionStyle(
            key="boxed",
            name="Boxed",
            description="Karaoke on a dark box: readable on any background.",
            mode="karaoke",
            font_family=fonts.FONT_FAMILY,
            font_weight="bold",
            size=0.06,
            max_chars=28,
            max_chars_wide=36,
            max_lines=2,
            text_color="FFFFFF",
            highlight_color="3DDCFF",
            outline=0.22,  # with a box, the "outline" is the padding around the text
            box=True,
        ),
    )
}

#: Highlight colours by speaker ("Speaker 1" first); readable on video with a black outline.
SPEAKER_PALETTE = ("FFD400", "3DDCFF", "FF5CA8", "7CFF6B", "FF9F1C", "B69CFF")

#: A page ends at a pause this long (s), and never lasts longer than MAX_PAGE_S.
PAUSE_S = 0.7
MAX_PAGE_S = 6.0
#: How long the last words stay up after being spoken when nothing follows (s).
HOLD_S = 0.5
POP_HOLD_S = 0.25
MIN_EVENT_S = 0.05
#: The speaker's name line, relative to the caption's font size, and its longest name.
NAME_SCALE = 0.72
MAX_NAME_CHARS = 32
SENTENCE_END = (".", "!", "?", "…")
CLAUSE_END = (",", ";", ":", "\u2014", "\u2013")  # em and en dashes
#: Words a line should not end on ("the | future" reads worse than "| the future").
WEAK_ENDINGS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "from", "by",
        "as", "is", "are", "was", "my", "your", "our", "their", "his", "her", "its", "i", "that", "this",
    }
)  # fmt: skip


def get_caption_style(key: str) -> CaptionStyle:
    """The caption style called ``key``; raises ValidationFailed listing the valid keys."""
    try:
        return CAPTION_STYLES[key]
    except KeyError:
        valid = ", ".join(CAPTION_STYLES)
        raise ValidationFailed(f"Unknown caption style {key!r}. Choose one of: {valid}.") from None


# --- words of a clip (pure) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaptionWord:
    """A word to caption, with times relative to the clip's start."""

    text: str
    start: float
    end: float
    speaker: str | None = None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def clip_words(words: Iterable[Word], clip_start: float, clip_end: float) -> list[CaptionWord]:
    """The words of ``[clip_start, clip_end)``, re-timed to the clip. Pure.

    A word belongs to the clip when its midpoint does (a word the cut slices in two is shown only if
    most of it is heard); its times are clipped to the clip. Empty words are dropped.
    """
    result: list[CaptionWord] = []
    length = clip_end - clip_start
    for w in words:
        text = _clean(w.word)
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


def break_lines(words: Sequence[str], max_chars: int, max_lines: int = 2) -> list[str]:
    """The words joined into lines per :func:`line_breaks`. Pure."""
    lines: list[str] = []
    i = 0
    for count in line_breaks(words, max_chars, max_lines):
        lines.append(" ".join(words[i : i + count]))
        i += count
    return lines


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


# --- ASS text (pure) -----------------------------------------------------------------------------

_WORD_JOINER = "\u2060"


def ass_escape(text: str) -> str:
    """User text made literal for ASS: braces can't open override tags, backslashes can't start
    ``\\N``/``\\h`` escapes (an invisible word joiner follows each one), line breaks become spaces."""
    text = _clean(text)
    text = text.replace("\\", "\\" + _WORD_JOINER)
    return text.replace("{", "\\{").replace("}", "\\}")


def ass_time(seconds: float) -> str:
    """ASS time ``H:MM:SS.cc`` (centiseconds, rounded; negatives clamp to zero)."""
    cs = max(0, round(seconds * 100))
    h, rest = divmod(cs, 360_000)
    m, rest = divmod(rest, 6000)
    s, cs = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


_ASS_TIME = r"(\d+):(\d\d):(\d\d(?:\.\d+)?)"
_DIALOGUE = re.compile(rf"^(Dialogue:\s*[^,]*,){_ASS_TIME},{_ASS_TIME},(.*)$")


def _ass_seconds(h: str, m: str, s: str) -> float:
    return int(h) * 3600 + int(m) * 60 + float(s)


def shift_ass(text: str, offset: float) -> str:
    """ASS ``text`` with every Dialogue event moved ``offset`` seconds earlier.

    Events that end at or before zero are dropped; one that straddles zero starts at zero. Other
    lines (header, styles) are kept as they are. Pure.
    """
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        match = _DIALOGUE.match(line.rstrip("\r\n"))
        if match is None:
            out.append(line)
            continue
        start = _ass_seconds(*match.group(2, 3, 4)) - offset
        end = _ass_seconds(*match.group(5, 6, 7)) - offset
        if end <= 0:
            continue
        out.append(f"{match.group(1)}{ass_time(start)},{ass_time(end)},{match.group(8)}\n")
    return "".join(out)


def ass_color(rgb: str, alpha: int = 0) -> str:
    """``RRGGBB`` as ASS ``&HAABBGGRR``."""
    r, g, b = rgb[0:2].upper(), rgb[2:4].upper(), rgb[4:6].upper()
    return f"&H{alpha:02X}{b}{g}{r}"


_SPEAKER_NUMBER = re.compile(r"(\d+)\s*$")


def speaker_color(label: str | None, labels: Sequence[str] = ()) -> str | None:
    """The palette colour for speaker ``label``: "Speaker N" gets entry N-1 (stable across clips);
    other labels go by their order in ``labels``. Pure."""
    if label is None:
        return None
    match = _SPEAKER_NUMBER.search(label)
    if match:
        index = int(match.group(1)) - 1
    elif label in labels:
        index = list(labels).index(label)
    else:
        index = 0
    return SPEAKER_PALETTE[index % len(SPEAKER_PALETTE)]


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


def placement(style: CaptionStyle, width: int, height: int, safe: SafeArea) -> Placement:
    """Font size and anchor for ``style`` on a ``width`` x ``height`` frame, inside ``safe``. Pure.

    Lower captions sit on a baseline 3% of the height above the covered bottom zone; middle
    captions are centred 70% of the way down the uncovered area. Side margins shrink the usable width,
    and the character budget per line follows from it (never more than the style's own limit).
    """
    x0, y0, x1, y1 = safe.box(width, height)
    font_size = max(12, round(style.size * min(width, height)))
    pad = max(4, round(font_size * style.outline)) if style.box else round(font_size * style.outline)
    usable = max(font_size, (x1 - x0) - 2 * pad - round(0.04 * width))
    fit_chars = int(usable / (CHAR_WIDTH[style.uppercase] * font_size))
    limit = style.max_chars_wide if style.max_chars_wide is not None and width > height else style.max_chars
    max_chars = max(8, min(limit, fit_chars))
    cx = (x0 + x1) // 2
    if style.position == "middle":
        return Placement(font_size, cx, round(y0 + 0.7 * (y1 - y0)), 5, usable, max_chars, font_size * 1.0)
    y = y1 - round(0.03 * height) - pad
    return Placement(font_size, cx, y, 2, usable, max_chars, font_size * 1.0)


@functools.lru_cache(maxsize=32)
def _measure_font(weight: str, em_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts.font_file(weight)), em_px)


@functools.lru_cache(maxsize=4)
def _em_ratio(weight: str) -> float:
    ascent, descent = _measure_font(weight, 100).getmetrics()
    return 100 / (ascent + descent)


def text_width(text: str, weight: str, font_size: int) -> float:
    """Rendered width in px of ``text`` at ASS font size ``font_size`` (libass sizes the font so that
    ascent + descent equals the font size)."""
    em = max(1, round(font_size * _em_ratio(weight)))
    return float(_measure_font(weight, em).getlength(text))


# --- building the script -------------------------------------------------------------------------


def _header(style: CaptionStyle, width: int, height: int, place: Placement) -> str:
    fs = place.font_size
    outline = max(1.0, fs * style.outline) if style.box else round(fs * style.outline, 1)
    back = ass_color("000000", style.box_alpha) if style.box else ass_color("000000", 0x80)
    outline_colour = back if style.box else ass_color(style.outline_color)
    fields = [
        "Default", style.font_family, str(fs),
        ass_color(style.text_color), ass_color(style.highlight_color), outline_colour, back,
        "-1", "0", "0", "0", "100", "100", "0", "0",
        "3" if style.box else "1", f"{outline:g}", f"{round(fs * style.shadow, 1):g}",
        str(place.align), "0", "0", "0", "1",
    ]  # fmt: skip
    return (
        "[Script Info]\n"
        "; Generated by SpaceClip\n"
        "ScriptType: v4.00+\n"
        f"PlayResX: {width}\n"
        f"PlayResY: {height}\n"
        "WrapStyle: 2\n"
        "ScaledBorderAndShadow: yes\n"
        "YCbCr Matrix: None\n"
        "\n"
        "[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
        "Alignment, MarginL, MarginR, MarginV, Encoding\n"
        f"Style: {','.join(fields)}\n"
        "\n"
        "[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )


def _dialogue(start: float, end: float, text: str) -> str:
    return f"Dialogue: 0,{ass_time(start)},{ass_time(end)},Default,,0,0,0,,{text}\n"


@dataclass(frozen=True, slots=True)
class _Context:
    style: CaptionStyle
    place: Placement
    labels: tuple[str, ...]
    speaker_names: Mapping[str, str] | None
    speaker_colors: bool


def _display(ctx: _Context, text: str) -> str:
    return text.upper() if ctx.style.uppercase else text


def _fit_scale(ctx: _Context, lines: Sequence[str]) -> int:
    """Percent scale that makes the widest line fit the usable width (100 when it already fits)."""
    widest = max(
        (text_width(_display(ctx, line), ctx.style.font_weight, ctx.place.font_size) for line in lines), default=0
    )
    if widest <= ctx.place.max_width:
        return 100
    return max(25, int(100 * ctx.place.max_width / widest))


def _accent(ctx: _Context, speaker: str | None) -> str:
    if ctx.speaker_colors:
        return speaker_color(speaker, ctx.labels) or ctx.style.highlight_color
    return ctx.style.highlight_color


def _name_line(ctx: _Context, speaker: str | None) -> str:
    if ctx.speaker_names is None or speaker is None or speaker not in ctx.speaker_names:
        return ""
    name = ass_escape(_clean(ctx.speaker_names[speaker])[:MAX_NAME_CHARS])
    if not name:
        return ""
    small = round(ctx.place.font_size * NAME_SCALE)
    colour = speaker_color(speaker, ctx.labels) if ctx.speaker_colors else ctx.style.highlight_color
    base = ass_color(ctx.style.text_color)
    accent = ass_color(colour or ctx.style.highlight_color)
    return f"{{\\fs{small}\\1c{accent}}}{name}{{\\fs{ctx.place.font_size}\\1c{base}}}\\N"


def _lines_of(ctx: _Context, page: Sequence[CaptionWord]) -> tuple[tuple[int, ...], list[str]]:
    texts = [_display(ctx, w.text) for w in page]
    counts = line_breaks(texts, ctx.place.max_chars, ctx.style.max_lines)
    lines: list[str] = []
    i = 0
    for count in counts:
        lines.append(" ".join(texts[i : i + count]))
        i += count
    return counts, lines


def _page_text(ctx: _Context, page: Sequence[CaptionWord], counts: Sequence[int], active: int | None) -> str:
    """The page's words with line breaks; word ``active`` (index in page) in the accent colour."""
    base = ass_color(ctx.style.text_color)
    accent = ass_color(_accent(ctx, page[0].speaker))
    parts: list[str] = []
    i = 0
    for line_no, count in enumerate(counts):
        words = []
        for j in range(i, i + count):
            text = ass_escape(_display(ctx, page[j].text))
            words.append(f"{{\\1c{accent}}}{text}{{\\1c{base}}}" if j == active else text)
        parts.append(" ".join(words))
        i += count
        if line_no < len(counts) - 1:
            parts.append("\\N")
    return "".join(parts)


def _prefix(ctx: _Context, scale: int, extra: str = "") -> str:
    tags = f"\\an{ctx.place.align}\\pos({ctx.place.x},{ctx.place.y})"
    if scale != 100:
        tags += f"\\fscx{scale}\\fscy{scale}"
    return "{" + tags + extra + "}"


def _page_end(page: Sequence[CaptionWord], next_start: float | None, clip_len: float, hold: float) -> float:
    end = page[-1].end + hold
    if next_start is not None:
        end = min(end, next_start)
    end = min(end, clip_len)
    return max(end, page[-1].start + MIN_EVENT_S)


def _karaoke_events(ctx: _Context, pages: Sequence[Sequence[CaptionWord]], clip_len: float) -> Iterable[str]:
    for p, page in enumerate(pages):
        next_start = pages[p + 1][0].start if p + 1 < len(pages) else None
        page_end = _page_end(page, next_start, clip_len, HOLD_S)
        counts, lines = _lines_of(ctx, page)
        head = _prefix(ctx, _fit_scale(ctx, lines)) + _name_line(ctx, page[0].speaker)
        for i, word in enumerate(page):
            end = page[i + 1].start if i + 1 < len(page) else page_end
            if end - word.start < 0.005:
                continue  # a word sharing its start with the next one: the next one's event covers it
            yield _dialogue(word.start, end, head + _page_text(ctx, page, counts, i))


def _subtitle_events(ctx: _Context, pages: Sequence[Sequence[CaptionWord]], clip_len: float) -> Iterable[str]:
    for p, page in enumerate(pages):
        next_start = pages[p + 1][0].start if p + 1 < len(pages) else None
        end = _page_end(page, next_start, clip_len, HOLD_S)
        counts, lines = _lines_of(ctx, page)
        colour = ""
        if ctx.speaker_colors and page[0].speaker is not None:
            colour = f"\\1c{ass_color(_accent(ctx, page[0].speaker))}"
        head = _prefix(ctx, _fit_scale(ctx, lines)) + _name_line(ctx, page[0].speaker)
        body = _page_text(ctx, page, counts, None)
        yield _dialogue(page[0].start, end, head + (f"{{{colour}}}" if colour else "") + body)


def _pop_events(ctx: _Context, words: Sequence[CaptionWord], clip_len: float) -> Iterable[str]:
    for i, word in enumerate(words):
        next_start = words[i + 1].start if i + 1 < len(words) else None
        end = _page_end([word], next_start, clip_len, POP_HOLD_S)
        if end - word.start < 0.005:
            continue
        scale = _fit_scale(ctx, [word.text])
        s = scale / 100
        # Scale in from 70% with a small overshoot: the "pop".
        anim = (
            f"\\fscx{round(70 * s)}\\fscy{round(70 * s)}"
            f"\\t(0,70,\\fscx{round(112 * s)}\\fscy{round(112 * s)})"
            f"\\t(70,140,\\fscx{scale}\\fscy{scale})"
        )
        colour = ""
        if ctx.speaker_colors and word.speaker is not None:
            colour = f"\\1c{ass_color(_accent(ctx, word.speaker))}"
        head = _prefix(ctx, 100, anim) + _name_line(ctx, word.speaker) + (f"{{{colour}}}" if colour else "")
        yield _dialogue(word.start, end, head + ass_escape(_display(ctx, word.text)))


def build_ass(
    words: Sequence[Word],
    *,
    clip_start: float,
    clip_end: float,
    style: str,
    width: int,
    height: int,
    safe: SafeArea,
    speaker_names: Mapping[str, str] | None = None,
    speaker_colors: bool = False,
) -> str:
    """An ASS script captioning the words of ``[clip_start, clip_end)`` on a ``width`` x ``height`` frame.

    Args:
        words: the transcript's words (source times; already carrying the creator's corrections).
            Words outside the clip are ignored; event times are relative to ``clip_start``.
        style: a key of :data:`CAPTION_STYLES`.
        safe: the margins the platform's UI covers; captions stay inside the rest.
        speaker_names: speaker label -> display name; when given, each page shows its speaker's name
            on a small line above the words.
        speaker_colors: colour words by speaker (karaoke highlight, subtitle and pop text).
    """
    caption_style = get_caption_style(style)
    place = placement(caption_style, width, height, safe)
    cwords = clip_words(words, clip_start, clip_end)
    labels = tuple(sorted({w.speaker for w in cwords if w.speaker is not None}))
    ctx = _Context(caption_style, place, labels, speaker_names, speaker_colors)
    clip_len = max(0.0, clip_end - clip_start)
    out = [_header(caption_style, width, height, place)]
    if caption_style.mode == "pop":
        out.extend(_pop_events(ctx, cwords, clip_len))
    else:
        pages = page_words(cwords, max_chars=place.max_chars, max_lines=caption_style.max_lines)
        if caption_style.mode == "karaoke":
            out.extend(_karaoke_events(ctx, pages, clip_len))
        else:
            out.extend(_subtitle_events(ctx, pages, clip_len))
    return "".join(out)


# --- the ffmpeg filter ---------------------------------------------------------------------------


def ass_filter(ass_path: Path, *, font_folder: Path | None = None) -> str:
    """The ffmpeg filter that burns ``ass_path`` in with the bundled fonts (``subtitles=...:fontsdir=...``).

    Paths are made absolute and escaped twice: once as option values (``:`` separates options), once
    for the filtergraph (``[],;`` separate filters), so any file name works.
    """
    folder = font_folder if font_folder is not None else fonts.font_dir()
    options = ":".join(
        f"{key}={filter_escape(str(Path(value).absolute()), ':=')}"
        for key, value in (("filename", ass_path), ("fontsdir", folder))
    )
    return "subtitles=" + filter_escape(options, GRAPH_SPECIALS)


# --- SRT / VTT for a clip ------------------------------------------------------------------------


def _clip_segment(segment: Segment, start: float, end: float) -> Segment | None:
    if segment.words:
        kept = clip_words(segment.words, start, end)
        if not kept:
            return None
        whole = len(kept) == len([w for w in segment.words if _clean(w.word)])
        words = tuple(Word(w.start, w.end, w.text, 1.0, segment.speaker) for w in kept)
        text = segment.text if whole else " ".join(w.text for w in kept)
        return Segment(start=words[0].start, end=words[-1].end, text=text, speaker=segment.speaker, words=words)
    if segment.end <= start or segment.start >= end or not segment.text.strip():
        return None
    length = end - start
    return replace(
        segment, start=min(max(segment.start - start, 0.0), length), end=min(max(segment.end - start, 0.0), length)
    )


def clip_transcript(transcript: Transcript, start: float, end: float) -> Transcript:
    """The part of ``transcript`` inside ``[start, end)``, re-timed so the clip starts at 0. Pure."""
    segments = tuple(s for s in (_clip_segment(seg, start, end) for seg in transcript.segments) if s is not None)
    return replace(transcript, duration=max(0.0, end - start), segments=segments)


def clip_srt(transcript: Transcript, start: float, end: float) -> str:
    """SubRip subtitles for the clip ``[start, end)``, timed from the clip's start, with speaker names."""
    return to_srt(clip_transcript(transcript, start, end))


def clip_vtt(transcript: Transcript, start: float, end: float) -> str:
    """WebVTT subtitles for the clip ``[start, end)``, timed from the clip's start, with speaker voices."""
    return to_vtt(clip_transcript(transcript, start, end))


# --- stills (style pickers, the gallery) ---------------------------------------------------------

SAMPLE_TEXT = "Honestly, the best ideas come from talking it through with people who disagree with you."


def sample_words(
    text: str = SAMPLE_TEXT, *, start: float = 0.0, words_per_second: float = 3.0, speaker: str | None = "Speaker 1"
) -> list[Word]:
    """Evenly timed words for ``text``, for previews when no transcript is at hand. Pure."""
    step = 1.0 / words_per_second
    return [
        Word(
            start=round(start + i * step, 3),
            end=round(start + (i + 0.85) * step, 3),
            word=w,
            probability=1.0,
            speaker=speaker,
        )
        for i, w in enumerate(text.split())
    ]


def caption_still(
    out_png: Path,
    *,
    style: str,
    preset: Preset,
    settings: Settings,
    background: Path | None = None,
    words: Sequence[Word] | None = None,
    at: float = 1.1,
    speaker_names: Mapping[str, str] | None = None,
    speaker_colors: bool = False,
) -> Path:
    """Render one frame of ``style`` captions at ``at`` seconds into the clip, as a PNG.

    The background image (or a dark gradient) is scaled and cropped to fill the preset's frame; the
    words default to :func:`sample_words`. Uses the same :func:`build_ass` + :func:`ass_filter` as the
    render, so what the picker shows is what the export burns in.
    """
    words = list(words) if words is not None else sample_words()
    clip_start = words[0].start if words else 0.0
    clip_end = max((w.end for w in words), default=clip_start) + 1.0
    w, h = preset.width, preset.height
    with tempfile.TemporaryDirectory(prefix="spaceclip-still-") as tmp:
        ass_path = Path(tmp) / "captions.ass"
        ass_path.write_text(
            build_ass(words, clip_start=clip_start, clip_end=clip_end, style=style, width=w, height=h,
                      safe=preset.safe, speaker_names=speaker_names, speaker_colors=speaker_colors),
            encoding="utf-8",
        )  # fmt: skip
        inputs: list[Any]
        if background is not None:
            inputs = ["-i", background]
            fill = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},"
        else:
            inputs = ["-f", "lavfi", "-i", f"gradients=s={w}x{h}:c0=0x1b2a49:c1=0x4a2545:n=2:seed=1:d=1"]
            fill = ""
        vf = f"{fill}setpts=PTS+{at:.3f}/TB,format=yuv420p,{ass_filter(ass_path)}"
        argv = ffmpeg_args(*inputs, "-vf", vf, "-frames:v", "1", "-update", "1", "-y", out_png)
        run_process(argv, timeout_s=tier_timeout(settings.process_timeout_s, "still"))
    return out_png
