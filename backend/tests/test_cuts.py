"""Cut lists from word times (services/edit/cuts.py), as tables of cases."""

from __future__ import annotations

import pytest

from spaceclip.services.edit.cuts import (
    Cut,
    CutList,
    CutSettings,
    merge_ranges,
    plan_cuts,
    validate_ranges,
)
from spaceclip.services.speech.transcript import Segment, Transcript, Word


def W(a: float, b: float, text: str = "w", filler: bool = False) -> Word:
    return Word(a, b, text, 1.0, None, filler)


# "the, um, the main thing" with a long pause before "thing"
SENTENCE = [
    W(0.0, 0.2, "the"),
    W(0.4, 0.7, "um", filler=True),
    W(0.9, 1.1, "the"),
    W(1.1, 1.4, "main"),
    W(2.6, 3.0, "thing"),
]


@pytest.mark.parametrize(
    ("settings", "fps", "cuts"),
    [
        (CutSettings(), None, []),
        # the filler goes with the hesitation around it: 0.15 s (half of Y) stays beside each word
        (CutSettings(remove_fillers=True), None, [(0.35, 0.75, "filler")]),
        # the 1.2 s pause before "thing" is cut to 0.3: 0.15 s stays on each side
        (CutSettings(shorten_pauses=True), None, [(1.55, 2.45, "pause")]),
        # a pause as long as the limit stays
        (CutSettings(shorten_pauses=True, pause_over_s=1.2), None, []),
        (
            CutSettings(remove_fillers=True, shorten_pauses=True),
            None,
            [(0.35, 0.75, "filler"), (1.55, 2.45, "pause")],
        ),
        # with Y = 0.2 the filler's cut leaves 0.1 s beside each word, under X: no pause cut there
        (
            CutSettings(remove_fillers=True, shorten_pauses=True, pause_over_s=0.3, pause_to_s=0.2),
            None,
            [(0.3, 0.8, "filler"), (1.5, 2.5, "pause")],
        ),
        # a pause shortened without the filler cut: the filler stays, the silences around it are short
        (
            CutSettings(shorten_pauses=True, pause_over_s=0.15, pause_to_s=0.1),
            None,
            [(0.25, 0.35, "pause"), (0.75, 0.85, "pause"), (1.45, 2.55, "pause")],
        ),
        # restoring the filler keeps it
        (CutSettings(remove_fillers=True, restored=((0.4, 0.7),)), None, []),
        # the creator strikes "main"
        (CutSettings(removed=((1.1, 1.4),)), None, [(1.1, 1.4, "removed")]),
        # snapped to 30 fps from the clip's start
        (CutSettings(remove_fillers=True), 30.0, [(0.333, 0.733, "filler")]),
        (CutSettings(removed=((1.11, 1.39),)), 10.0, [(1.1, 1.4, "removed")]),
    ],
)
def test_plan_cuts(settings: CutSettings, fps: float | None, cuts: list[tuple[float, float, str]]) -> None:
    plan = plan_cuts(0.0, 3.0, SENTENCE, settings, fps=fps)
    assert [(round(c.start, 3), round(c.end, 3), c.reason) for c in plan.cuts] == cuts


@pytest.mark.parametrize(
    ("words", "settings", "cuts"),
    [
        # leading and trailing silence keep only half the pause next to the word
        ([W(2.0, 2.5)], CutSettings(shorten_pauses=True), [(0.0, 1.85), (2.65, 5.0)]),
        # two fillers 0.05 s apart merge into one cut (no sliver between)
        ([W(0, 1), W(1, 1.5, filler=True), W(1.55, 2.0, filler=True), W(2.0, 5.0)], CutSettings(remove_fillers=True),
         [(1.0, 2.0)]),
        # a cut shorter than 40 ms is not worth a seam
        ([W(0, 1), W(1, 1.03, filler=True), W(1.03, 5)], CutSettings(remove_fillers=True), []),
        # a cut that ends 50 ms before the clip's end takes the end too
        ([W(0, 4.0), W(4.0, 4.95, filler=True)], CutSettings(remove_fillers=True), [(4.0, 5.0)]),
        # a removed range partly outside the clip is clamped
        ([W(0, 5)], CutSettings(removed=((-1.0, 0.5),)), [(0.0, 0.5)]),
    ],
)  # fmt: skip
def test_plan_cuts_edges(words: list[Word], settings: CutSettings, cuts: list[tuple[float, float]]) -> None:
    plan = plan_cuts(0.0, 5.0, words, settings)
    assert [(round(c.start, 3), round(c.end, 3)) for c in plan.cuts] == cuts


