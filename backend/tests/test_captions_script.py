"""The caption script (pure, no ffmpeg): each style's events checked against the transcript's word times.

The ASS scripts are read back with :mod:`tests.ass_reader`: every word's highlight (karaoke, boxed),
appearance (pop) or cue (subtitle) must match within 100 ms.
"""

from __future__ import annotations

import itertools
import re

import pytest

from spaceclip.services.render import fonts
from spaceclip.services.render.captions import CAPTION_STYLES, build_ass, placement
from spaceclip.services.render.presets import PRESETS
from spaceclip.services.speech.transcript import Word
from tests.ass_reader import WHITE, parse_events, script_info, style_fields
from tests.caption_sample import CLIP_END, CLIP_START, expected_words, sample_ass


@pytest.mark.parametrize("key", list(PRESETS))
def test_script_header_uses_output_size_and_bundled_font(key: str) -> None:
    preset = PRESETS[key]
    ass = sample_ass("karaoke", key)
    info = script_info(ass)
    assert (info["PlayResX"], info["PlayResY"]) == (str(preset.width), str(preset.height))
    assert info["WrapStyle"] == "2"  # we break lines ourselves
    style = style_fields(ass)
    assert style["Fontname"] == "Source Sans Pro"
    assert int(style["Fontsize"]) == round(0.068 * min(preset.width, preset.height))


@pytest.mark.parametrize("style", ["karaoke", "boxed"])
def test_karaoke_highlights_each_word_at_its_time(style: str) -> None:
    events = parse_events(sample_ass(style))
    expected = expected_words()
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
    events = parse_events(sample_ass("pop"))
    expected = expected_words()
    assert [e.words for e in events] == [[w.upper()] for w, _, _, _ in expected]
    for event, (_, w_start, _, _) in zip(events, expected, strict=True):
        assert abs(event.start - w_start) <= 0.1
        assert "\\t(" in event.tags and "\\fscx70" in event.tags  # scales in: the pop
    for a, b in itertools.pairwise(events):
        assert a.end <= b.start + 1e-9


@pytest.mark.parametrize("key", ["tiktok", "linkedin_landscape", "x"])
def test_subtitles_show_each_word_while_it_is_spoken(key: str) -> None:
    events = parse_events(sample_ass("subtitle", key))
    expected = expected_words()
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


# --- speakers -------------------------------------------------------------------------------------


def test_speaker_colours_and_names() -> None:
    events = parse_events(
        sample_ass("karaoke", speaker_colors=True, speaker_names={"Speaker 1": "Maya", "Speaker 2": "Guest"})
    )
    yellow, cyan = "&H0000D4FF", "&H00FFDC3D"  # palette entries 1 and 2 as ASS BGR
    by_speaker = {w: s for w, _, _, s in expected_words()}
    for event in events:
        name_colour = event.lines[0][0][1]
        (active,) = [w for line in event.lines[1:] for w, c in line if c != WHITE]
        # the name line comes first, in the speaker's colour; the active word is in the same colour
        name = event.lines[0][0][0]
        speaker = by_speaker[active]
        assert speaker is not None
        assert name == {"Speaker 1": "Maya", "Speaker 2": "Guest"}[speaker]
        colour = yellow if speaker == "Speaker 1" else cyan
        assert f"\\1c{colour}}}{active}" in event.raw.replace("\u2060", "")
        assert name_colour == colour
    long_name = parse_events(sample_ass("karaoke", speaker_names={"Speaker 1": "A" * 80}))
    assert long_name[0].lines[0] == [("A" * 32, "&H0000D4FF")]  # long names are cut short
    plain = parse_events(sample_ass("karaoke"))
    assert all(len(e.coloured()) == 1 for e in plain)
    assert not any("Maya" in e.words for e in plain)


@pytest.mark.parametrize("style", ["pop", "subtitle"])
def test_speaker_colour_colours_the_words_after_the_name_line(style: str) -> None:
    events = parse_events(
        sample_ass(style, speaker_colors=True, speaker_names={"Speaker 1": "Maya", "Speaker 2": "Guest"})
    )
    by_speaker = {w.upper(): s for w, _, _, s in expected_words()}
    for event in events:
        name_line, *text_lines = event.lines
        colours = {c for line in text_lines for _, c in line}
        speaker = by_speaker[text_lines[0][0][0].upper()]
        expected = "&H0000D4FF" if speaker == "Speaker 1" else "&H00FFDC3D"
        assert colours == {expected} and {c for _, c in name_line} == {expected}


# --- fitting the width ----------------------------------------------------------------------------


def test_long_word_is_scaled_down_to_fit() -> None:
    word = [Word(0.0, 0.5, "Incomprehensibilities", 1)]
    ass = build_ass(word, clip_start=0, clip_end=1, style="pop", width=1080, height=1920, safe=PRESETS["tiktok"].safe)
    (event,) = parse_events(ass)
    scales = [int(x) for x in re.findall(r"\\fscx(\d+)\\fscy\d+\)", event.tags)]
    assert scales and scales[-1] < 100  # the pop settles below full size: the word fits the width
    assert fonts.text_width(word[0].word.upper(), "black", 108) * scales[-1] / 100 <= 1080 - 65 - 180


@pytest.mark.parametrize("style", ["karaoke", "pop", "subtitle"])
@pytest.mark.parametrize(("position", "on_seam"), [("auto", True), ("bottom", False), ("top", False)])
def test_captions_sit_on_the_split_screens_seam_while_it_shows(style: str, position: str, on_seam: bool) -> None:
    preset = PRESETS["tiktok"]
    plain = parse_events(sample_ass(style, position=position))
    middle = (plain[0].start + plain[-1].end) / 2
    seam = [(middle, CLIP_END - CLIP_START)]  # the split screen shows in the second half of the clip
    events = parse_events(sample_ass(style, position=position, seam=seam))
    assert [(e.start, e.end, e.words) for e in events] == [(e.start, e.end, e.words) for e in plain]
    own = placement(CAPTION_STYLES[style], preset.width, preset.height, preset.safe, position=position)
    for event in events:
        split = event.start >= middle
        # On the seam: centred on the line between the halves, across the safe area like the rest.
        want = (5, own.x, preset.height // 2) if split and on_seam else (own.align, own.x, own.y)
        match = re.search(r"\\an(\d)\\pos\((\d+),(\d+)\)", event.tags)
        assert match is not None and tuple(int(g) for g in match.groups()) == want, (event.start, event.tags)
    assert any(e.start >= middle for e in events) and any(e.start < middle for e in events)
