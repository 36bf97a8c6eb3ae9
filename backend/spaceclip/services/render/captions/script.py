"""The caption script: :func:`build_ass` turns a clip's words into ASS events in one of the styles.

* ``karaoke`` (and ``boxed``) — a page of a line or two stays up; the word being spoken lights up at
  its time (one event per word, each showing the whole page).
* ``pop`` — one word at a time, big, popping in with a quick scale-up.
* ``subtitle`` — one event per page, broken at sentence and clause boundaries.

Lines too wide for the safe area (measured in the bundled font) are scaled down to fit; speaker
names and colours are optional.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from spaceclip.services.render import fonts
from spaceclip.services.render.captions.ass import ass_color, ass_escape, dialogue, header
from spaceclip.services.render.captions.emphasis import Emphasis, key_words, line_emoji
from spaceclip.services.render.captions.layout import (
    CaptionWord,
    Placement,
    clean_text,
    clip_words,
    join_lines,
    line_breaks,
    page_words,
    placement,
)
from spaceclip.services.render.captions.styles import CaptionStyle, get_caption_style, speaker_color
from spaceclip.services.render.presets import SafeArea
from spaceclip.services.speech.transcript import Word

__all__ = ["HOLD_S", "MAX_NAME_CHARS", "MIN_EVENT_S", "NAME_SCALE", "POP_HOLD_S", "build_ass", "caption_text"]


#: How early an event may start and still count as in the split screen's layout that follows (s).
SEAM_SLACK_S = 0.1


@dataclass(frozen=True, slots=True)
class _Context:
    """What every event of one script is drawn with."""

    style: CaptionStyle
    place: Placement
    labels: tuple[str, ...]
    speaker_names: Mapping[str, str] | None
    speaker_colors: bool
    fallback: Mapping[str, Path] | None = None  # characters drawn from a system font, and its file
    emphasis: Emphasis | None = None  # key words in its colour, and its emoji lexicon
    seam: tuple[tuple[float, float], ...] = ()  # clip seconds of a split screen (captions on its seam)
    seam_place: Placement | None = None

    def place_at(self, t: float) -> Placement:
        """Where an event starting at ``t`` goes: on the split screen's seam while it shows, else the style's."""
        # The layout changes at a turn's start and the page starts at its first word, a few
        # milliseconds either side: an event belongs to the layout it starts within SEAM_SLACK_S of.
        if self.seam_place is not None and any(a - SEAM_SLACK_S <= t < b - SEAM_SLACK_S for a, b in self.seam):
            return self.seam_place
        return self.place


def _display(ctx: _Context, text: str) -> str:
    return text.upper() if ctx.style.uppercase else text


def _fit_scale(ctx: _Context, lines: Sequence[str]) -> int:
    """Percent scale that makes the widest line fit the usable width (100 when it already fits)."""
    widest = max(
        (
            fonts.text_width(_display(ctx, line), ctx.style.font_weight, ctx.place.font_size, ctx.fallback)
            for line in lines
        ),
        default=0,
    )
    if widest <= ctx.place.max_width:
        return 100
    return max(25, int(100 * ctx.place.max_width / widest))


def _accent(ctx: _Context, speaker: str | None) -> str:
    if ctx.speaker_colors:
        return speaker_color(speaker, ctx.labels) or ctx.style.highlight_color
    return ctx.style.highlight_color


def _speaker_tag(ctx: _Context, speaker: str | None) -> str:
    """An override block colouring the text by ``speaker`` (empty when speaker colours are off)."""
    if ctx.speaker_colors and speaker is not None:
        return f"{{\\1c{ass_color(_accent(ctx, speaker))}}}"
    return ""


#: The speaker's name line, relative to the caption's font size, and its longest name.
NAME_SCALE = 0.72
MAX_NAME_CHARS = 32


def _name_line(ctx: _Context, speaker: str | None) -> str:
    if ctx.speaker_names is None or speaker is None or speaker not in ctx.speaker_names:
        return ""
    name = ass_escape(clean_text(ctx.speaker_names[speaker])[:MAX_NAME_CHARS])
    if not name:
        return ""
    small = round(ctx.place.font_size * NAME_SCALE)
    colour = speaker_color(speaker, ctx.labels) if ctx.speaker_colors else ctx.style.highlight_color
    base = ass_color(ctx.style.text_color)
    accent = ass_color(colour or ctx.style.highlight_color)
    return f"{{\\fs{small}\\1c{accent}}}{name}{{\\fs{ctx.place.font_size}\\1c{base}}}\\N"


def _emoji(ctx: _Context, words: Sequence[CaptionWord]) -> str | None:
    if ctx.emphasis is None or not ctx.emphasis.emoji:
        return None
    return line_emoji([w.text for w in words], ctx.emphasis.emoji)


def _lines_of(ctx: _Context, page: Sequence[CaptionWord]) -> tuple[tuple[int, ...], list[str]]:
    """How many words on each line, and the lines as drawn (with their emoji) for measuring."""
    texts = [_display(ctx, w.text) for w in page]
    counts = line_breaks(texts, ctx.place.max_chars, ctx.style.max_lines)
    lines = join_lines(texts, counts)
    i = 0
    for n, count in enumerate(counts):
        mark = _emoji(ctx, page[i : i + count])
        if mark:
            lines[n] += " " + mark
        i += count
    return counts, lines


def _page_text(ctx: _Context, page: Sequence[CaptionWord], counts: Sequence[int], active: int | None) -> str:
    """The page's words with line breaks; word ``active`` (index in page) in the accent colour."""
    base = ass_color(ctx.style.text_color)
    accent = ass_color(_accent(ctx, page[0].speaker))
    keys = key_words([w.text for w in page], ctx.emphasis) if ctx.emphasis is not None else [False] * len(page)
    key_colour = ass_color(ctx.emphasis.color) if ctx.emphasis is not None else base
    parts: list[str] = []
    i = 0
    for line_no, count in enumerate(counts):
        words = []
        for j in range(i, i + count):
            text = ass_escape(_display(ctx, page[j].text))
            if j == active:
                text = f"{{\\1c{accent}}}{text}{{\\1c{base}}}"
            elif keys[j]:
                text = f"{{\\1c{key_colour}}}{text}{{\\1c{base}}}"
            words.append(text)
        mark = _emoji(ctx, page[i : i + count])
        if mark:
            words.append(ass_escape(mark))
        parts.append(" ".join(words))
        i += count
        if line_no < len(counts) - 1:
            parts.append("\\N")
    return "".join(parts)