def test_restored_pause_is_left() -> None:
    plan = plan_cuts(0.0, 3.0, SENTENCE, CutSettings(shorten_pauses=True, restored=((1.4, 2.6),)))
    assert plan.cuts == ()


CLIP = CutList(10.0, 20.0, (Cut(12.0, 13.0, "filler"), Cut(15.0, 17.0, "pause")))


@pytest.mark.parametrize(
    ("source", "output"),
    [(10.0, 0.0), (11.5, 1.5), (12.0, 2.0), (12.5, 2.0), (13.0, 2.0), (14.0, 3.0), (16.0, 4.0), (17.5, 4.5),
     (20.0, 7.0), (25.0, 7.0), (5.0, 0.0)],
)  # fmt: skip
def test_to_output(source: float, output: float) -> None:
    assert CLIP.to_output(source) == pytest.approx(output)


@pytest.mark.parametrize(
    ("output", "source"), [(0.0, 10.0), (1.5, 11.5), (2.0, 13.0), (3.9, 14.9), (4.0, 17.0), (7.0, 20.0)]
)
def test_to_source(output: float, source: float) -> None:
    assert CLIP.to_source(output) == pytest.approx(source)


def test_cut_list_shape() -> None:
    assert CLIP.keeps == ((10.0, 12.0), (13.0, 15.0), (17.0, 20.0))
    assert CLIP.duration == pytest.approx(7.0)
    assert CLIP.removed_s == pytest.approx(3.0)
    assert CLIP.seams == pytest.approx((2.0, 4.0))
    assert CutList.from_dict(CLIP.to_dict()) == CLIP


def test_retime_words_and_transcript() -> None:
    words = (W(10.5, 11.0, "a"), W(12.2, 12.8, "um", True), W(13.5, 14.0, "b"), W(14.6, 15.2, "c"), W(19.0, 19.5, "d"))
    assert [(w.word, w.start, w.end) for w in CLIP.retime_words(words)] == [
        ("a", 0.5, 1.0),
        ("b", 2.5, 3.0),
        ("c", 3.6, 4.0),  # reaches into the pause cut: ends at the seam
        ("d", 6.0, 6.5),
    ]
    transcript = Transcript(
        duration=30.0,
        language="en",
        segments=(Segment(10.5, 15.4, "a um b c", "S1", words[:4]), Segment(19.0, 19.5, "d", "S2", words[4:])),
    )
    cut = CLIP.retime_transcript(transcript)
    assert cut.duration == pytest.approx(7.0)
    assert [(s.start, s.end, s.text, s.speaker) for s in cut.segments] == [
        (0.5, 4.0, "a b c", "S1"),
        (6.0, 6.5, "d", "S2"),
    ]


@pytest.mark.parametrize(
    ("ranges", "problems"),
    [
        ([(1.0, 2.0), (3.0, 4.0)], 0),
        ([(2.0, 1.0)], 1),
        ([(1.0, 1.0)], 1),
        ([(-1.0, 2.0)], 1),
        ([(9.0, 11.0)], 1),
        ([(1.0, 3.0), (2.0, 4.0)], 1),
        ([(1.0, 2.0), (2.0, 3.0)], 0),  # touching is not overlapping
    ],
)
def test_validate_ranges(ranges: list[tuple[float, float]], problems: int) -> None:
    assert len(validate_ranges(ranges, 0.0, 10.0)) == problems


def test_merge_ranges() -> None:
    assert merge_ranges([(3, 4), (1, 2), (1.5, 2.5), (5, 5)]) == [(1, 2.5), (3, 4)]
    assert merge_ranges([(1, 2), (2.05, 3)], join_within=0.1) == [(1, 3)]


@pytest.mark.parametrize(
    ("key", "on"),
    [
        ("tiktok", True),
        ("instagram_reels", True),
        ("youtube_shorts", True),
        ("instagram_feed", False),
        ("linkedin_landscape", False),
    ],
)
def test_cuts_default_on_for_vertical_presets(key: str, on: bool) -> None:
    from spaceclip.services.edit.defaults import cuts_for_preset, default_cut_settings
    from spaceclip.services.render.presets import get_preset

    preset = get_preset(key)
    assert default_cut_settings(preset).remove_fillers is on
    assert bool(cuts_for_preset(0.0, 3.0, SENTENCE, preset).cuts) is on
    # an explicit choice wins over the preset's default
    assert bool(cuts_for_preset(0.0, 3.0, SENTENCE, preset, remove_fillers=True, shorten_pauses=False).cuts)
