"""Captions: word paging, line breaking, placement, ASS escaping and timing, clip SRT/VTT (pure, no ffmpeg).

The ASS scripts are read back with the small parser below and checked against the transcript's own
word times: every word's highlight (karaoke, boxed), appearance (pop) or cue (subtitle) must match
within 100 ms.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pytest

from spaceclip.errors import UserError
from spaceclip.services.render import captions
from spaceclip.services.render.captions import (
    CAPTION_STYLES,
    CaptionWord,
    ass_escape,
    ass_filter,
    ass_time,
    break_lines,
    build_ass,
    clip_srt,
    clip_vtt,
    clip_words,
    line_breaks,
    page_words,
    placement,
    speaker_color,
)
from spaceclip.services.render.platforms import PRESETS, SafeArea
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word, parse_srt, parse_vtt

# --- a reader for the ASS scripts (also used by test_captions_render.py) -------------------------


_TIME = re.compile(r"^(\d+):(\d{2}):(\d{2})\.(\d{2})$")
# An override block: "{" not escaped by a backslash, up to the first "}" not escaped.
_BLOCK = re.compile(r"(?<!\\)\{(.*?)(?<!\\)\}")
_COLOUR = re.compile(r"\\1c(&H[0-9A-F]{8})")
WHITE = "&H00FFFFFF"


def ass_seconds(text: str) -> float:
    match = _TIME.match(text)
    assert match, text
    h, m, s, cs = (int(g) for g in match.groups())
    return h * 3600 + m * 60 + s + cs / 100


def unescape(text: str) -> str:
    return text.replace("\u2060", "").replace("\\{", "{").replace("\\}", "}")


@dataclass
class Event:
    start: float
    end: float
    raw: str
    tags: str  # every override block's content, joined
    lines: list[list[tuple[str, str]]]  # visible lines of (word, primary colour)

    @property
    def words(self) -> list[str]:
        return [w for line in self.lines for w, _ in line]

    @property
    def text(self) -> str:
        return " ".join(" ".join(w for w, _ in line) for line in self.lines)

    def coloured(self, base: str = WHITE) -> list[str]:
        return [w for line in self.lines for w, c in line if c != base]


def _visible_lines(raw: str, base: str) -> tuple[str, list[list[tuple[str, str]]]]:
    colour = base
    tags: list[str] = []
    lines: list[list[tuple[str, str]]] = [[]]
    pos = 0

    def emit(chunk: str, colour: str) -> None:
        parts = chunk.split("\\N")
        for n, part in enumerate(parts):
            if n:
                lines.append([])
            for word in part.split(" "):
                if word:
                    lines[-1].append((unescape(word), colour))

    for match in _BLOCK.finditer(raw):
        emit(raw[pos : match.start()], colour)
        tags.append(match.group(1))
        found = _COLOUR.findall(match.group(1))
        if found:
            colour = found[-1]
        pos = match.end()
    emit(raw[pos:], colour)
    return "".join(tags), [line for line in lines if line]


def parse_events(ass: str, base: str = WHITE) -> list[Event]:
    events: list[Event] = []
    in_events = False
    for line in ass.splitlines():
        if line.strip() == "[Events]":
            in_events = True
            continue
        if in_events and line.startswith("Dialogue:"):
            fields = line[len("Dialogue:") :].strip().split(",", 9)
            raw = fields[9]
            tags, lines = _visible_lines(raw, base)
            events.append(Event(ass_seconds(fields[1]), ass_seconds(fields[2]), raw, tags, lines))
    return events


def script_info(ass: str) -> dict[str, str]:
    info: dict[str, str] = {}
    for line in ass.splitlines():
        if line.startswith("[") and info:
            break
        key, sep, value = line.partition(": ")
        if sep and not line.startswith(";"):
            info[key] = value
    return info


def style_fields(ass: str) -> dict[str, str]:
    names: list[str] = []
    for line in ass.splitlines():
        if line.startswith("Format:") and "Fontname" in line:
            names = [n.strip() for n in line[len("Format:") :].split(",")]
        if line.startswith("Style:"):
            return dict(zip(names, (v.strip() for v in line[len("Style:") :].split(",")), strict=True))
    raise AssertionError("no style line")


# --- fixtures ------------------------------------------------------------------------------------


def _words(text: str, start: float, speaker: str, *, step: float = 0.31, dur: float = 0.24) -> list[Word]:
    """Words of ``text`` at a steady pace, a longer gap after each sentence."""
    out: list[Word] = []
    t = start
    for token in text.split():
        out.append(Word(round(t, 3), round(t + dur, 3), token, 0.9, speaker))
        t += step + (0.5 if token.endswith((".", "?", "!")) else 0.0)
    return out


def _segment(words: list[Word]) -> Segment:
    return Segment(words[0].start, words[-1].end, " ".join(w.word for w in words), words[0].speaker, tuple(words))


SEG1 = _words(
    "So here's the thing. Nobody tells you how hard it is to start a podcast, and keep going every "
    "single week without an audience.",
    8.0,
    "Speaker 1",
)
SEG2 = _words("Honestly? I almost quit twice. But the third season changed everything for us.", 17.6, "Speaker 2")
SEG3 = _words("That is why we built the community first.", 23.5, "Speaker 1")
TRANSCRIPT = Transcript(
    duration=30.0,
    language="en",
    speakers=(Speaker("Speaker 1", "Maya"), Speaker("Speaker 2", None)),
    segments=(_segment(SEG1), _segment(SEG2), _segment(SEG3)),
)
CLIP_START, CLIP_END = 9.6, 24.4  # starts and ends in the middle of a sentence


def _expected_words() -> list[tuple[str, float, float, str | None]]:
    """The clip's words straight from the transcript: (text, start, end) relative to the clip."""
    out = []
    for w in TRANSCRIPT.words:
        if CLIP_START <= (w.start + w.end) / 2 < CLIP_END:
            out.append((w.word, w.start - CLIP_START, min(w.end, CLIP_END) - CLIP_START, w.speaker))
    return out