def _prefix(ctx: _Context, scale: int, extra: str = "", *, at: float = 0.0) -> str:
    place = ctx.place_at(at)
    tags = f"\\an{place.align}\\pos({place.x},{place.y})"
    if scale != 100:
        tags += f"\\fscx{scale}\\fscy{scale}"
    return "{" + tags + extra + "}"


#: How long the last words stay up after being spoken when nothing follows (s).
HOLD_S = 0.5
POP_HOLD_S = 0.25
MIN_EVENT_S = 0.05


def _page_end(page: Sequence[CaptionWord], next_start: float | None, clip_len: float, hold: float) -> float:
    end = page[-1].end + hold
    if next_start is not None:
        end = min(end, next_start)
    end = min(end, clip_len)
    return max(end, page[-1].start + MIN_EVENT_S)


@dataclass(frozen=True, slots=True)
class _Page:
    """A page ready to draw: its words, when it leaves the screen, its line counts and its leading tags."""

    words: Sequence[CaptionWord]
    end: float
    counts: tuple[int, ...]
    head: str  # position, fit-to-width scale and the speaker's name line


def _laid_out(ctx: _Context, pages: Sequence[Sequence[CaptionWord]], clip_len: float) -> Iterator[_Page]:
    for p, page in enumerate(pages):
        next_start = pages[p + 1][0].start if p + 1 < len(pages) else None
        end = _page_end(page, next_start, clip_len, HOLD_S)
        counts, lines = _lines_of(ctx, page)
        head = _prefix(ctx, _fit_scale(ctx, lines), at=page[0].start) + _name_line(ctx, page[0].speaker)
        yield _Page(page, end, counts, head)


def _karaoke_events(ctx: _Context, pages: Sequence[Sequence[CaptionWord]], clip_len: float) -> Iterable[str]:
    for page in _laid_out(ctx, pages, clip_len):
        words = page.words
        for i, word in enumerate(words):
            end = words[i + 1].start if i + 1 < len(words) else page.end
            if end - word.start < 0.005:
                continue  # a word sharing its start with the next one: the next one's event covers it
            yield dialogue(word.start, end, page.head + _page_text(ctx, words, page.counts, i))


def _subtitle_events(ctx: _Context, pages: Sequence[Sequence[CaptionWord]], clip_len: float) -> Iterable[str]:
    for page in _laid_out(ctx, pages, clip_len):
        first = page.words[0]
        body = _page_text(ctx, page.words, page.counts, None)
        yield dialogue(first.start, page.end, page.head + _speaker_tag(ctx, first.speaker) + body)


