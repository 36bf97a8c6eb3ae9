"""Cuts inside a clip in the render's one ffmpeg pass: the filter fragments as tables, and real renders.

The real render cuts a continuous tone mid-wave (where a plain cut clicks) with an 18 dB louder
stretch inside one cut: the picture and the sound both last exactly the kept frames, no seam steps
further than the tone's own slope while a hard cut of the same ranges jumps, and the loudness is
planned on the kept sound (the loud stretch cut out does not pull the clip under its target).
"""

from __future__ import annotations

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
    window_keeps,
)
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.render import RenderResult, render_clip
from spaceclip.services.render.spec import ClipSpec
from tests.cut_media import decode_mono, hard_cut, make_tone_source, seam_jumps, stream_lengths


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
    assert filter_graph("[0:0]scale=2:2[pic]", "pic", fps=30, subtitles=None, keeps=[], audio=("0:1", "x")) == plain


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