def _ass(style: str, key: str = "tiktok", **kw: object) -> str:
    preset = PRESETS[key]
    return build_ass(
        list(TRANSCRIPT.words),
        clip_start=CLIP_START,
        clip_end=CLIP_END,
        style=style,
        width=preset.width,
        height=preset.height,
        safe=preset.safe,
        **kw,  # type: ignore[arg-type]
    )


# --- words of a clip -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        (Word(11.0, 11.4, "inside", 1), CaptionWord("inside", 1.0, 1.4)),
        (Word(9.8, 10.3, "straddles", 1), CaptionWord("straddles", 0.0, 0.3)),  # midpoint inside: clipped
        (Word(9.5, 10.1, "mostly-before", 1), None),  # midpoint before the clip
        (Word(14.8, 15.1, "end", 1), CaptionWord("end", 4.8, 5.0)),  # clipped at the clip's end
        (Word(15.0, 15.2, "after", 1), None),
        (Word(12.0, 12.2, "  spaced\nout ", 1), CaptionWord("spaced out", 2.0, 2.2)),
        (Word(12.0, 12.2, "   ", 1), None),
    ],
)
def test_clip_words_retimes_and_clips(word: Word, expected: CaptionWord | None) -> None:
    assert clip_words([word], 10.0, 15.0) == ([expected] if expected else [])


# --- line breaking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "max_chars", "lines"),
    [
        ("Hello world", 32, ["Hello world"]),
        ("I think the future of audio is social and it is live", 32,
         ["I think the future of audio", "is social and it is live"]),
        # a comma wins over perfect balance
        ("We tried everything, and nothing worked at all for us", 32,
         ["We tried everything,", "and nothing worked at all for us"]),
        # a sentence end wins too
        ("It works. Then we shipped it to everyone", 32, ["It works.", "Then we shipped it to everyone"]),
        # the most balanced break ("think the | future", 18/23) would end on "the": the next best is taken
        ("I really think the future of audio is live", 28, ["I really think the future", "of audio is live"]),
        # a word longer than a line gets a line of its own, never split
        ("Supercalifragilisticexpialidocious is a long word", 20,
         ["Supercalifragilisticexpialidocious", "is a long word"]),
        # more than two lines' worth: filled greedily
        ("one two three four five six seven eight nine ten eleven", 20,
         ["one two three four", "five six seven eight", "nine ten eleven"]),
        ("short words only", 5, ["short", "words", "only"]),
        ("", 32, []),
    ],
)  # fmt: skip
def test_break_lines(text: str, max_chars: int, lines: list[str]) -> None:
    assert break_lines(text.split(), max_chars) == lines


