"""Cuts inside a clip in the render's one ffmpeg pass: the filter fragments as tables, and real renders.

The real render cuts a continuous tone mid-wave (where a plain cut clicks) with an 18 dB louder
stretch inside one cut: the picture and the sound both last exactly the kept frames, no seam steps
further than the tone's own slope while a hard cut of the same ranges jumps, and the loudness is
planned on the kept sound (the loud stretch cut out does not pull the clip under its target).

The speech round trip (tests/cut_media.py measure_speech_cuts; benchmarks/bench_cuts.py prints
its figures) speaks fillers and long pauses with flite, transcribes them with tiny.en, renders with
the 9:16 default cuts and transcribes the render again.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from spaceclip.config import Settings
from spaceclip.errors import ValidationFailed
from spaceclip.services.edit.cuts import Cut, CutList
from spaceclip.services.media.probe import probe_media
from spaceclip.services.render.command import (
    build_argv,
    cut_audio_graph,
    cut_select,
    cut_video_chain,
    filter_graph,
    fit_cut_length,
    window_keeps,
)
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.render import RenderResult, render_clip
from spaceclip.services.render.spec import ClipSpec
from tests.cut_media import (
    SpeechCutFigures,
    decode_mono,
    hard_cut,
    make_tone_source,
    measure_speech_cuts,
    seam_jumps,
    stream_lengths,
)


@pytest.mark.parametrize(
    ("keeps", "start", "length", "expected"),
    [
        ([(10.0, 11.0), (12.0, 14.0)], 10.0, 4.0, [(0.0, 1.0), (2.0, 4.0)]),
        ([(10.0, 11.0), (12.0, 16.0)], 10.0, 4.0, [(0.0, 1.0), (2.0, 4.0)]),  # past the media's end
        ([(9.5, 11.0)], 10.0, 4.0, [(0.0, 1.0)]),
        ([(10.0, 11.0), (14.0, 14.0005)], 10.0, 5.0, [(0.0, 1.0)]),  # a sliver drops
        ([(20.0, 21.0)], 10.0, 4.0, []),
    ],
)
def test_window_keeps(
    keeps: list[tuple[float, float]], start: float, length: float, expected: list[tuple[float, float]]
) -> None:
    assert window_keeps(keeps, start, length) == expected


@pytest.mark.parametrize(
    ("keeps", "fps", "expr"),
    [
        ([], 30.0, "0"),
        ([(0.0, 2.0)], 30.0, "between(t,0,1.983333)"),
        ([(0.0, 1.0), (2.0, 3.0)], 10.0, "between(t,0,0.95)+between(t,1.95,2.95)"),
        ([(0.5, 1.5)], 25.0, "between(t,0.48,1.48)"),
    ],
)
def test_cut_select(keeps: list[tuple[float, float]], fps: float, expr: str) -> None:
    assert cut_select(keeps, fps) == expr


def test_cut_video_chain() -> None:
    assert cut_video_chain([(1.0, 2.0)], 25) == ["fps=25", "select='between(t,0.98,1.98)'", "setpts=N/(25*TB)"]


@pytest.mark.parametrize(
    ("keeps", "fade", "pieces", "fade_text"),
    [
        ([(1.0, 2.5)], 0.02, ["[0:1]atrim=start=1:end=2.5,asetpts=PTS-STARTPTS[a]"], None),
        (
            [(0.0, 1.0), (2.0, 3.0)],
            0.02,
            ["[0:1]asplit=2[a_s0][a_s1]", "[a_s0]atrim=start=0:end=1.01", "[a_s1]atrim=start=1.99:end=3,"],
            "acrossfade=d=0.02:c1=qsin:c2=qsin[a]",
        ),
        (  # the fade shrinks to half the shortest range (10 ms); the inner range widens by half of it
            [(0.0, 1.0), (2.0, 3.0), (4.0, 4.02)],
            0.02,
            ["[a_s1]atrim=start=1.995:end=3.005,", "[a_j1][a_t2]acrossfade"],
            "acrossfade=d=0.01:",
        ),
    ],
)
def test_cut_audio_graph(
    keeps: list[tuple[float, float]], fade: float, pieces: list[str], fade_text: str | None
) -> None:
    graph = cut_audio_graph(keeps, "0:1", "a", fade_s=fade)
    for piece in pieces:
        assert piece in graph
    assert graph.endswith("[a]")
    if fade_text is None:
        assert "acrossfade" not in graph
    else:
        assert graph.count(fade_text) == (1 if fade_text.endswith("[a]") else len(keeps) - 1)


def test_cut_audio_graph_needs_a_range() -> None:
    with pytest.raises(ValueError):
        cut_audio_graph([], "0:1", "a")


def test_filter_graph_without_cuts_is_unchanged() -> None:
    plain = "[0:0]scale=2:2[pic];[pic]fps=30,format=yuv420p[vout]"
    assert filter_graph("[0:0]scale=2:2[pic]", "pic", fps=30, subtitles=None) == plain
    # no cuts: the sound is not split, only levelled in the graph (where brand cards can join it)
    levelled = filter_graph("[0:0]scale=2:2[pic]", "pic", fps=30, subtitles=None, keeps=[], audio=("0:1", "x"))
    assert levelled == plain + ";[0:1]x[aout]"


def test_filter_graph_with_cuts() -> None:
    graph = filter_graph(
        "[0:0]scale=2:2[pic]", "pic", fps=30, subtitles="subtitles=x.ass", keeps=[(0.0, 1.0), (2.0, 3.0)],
        audio=("0:1", "volume=2dB"),
    )  # fmt: skip
    assert graph.startswith(
        "[0:0]scale=2:2[pic];[pic]fps=30,select='between(t,0,0.983333)+between(t,1.983333,2.983333)',"
        "setpts=N/(30*TB),subtitles=x.ass,format=yuv420p[vout];[0:1]asplit=2"
    )
    assert graph.endswith(";[acut]volume=2dB[aout]")


@pytest.mark.parametrize(("output_length", "t"), [(None, "4.000"), (2.5, "2.500"), (2.3333333, "2.334")])
def test_build_argv_output_length(output_length: float | None, t: str) -> None:
    argv = build_argv(
        source=Path("in.mp4"), start=1.0, length=4.0, graph="g", output=Path("o.mp4"), output_args=[],
        audio="[aout]", progress=False, output_length=output_length,
    )  # fmt: skip
    assert argv[argv.index("-ss") + 3] == "4.000"  # the input window keeps its length
    out_t = [argv[i + 1] for i, a in enumerate(argv) if a == "-t"]
    assert out_t == ["4.000", t]
    assert argv[argv.index("-map", argv.index("[vout]")) + 1] == "[aout]"


def _plan_cutting(seconds: float) -> object:
    """A planner that cuts ``seconds`` out of the middle of any range (enough room given)."""

    def plan(a: float, b: float) -> CutList:
        mid = (a + b) / 2
        cut = min(seconds, (b - a) / 2)
        return CutList(a, b, (Cut(round(mid - cut / 2, 6), round(mid + cut / 2, 6), "pause"),))

    return plan


@pytest.mark.parametrize(
    ("start", "end", "duration", "cut", "expected_range", "short"),
    [
        (10.0, 20.0, 100.0, 2.0, (10.0, 20.0), 0.0),  # 8 s after cuts: fits 3 s
        (10.0, 13.0, 100.0, 1.0, (10.0, 14.25), 0.0),  # 2 s after cuts: the end moves out
        (95.0, 98.0, 100.0, 2.0, (94.75, 100.0), 0.0),  # the media ends: the start moves back
        (0.0, 3.0, 3.0, 1.0, (0.0, 3.0), 1.0),  # nothing to widen into: 1 s short
    ],
)
def test_fit_cut_length(
    start: float, end: float, duration: float, cut: float, expected_range: tuple[float, float], short: float
) -> None:
    cuts, missing = fit_cut_length(start, end, duration, 3.0, _plan_cutting(cut))  # type: ignore[arg-type]
    assert (cuts.start, cuts.end) == pytest.approx(expected_range, abs=1e-3)
    assert missing == pytest.approx(short, abs=1e-3)


FPS = 30
#: Kept ranges ending mid-wave: 4 and 16 frames of 440 Hz leave the tone 2/3 of a cycle out of phase.
TONE_CUTS = (Cut(1.0, round(34 / FPS, 6), "removed"), Cut(2.5, round(91 / FPS, 6), "removed"))


@pytest.fixture(scope="module")
def tone_render(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, CutList, RenderResult]:
    work = tmp_path_factory.mktemp("tone-cuts")
    source = make_tone_source(work, loud=(2.6, 2.9))
    settings = Settings(data_dir=work / "data", _env_file=None)
    cuts = CutList(0.0, 6.0, TONE_CUTS)
    spec = ClipSpec(
        source=source, info=probe_media(source, settings), start=0.0, end=6.0, preset=get_preset("tiktok"),
        caption_style=None, cuts=cuts,
    )  # fmt: skip
    result = render_clip(spec, work / "out", settings, subtitles_files=False)
    return source, work, cuts, result


def test_cut_render_keeps_picture_and_sound_in_step(tone_render: tuple[Path, Path, CutList, RenderResult]) -> None:
    _, _, cuts, result = tone_render
    assert result.duration == pytest.approx(cuts.duration, abs=1e-6)
    picture, sound = stream_lengths(result.video)
    assert picture == pytest.approx(160 / FPS, abs=1e-6)  # 5.333 s: exactly the kept frames
    assert sound == pytest.approx(cuts.duration, abs=1 / FPS)
    assert result.passed, result.check
    # levelled on what is kept: the loud stretch that was cut out did not lower the gain
    loudness = {i["name"]: i for i in result.check["items"]}["Loudness"]
    assert loudness["passed"], loudness


def test_cut_render_does_not_click(tone_render: tuple[Path, Path, CutList, RenderResult]) -> None:
    source, work, cuts, result = tone_render
    jumps = seam_jumps(decode_mono(result.video), cuts.seams)
    hard = seam_jumps(decode_mono(hard_cut(source, cuts.keeps, work / "hard.m4a")), cuts.seams)
    # an equal-power fade between two copies of a tone out of phase stays near the tone's own slope
    # (at most 1.41 times it); the hard cut steps several times further
    assert jumps.ratio < 1.5, jumps
    assert hard.ratio > 3.0, hard


def test_cuts_that_take_everything_are_refused(tmp_path: Path) -> None:
    source = make_tone_source(tmp_path, seconds=2.0)
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    spec = ClipSpec(
        source=source, info=probe_media(source, settings), start=0.0, end=2.0, preset=get_preset("tiktok"),
        caption_style=None, cuts=CutList(0.0, 2.0, (Cut(0.0, 2.0, "removed"),)),
    )  # fmt: skip
    with pytest.raises(ValidationFailed, match="take out all"):
        render_clip(spec, tmp_path / "out", settings)


@pytest.fixture(scope="module")
def speech_cuts(tmp_path_factory: pytest.TempPathFactory) -> SpeechCutFigures:
    return measure_speech_cuts(tmp_path_factory.mktemp("speech-cuts"))


def test_removed_fillers_are_not_heard_again(speech_cuts: SpeechCutFigures) -> None:
    """Real speech with "um"/"uh", transcribed, cut, rendered and transcribed again (tiny.en, filler prompt)."""
    f = speech_cuts
    assert f.fillers_removed >= 3, f
    assert f.removed_heard_again == 0, f


def test_long_pauses_are_shortened(speech_cuts: SpeechCutFigures) -> None:
    f = speech_cuts
    assert len(f.long_pauses) >= 3, f.long_pauses  # the script's 1.0, 1.2, 1.6 and 2.2 s silences
    # each comes out at Y, give or take where Whisper put the words' edges inside the silence
    assert all(after <= f.pause_to_s + 0.1 for _, after in f.long_pauses), f.long_pauses
    # pauses up to X are left as they were; none longer remains
    assert f.longest_pause_out <= f.pause_over_s, f.pauses_out


def test_captions_follow_the_cut_words(speech_cuts: SpeechCutFigures) -> None:
    f = speech_cuts
    assert f.caption_offsets and max(f.caption_offsets) <= 0.1
    assert f.srt_offsets and max(f.srt_offsets) <= 0.1
    # against what Whisper hears in the render: most words start within 100 ms of the caption's time
    assert statistics.median(f.heard_offsets) <= 0.1, f.heard_offsets


def test_speech_seams_do_not_click_and_stay_in_sync(speech_cuts: SpeechCutFigures) -> None:
    f = speech_cuts
    assert f.jumps.ratio < 1.0, f.jumps  # no seam steps as far as the speech itself does
    frame = 1 / 30
    assert abs(f.picture_s - f.cuts.duration) <= frame and abs(f.sound_s - f.cuts.duration) <= frame
    assert f.result.duration == pytest.approx(f.cuts.duration, abs=1e-6) and f.result.passed