def _pop_events(ctx: _Context, words: Sequence[CaptionWord], clip_len: float) -> Iterable[str]:
    for i, word in enumerate(words):
        next_start = words[i + 1].start if i + 1 < len(words) else None
        end = _page_end([word], next_start, clip_len, POP_HOLD_S)
        if end - word.start < 0.005:
            continue
        mark = _emoji(ctx, [word])
        shown = _display(ctx, word.text) + (f" {mark}" if mark else "")
        scale = _fit_scale(ctx, [shown])
        s = scale / 100
        # Scale in from 70% with a small overshoot: the "pop".
        anim = (
            f"\\fscx{round(70 * s)}\\fscy{round(70 * s)}"
            f"\\t(0,70,\\fscx{round(112 * s)}\\fscy{round(112 * s)})"
            f"\\t(70,140,\\fscx{scale}\\fscy{scale})"
        )
        head = _prefix(ctx, 100, anim, at=word.start) + _name_line(ctx, word.speaker) + _speaker_tag(ctx, word.speaker)
        if ctx.emphasis is not None and key_words([word.text], ctx.emphasis, after_sentence=False)[0]:
            head += f"{{\\1c{ass_color(ctx.emphasis.color)}}}"
        yield dialogue(word.start, end, head + ass_escape(shown))


def build_ass(
    words: Sequence[Word],
    *,
    clip_start: float,
    clip_end: float,
    style: str | CaptionStyle,
    width: int,
    height: int,
    safe: SafeArea,
    speaker_names: Mapping[str, str] | None = None,
    speaker_colors: bool = False,
    fallback: Mapping[str, Path] | None = None,
    emphasis: Emphasis | None = None,
    size: str = "medium",
    position: str = "auto",
    seam: Sequence[tuple[float, float]] = (),
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
        fallback: character -> the system font file libass draws it from, for the characters the
            bundled font lacks (:func:`~spaceclip.services.render.glyphs.caption_fallbacks`); lines
            are measured in it.
        emphasis: key words (numbers, names, keywords) in its colour and, with a lexicon, an emoji
            at the end of each line that has a word for one (:mod:`.emphasis`; the lexicon should
            hold only emoji some font draws, :func:`~.emphasis.drawable_lexicon`).
        size: ``small``, ``medium`` or ``large`` (:data:`~.layout.CAPTION_SIZES`).
        position: ``auto`` (the style's), ``top``, ``middle`` or ``bottom`` of the safe area.
        seam: when a stacked split screen shows (clip seconds, the events' time): with ``auto``
            position, an event starting then is centred on the line between the two halves, clear
            of both faces, instead of over the lower person's chin.
    """
    caption_style = get_caption_style(style)
    place = placement(caption_style, width, height, safe, size=size, position=position)
    cwords = clip_words(words, clip_start, clip_end)
    labels = tuple(sorted({w.speaker for w in cwords if w.speaker is not None}))
    seam_place = None
    if seam and position == "auto":
        middle = placement(caption_style, width, height, safe, size=size, position="middle")
        seam_place = replace(middle, y=height // 2 // 2 * 2, align=5)
    ctx = _Context(
        caption_style, place, labels, speaker_names, speaker_colors, fallback, emphasis, tuple(seam), seam_place
    )
    clip_len = max(0.0, clip_end - clip_start)
    out = [header(caption_style, width, height, place)]
    if caption_style.mode == "pop":
        out.extend(_pop_events(ctx, cwords, clip_len))
    else:
        pages = page_words(cwords, max_chars=place.max_chars, max_lines=caption_style.max_lines)
        if caption_style.mode == "karaoke":
            out.extend(_karaoke_events(ctx, pages, clip_len))
        else:
            out.extend(_subtitle_events(ctx, pages, clip_len))
    return "".join(out)


def caption_text(
    words: Sequence[Word],
    *,
    clip_start: float,
    clip_end: float,
    style: str | CaptionStyle,
    speaker_names: Mapping[str, str] | None = None,
) -> str:
    """Every character :func:`build_ass` draws for these arguments (the clip's words as shown, in
    capitals for an uppercase style, and the speakers' names), one space between words. Pure."""
    caption_style = get_caption_style(style)
    shown = [w.text.upper() if caption_style.uppercase else w.text for w in clip_words(words, clip_start, clip_end)]
    names = [clean_text(n)[:MAX_NAME_CHARS] for n in (speaker_names or {}).values()]
    return " ".join(shown + names)