@pytest.mark.parametrize("max_chars", [16, 24, 32, 42])
def test_break_lines_properties(max_chars: int) -> None:
    text = TRANSCRIPT.text.split()
    for n in range(1, 14):
        for i in range(0, len(text) - n):
            words = text[i : i + n]
            lines = break_lines(words, max_chars)
            assert " ".join(lines).split() == words  # nothing lost, nothing split
            for line in lines:
                assert len(line) <= max_chars or " " not in line
            if len(lines) == 2 and len(" ".join(words)) <= max_chars:
                raise AssertionError("two lines for text that fits on one")
            if len(lines) == 2:
                # balanced: the shorter line holds at least a quarter of the text
                assert min(len(x) for x in lines) >= len(" ".join(words)) // 4 or any(
                    x.endswith((",", ".", "?", "!")) for x in lines
                )


def test_line_breaks_counts() -> None:
    assert line_breaks(["a", "b", "c"], 3) == (2, 1)
    assert line_breaks(["a", "b", "c"], 5) == (3,)
    assert line_breaks(["abc", "defgh"], 5, max_lines=1) == (1, 1)


# --- paging --------------------------------------------------------------------------------------


def _cw(spec: str) -> list[CaptionWord]:
    """ "word@start[/speaker]" tokens, each word 0.25 s long."""
    out = []
    for token in spec.split():
        text, _, rest = token.partition("@")
        start, _, speaker = rest.partition("/")
        out.append(CaptionWord(text, float(start), float(start) + 0.25, speaker or "A"))
    return out


@pytest.mark.parametrize(
    ("spec", "max_chars", "pages"),
    [
        # a sentence end closes the page
        ("Hi.@0 How@0.5 are@0.8 you?@1.1 Fine@1.6", 32, ["Hi.", "How are you?", "Fine"]),
        # a pause of 0.7 s or more closes it
        ("so@0 and@0.3 then@1.4 we@1.7", 32, ["so and", "then we"]),
        # a change of speaker closes it
        ("yes@0/A right@0.3/B sure@0.6/B", 32, ["yes", "right sure"]),
        # full (two lines of 10): cut after the comma in the second half
        ("so@0 we@0.3 went@0.6 home,@0.9 then@1.2 we@1.5 slept@1.8 well@2.1", 12,
         ["so we went home,", "then we slept well"]),
        # full with no comma: just wrap to a new page
        ("aaaa@0 bbbb@0.3 cccc@0.6 dddd@0.9 eeee@1.2", 9, ["aaaa bbbb cccc dddd", "eeee"]),
    ],
)  # fmt: skip
def test_page_words(spec: str, max_chars: int, pages: list[str]) -> None:
    got = page_words(_cw(spec), max_chars=max_chars, max_lines=2)
    assert [" ".join(w.text for w in page) for page in got] == pages


def test_pages_never_last_longer_than_the_limit() -> None:
    words = [CaptionWord(f"w{i}", i * 0.5, i * 0.5 + 0.4, "A") for i in range(40)]
    for page in page_words(words, max_chars=200, max_lines=2, max_page_s=3.0):
        assert page[-1].end - page[0].start <= 3.0


# --- ASS text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("{\\b1}bold", "\\{\\\u2060b1\\}bold"),
        ("a\\Nb", "a\\\u2060Nb"),  # not a line break
        ("tab\there\nnewline", "tab here newline"),
        ("\\{", "\\\u2060\\{"),
        ("100%", "100%"),
    ],
)
def test_ass_escape(text: str, escaped: str) -> None:
    assert ass_escape(text) == escaped
    assert unescape(escaped) == " ".join(text.split())


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00:00.00"), (1.004, "0:00:01.00"), (1.005, "0:00:01.00"), (1.006, "0:00:01.01"),
     (61.5, "0:01:01.50"), (3725.99, "1:02:05.99"), (-2, "0:00:00.00")],
)  # fmt: skip
def test_ass_time(seconds: float, text: str) -> None:
    assert ass_time(seconds) == text


