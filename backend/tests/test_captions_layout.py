"""Caption layout (pure): the clip's words, line breaking, paging and placement inside the safe area."""

from __future__ import annotations

import pytest

from spaceclip.services.render.captions import (
    CAPTION_STYLES,
    CaptionWord,
    break_lines,
    clip_words,
    line_breaks,
    page_words,
    placement,
)
from spaceclip.services.render.presets import PRESETS, SafeArea
from spaceclip.services.speech.transcript import Word
from tests.caption_sample import TRANSCRIPT

# --- words of a clip ------------------------------------------------------------------------------


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


# --- line breaking --------------------------------------------------------------------------------


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


# --- paging ---------------------------------------------------------------------------------------


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


# --- placement inside the safe area ---------------------------------------------------------------


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