def test_user_text_cannot_inject_tags() -> None:
    words = [Word(0.0, 0.3, "{\\fs99}big", 1), Word(0.4, 0.7, "a\\Nb", 1), Word(0.8, 1.0, "}{", 1)]
    ass = build_ass(
        words, clip_start=0, clip_end=2, style="subtitle", width=1080, height=1920, safe=PRESETS["tiktok"].safe
    )
    (event,) = parse_events(ass)
    assert event.words == ["{\\fs99}big", "a\\Nb", "}{"]
    assert "fs99" not in event.tags and len(event.lines) == 1  # no injected tag, no injected line break


# --- the script ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(PRESETS))
def test_script_header_uses_output_size_and_bundled_font(key: str) -> None:
    preset = PRESETS[key]
    ass = _ass("karaoke", key)
    info = script_info(ass)
    assert (info["PlayResX"], info["PlayResY"]) == (str(preset.width), str(preset.height))
    assert info["WrapStyle"] == "2"  # we break lines ourselves
    style = style_fields(ass)
    assert style["Fontname"] == "Source Sans Pro"
    assert int(style["Fontsize"]) == round(0.068 * min(preset.width, preset.height))


def test_styles_have_names_and_descriptions() -> None:
    assert {"karaoke", "pop", "subtitle"} <= set(CAPTION_STYLES)
    for key, style in CAPTION_STYLES.items():
        assert style.key == key and style.name and len(style.description) > 20
        assert style.to_dict() == {"key": key, "name": style.name, "description": style.description}
    with pytest.raises(UserError, match="karaoke"):
        captions.get_caption_style("comic-sans")


@pytest.mark.parametrize("style", ["karaoke", "boxed"])
def test_karaoke_highlights_each_word_at_its_time(style: str) -> None:
    events = parse_events(_ass(style))
    expected = _expected_words()
    highlighted = [(e.start, e.end, e.coloured()) for e in events]
    assert [c for _, _, c in highlighted] == [[w] for w, _, _, _ in expected]  # one active word per event
    for (start, end, _), (_, w_start, w_end, _) in zip(highlighted, expected, strict=True):
        assert abs(start - w_start) <= 0.1
        assert end >= min(w_end, CLIP_END - CLIP_START) - 0.1  # highlighted at least while spoken
    # The whole line stays up: every event shows more than the active word, and events never overlap.
    assert sum(len(e.words) > 1 for e in events) > 0.8 * len(events)
    assert all(e.coloured()[0] in e.words for e in events)
    for a, b in itertools.pairwise(events):
        assert a.end <= b.start + 1e-9
    assert events[-1].end <= CLIP_END - CLIP_START + 1e-9


def test_pop_shows_one_word_at_its_time() -> None:
    events = parse_events(_ass("pop"))
    expected = _expected_words()
    assert [e.words for e in events] == [[w.upper()] for w, _, _, _ in expected]
    for event, (_, w_start, _, _) in zip(events, expected, strict=True):
        assert abs(event.start - w_start) <= 0.1
        assert "\\t(" in event.tags and "\\fscx70" in event.tags  # scales in: the pop
    for a, b in itertools.pairwise(events):
        assert a.end <= b.start + 1e-9


@pytest.mark.parametrize("key", ["tiktok", "linkedin_landscape", "x"])
def test_subtitles_show_each_word_while_it_is_spoken(key: str) -> None:
    events = parse_events(_ass("subtitle", key))
    expected = _expected_words()
    shown = [(e, w) for e in events for w in e.words]
    assert [w for _, w in shown] == [w for w, _, _, _ in expected]
    i = 0
    for event in events:
        first_start = expected[i][1]
        assert abs(event.start - first_start) <= 0.1  # the cue appears with its first word
        for _ in event.words:
            _, w_start, w_end, _ = expected[i]
            assert event.start <= w_start + 0.1 and event.end >= w_end - 0.1
            i += 1
        assert 1 <= len(event.lines) <= 2
    place = placement(CAPTION_STYLES["subtitle"], PRESETS[key].width, PRESETS[key].height, PRESETS[key].safe)
    for event in events:
        for line in event.lines:
            assert len(" ".join(w for w, _ in line)) <= place.max_chars or len(line) == 1
    # pages end at sentence ends: no cue runs across "twice. But"
    assert not any("twice." in e.words[:-1] for e in events)


@pytest.mark.parametrize(
    ("style", "key", "low", "high"),
    [("subtitle", "tiktok", 24, 32), ("karaoke", "tiktok", 20, 28), ("subtitle", "x", 24, 32),
     ("subtitle", "linkedin_landscape", 42, 42), ("karaoke", "linkedin_landscape", 36, 36),
     ("subtitle", "linkedin_square", 28, 32), ("pop", "tiktok", 12, 16)],
)  # fmt: skip
def test_line_length_limits_follow_the_frame(style: str, key: str, low: int, high: int) -> None:
    preset = PRESETS[key]
    place = placement(CAPTION_STYLES[style], preset.width, preset.height, preset.safe)
    assert low <= place.max_chars <= high  # 9:16 lines stay short (<= 32), 16:9 may be longer


def test_speaker_colours_and_names() -> None:
    events = parse_events(
        _ass("karaoke", speaker_colors=True, speaker_names={"Speaker 1": "Maya", "Speaker 2": "Guest"})
    )
    yellow, cyan = "&H0000D4FF", "&H00FFDC3D"  # palette entries 1 and 2 as ASS BGR
    by_speaker = {w: s for w, _, _, s in _expected_words()}
    for event in events:
        name_colour = event.lines[0][0][1]
        (active,) = [w for line in event.lines[1:] for w, c in line if c != WHITE]
        # the name line comes first, in the speaker's colour; the active word is in the same colour
        name = event.lines[0][0][0]
        speaker = by_speaker[active]
        assert name == {"Speaker 1": "Maya", "Speaker 2": "Guest"}[speaker]
        colour = yellow if speaker == "Speaker 1" else cyan
        assert f"\\1c{colour}}}{active}" in event.raw.replace("\u2060", "")
        assert name_colour == colour
    long_name = parse_events(_ass("karaoke", speaker_names={"Speaker 1": "A" * 80}))
    assert long_name[0].lines[0] == [("A" * 32, "&H0000D4FF")]  # long names are cut short
    plain = parse_events(_ass("karaoke"))
    assert all(len(e.coloured()) == 1 for e in plain)
    assert not any("Maya" in e.words for e in plain)


@pytest.mark.parametrize(
    ("label", "labels", "colour"),
    [("Speaker 1", (), "FFD400"), ("Speaker 2", (), "3DDCFF"), ("Speaker 7", (), "FFD400"),
     ("Host", ("Guest", "Host"), "3DDCFF"), (None, (), None)],
)  # fmt: skip
def test_speaker_color(label: str | None, labels: tuple[str, ...], colour: str | None) -> None:
    assert speaker_color(label, labels) == colour


# --- placement inside the safe area --------------------------------------------------------------


@pytest.mark.parametrize("key", list(PRESETS))
@pytest.mark.parametrize("style", list(CAPTION_STYLES))
def test_captions_sit_inside_the_safe_area(key: str, style: str) -> None:
    preset = PRESETS[key]
    x0, y0, x1, y1 = preset.safe.box(preset.width, preset.height)
    s = CAPTION_STYLES[style]
    place = placement(s, preset.width, preset.height, preset.safe)
    lines = s.max_lines + 0.72  # the text lines plus a speaker name line
    pad = place.font_size * s.outline
    block = lines * place.line_height + 2 * pad
    if place.align == 2:  # bottom-centre anchor
        top, bottom = place.y - block, place.y + pad
    else:  # middle-centre anchor
        top, bottom = place.y - block / 2, place.y + block / 2
    assert y0 <= top and bottom <= y1
    assert x0 <= place.x - place.max_width / 2 and place.x + place.max_width / 2 <= x1
    assert place.x == (x0 + x1) // 2  # centred in the uncovered area, not the frame


def test_placement_follows_the_covered_zones() -> None:
    style = CAPTION_STYLES["karaoke"]
    bare = placement(style, 1080, 1920, SafeArea(0, 0, 0, 0))
    reels = placement(style, 1080, 1920, PRESETS["instagram_reels"].safe)
    tiktok = placement(style, 1080, 1920, PRESETS["tiktok"].safe)
    assert reels.y == bare.y - 670  # lifted above Instagram's bottom 670 px
    assert tiktok.x < reels.x  # moved left, away from TikTok's right-hand buttons
    assert reels.font_size == 73


def test_long_word_is_scaled_down_to_fit() -> None:
    word = [Word(0.0, 0.5, "Incomprehensibilities", 1)]
    ass = build_ass(word, clip_start=0, clip_end=1, style="pop", width=1080, height=1920, safe=PRESETS["tiktok"].safe)
    (event,) = parse_events(ass)
    scales = [int(x) for x in re.findall(r"\\fscx(\d+)\\fscy\d+\)", event.tags)]
    assert scales and scales[-1] < 100  # the pop settles below full size: the word fits the width
    assert captions.text_width(word[0].word.upper(), "black", 108) * scales[-1] / 100 <= 1080 - 65 - 180


# --- SRT / VTT for a clip ------------------------------------------------------------------------


def test_clip_srt_is_retimed_with_speaker_names() -> None:
    srt = clip_srt(TRANSCRIPT, CLIP_START, CLIP_END)
    cues = parse_srt(srt, speaker_names=["Maya", "Speaker 2"])
    assert cues[0].start == pytest.approx(_expected_words()[0][1], abs=0.001)
    assert cues[0].speaker == "Maya" and any(c.speaker == "Speaker 2" for c in cues)
    words = " ".join(c.text for c in cues).split()
    assert words == [w for w, _, _, _ in _expected_words()]
    assert all(0 <= c.start < c.end <= CLIP_END - CLIP_START for c in cues)
    first_word_of = {i: w for i, w in enumerate(_expected_words())}
    assert abs(cues[1].start - next(w[1] for w in first_word_of.values() if w[0] == cues[1].text.split()[0])) <= 0.1


def test_clip_vtt_is_retimed_with_voices() -> None:
    vtt = clip_vtt(TRANSCRIPT, CLIP_START, CLIP_END)
    assert vtt.startswith("WEBVTT")
    cues = parse_vtt(vtt)
    assert cues[0].speaker == "Maya" and cues[0].start == pytest.approx(_expected_words()[0][1], abs=0.001)
    assert " ".join(c.text for c in cues).split() == [w for w, _, _, _ in _expected_words()]


def test_clip_transcript_keeps_corrected_text_of_whole_segments() -> None:
    seg = Segment(
        2.0,
        3.0,
        "Corrected, with care.",
        "Speaker 1",
        (Word(2.0, 2.4, "Corrected,", 1), Word(2.5, 3.0, "with care.", 1)),
    )
    t = Transcript(5.0, "en", (), (seg,))
    part = captions.clip_transcript(t, 1.0, 4.0)
    assert part.segments[0].text == "Corrected, with care."
    assert part.segments[0].start == pytest.approx(1.0) and part.duration == 3.0
    assert captions.clip_transcript(t, 3.5, 5.0).segments == ()


# --- the ffmpeg filter string --------------------------------------------------------------------


def test_ass_filter_string(tmp_path_factory: pytest.TempPathFactory) -> None:
    got = ass_filter(captions.Path("/tmp/x y/it's:a.ass"), font_folder=captions.Path("/opt/fonts"))
    assert got == "subtitles=filename=/tmp/x\\\\\\ y/it\\\\\\'s\\\\:a.ass:fontsdir=/opt/fonts"


@pytest.mark.parametrize("style", ["pop", "subtitle"])
def test_speaker_colour_colours_the_words_after_the_name_line(style: str) -> None:
    events = parse_events(_ass(style, speaker_colors=True, speaker_names={"Speaker 1": "Maya", "Speaker 2": "Guest"}))
    by_speaker = {w.upper(): s for w, _, _, s in _expected_words()}
    for event in events:
        name_line, *text_lines = event.lines
        colours = {c for line in text_lines for _, c in line}
        speaker = by_speaker[text_lines[0][0][0].upper()]
        expected = "&H0000D4FF" if speaker == "Speaker 1" else "&H00FFDC3D"
        assert colours == {expected} and {c for _, c in name_line} == {expected}
