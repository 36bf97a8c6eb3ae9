"""Render command assembly: pure functions as tables, and the fit filters run through real ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest

from spaceclip.errors import ValidationFailed
from spaceclip.services.media.process import run_process
from spaceclip.services.render.captions import shift_ass
from spaceclip.services.render.command import (
    VIDEO_OUT,
    build_argv,
    choose_layout,
    clip_window,
    filter_graph,
    fit_filter,
    fit_length,
    reframe_sample_fps,
    speaker_track,
    voice_track,
)
from spaceclip.services.speech.transcript import Segment, Transcript, VoiceTurn, Word
from spaceclip.usecases.exports import download_name


@pytest.mark.parametrize(
    ("start", "end", "duration", "expected"),
    [
        (10.0, 20.0, 60.0, (10.0, 10.0)),
        (-1.0, 5.0, 60.0, (0.0, 5.0)),  # before the start: clamped
        (55.0, 70.0, 60.0, (55.0, 5.0)),  # past the end: clamped
        (1.23456, 4.56789, None, (1.235, 3.333)),  # unknown duration: not clamped at the end
        (0.0, 0.5, 60.0, (0.0, 0.5)),  # exactly the minimum
    ],
)
def test_clip_window(start: float, end: float, duration: float | None, expected: tuple[float, float]) -> None:
    assert clip_window(start, end, duration) == pytest.approx(expected)


@pytest.mark.parametrize(("start", "end", "duration"), [(10.0, 10.2, 60.0), (70.0, 80.0, 60.0), (5.0, 4.0, 60.0)])
def test_clip_window_refuses_empty_ranges(start: float, end: float, duration: float) -> None:
    with pytest.raises(ValidationFailed, match="at least"):
        clip_window(start, end, duration)


@pytest.mark.parametrize(
    ("start", "end", "duration", "min_s", "max_s", "expected"),
    [
        (10.0, 40.0, 100.0, 3.0, 60.0, (10.0, 40.0)),  # fits already
        (10.0, 250.0, 300.0, 3.0, 180.0, (10.0, 189.75)),  # too long: the end moves in (with the margin)
        (10.0, 11.0, 100.0, 3.0, 60.0, (10.0, 13.25)),  # too short: the end moves out
        (98.0, 99.0, 100.0, 3.0, 60.0, (96.75, 100.0)),  # too short at the end: the start moves back
        (0.0, 2.0, 2.0, 3.0, 60.0, (0.0, 2.0)),  # the whole source is shorter than the minimum
        (-5.0, 20.0, 100.0, 0.5, 1200.0, (0.0, 20.0)),
    ],
)
def test_fit_length(
    start: float, end: float, duration: float, min_s: float, max_s: float, expected: tuple[float, float]
) -> None:
    assert fit_length(start, end, duration, min_s, max_s) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("length", "fps"),
    [(3.5, 4.0), (15.0, 4.0), (30.0, 2.0), (60.0, 1.0), (600.0, 1.0), (0.0, 4.0), (20.0, 3.0)],
)
def test_reframe_sample_fps(length: float, fps: float) -> None:
    assert reframe_sample_fps(length) == fps


@pytest.mark.parametrize(
    ("src", "out", "layout"),
    [
        ((1920, 1080), (1080, 1920), "reframe"),  # landscape → vertical: follow the speaker
        ((1920, 1080), (1080, 1080), "reframe"),
        ((1920, 1080), (1080, 1350), "reframe"),
        ((1920, 1080), (1920, 1080), "scale"),
        ((1280, 720), (1920, 1080), "scale"),  # same shape, other size
        ((1080, 1920), (720, 1280), "scale"),
        ((1080, 1920), (1920, 1080), "blur"),  # vertical → landscape: blurred fit
        ((1080, 1080), (1920, 1080), "blur"),
        ((1920, 1088), (1920, 1080), "scale"),  # within 2 %: no crop for a few rows of padding
        ((0, 0), (1080, 1920), "pad"),
    ],
)
def test_choose_layout(src: tuple[int, int], out: tuple[int, int], layout: str) -> None:
    assert choose_layout(*src, *out) == layout


@pytest.mark.parametrize(
    ("segments", "start", "end", "expected"),
    [
        ([], 0.0, 10.0, []),
        (
            [Segment(0.0, 4.0, "a", "Maya"), Segment(4.5, 8.0, "b", "Sam"), Segment(8.2, 12.0, "c", "Maya")],
            2.0,
            10.0,
            [(0.0, 2.0, "Maya"), (2.5, 6.0, "Sam"), (6.2, 8.0, "Maya")],
        ),
        (  # same speaker twice in a row: one run
            [Segment(0.0, 2.0, "a", "Maya"), Segment(2.5, 5.0, "b", "Maya")],
            0.0,
            5.0,
            [(0.0, 5.0, "Maya")],
        ),
        (  # outside the clip, or without a speaker: left out
            [Segment(0.0, 1.0, "a", "Maya"), Segment(3.0, 4.0, "b", None), Segment(9.0, 11.0, "c", "Sam")],
            2.0,
            8.0,
            [],
        ),
    ],
)
def test_speaker_track(
    segments: list[Segment], start: float, end: float, expected: list[tuple[float, float, str]]
) -> None:
    assert speaker_track(segments, start, end) == [pytest.approx(e) for e in expected]


def _said(start: float, end: float, speaker: str | None) -> Word:
    return Word(start, end, "w", 1.0, speaker)


@pytest.mark.parametrize(
    ("segments", "turns", "start", "end", "expected"),
    [
        # Voice turns win over the words, clipped to the clip and made clip-relative.
        ([Segment(0.0, 9.0, "x", "A", (_said(0.0, 9.0, "A"),))],
         [VoiceTurn(1.0, 3.0, "A"), VoiceTurn(3.0, 4.5, "B"), VoiceTurn(5.0, 8.0, "A")], 2.0, 6.0,
         [(0.0, 1.0, "A"), (1.0, 2.5, "B"), (3.0, 4.0, "A")]),
        # Touching or overlapping turns of one voice join; a gap keeps them apart.
        ([], [VoiceTurn(0.0, 1.0, "A"), VoiceTurn(0.8, 2.0, "A"), VoiceTurn(2.5, 3.0, "A")], 0.0, 5.0,
         [(0.0, 2.0, "A"), (2.5, 3.0, "A")]),
        # An overlap of two voices is kept (both lit).
        ([], [VoiceTurn(0.0, 2.0, "A"), VoiceTurn(1.5, 3.0, "B")], 0.0, 3.0, [(0.0, 2.0, "A"), (1.5, 3.0, "B")]),
        # Without turns: each word under its speaker, so a pause between two words is not lit.
        ([Segment(0.0, 3.0, "a b", "A", (_said(0.0, 1.0, "A"), _said(2.0, 3.0, "A"))),
          Segment(3.0, 4.0, "c", "B", (_said(3.0, 4.0, "B"),))], [], 0.0, 10.0,
         [(0.0, 1.0, "A"), (2.0, 3.0, "A"), (3.0, 4.0, "B")]),
        # ... and a segment without word times lights for its whole span; no speaker: nothing.
        ([Segment(1.0, 2.0, "a", "A"), Segment(2.0, 3.0, "b", None)], [], 0.5, 10.0, [(0.5, 1.5, "A")]),
        # Turns outside the clip: nothing.
        ([], [VoiceTurn(0.0, 1.0, "A")], 2.0, 3.0, []),
    ],
)  # fmt: skip
def test_voice_track(
    segments: list[Segment], turns: list[VoiceTurn], start: float, end: float, expected: list[tuple[float, float, str]]
) -> None:
    transcript = Transcript(duration=10.0, language="en", segments=tuple(segments), turns=tuple(turns))
    assert voice_track(transcript, start, end) == [pytest.approx(e) for e in expected]


def test_filter_graph_orders_fps_captions_format() -> None:
    graph = filter_graph("[0:0]scale=10:10[pic]", "pic", fps=30, subtitles="subtitles=filename=x.ass")
    assert graph == "[0:0]scale=10:10[pic];[pic]fps=30,subtitles=filename=x.ass,format=yuv420p[vout]"
    assert filter_graph("[a]null[p]", "p", fps=29.97, subtitles=None) == "[a]null[p];[p]fps=29.97,format=yuv420p[vout]"


def test_build_argv_seeks_before_input_and_maps_streams(tmp_path: Path) -> None:
    src, out = tmp_path / "-odd name.mp4", tmp_path / ".clip.tmp"
    argv = build_argv(
        source=src,
        start=12.3456,
        length=4.5,
        graph="G",
        output=out,
        output_args=["-c:v", "libx264"],
        audio="0:1",
        extra_inputs=[["-f", "lavfi", "-i", "color=black"]],
    )
    i = argv.index("-i")
    assert argv[:6] == ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error"]
    assert argv.index("-ss") < i and argv[argv.index("-ss") + 1] == "12.346"
    assert argv[argv.index("-t") + 1] == "4.500" and argv.index("-t") < i
    assert argv[i + 1] == f"file:{src}"  # never read as an option or a URL
    assert "-protocol_whitelist" in argv[:i] and argv[argv.index("-protocol_whitelist") + 1] == "file,pipe"
    assert argv[argv.index("-filter_complex") + 1] == "G"
    maps = [argv[j + 1] for j, a in enumerate(argv) if a == "-map"]
    assert maps == [f"[{VIDEO_OUT}]", "0:1"]
    assert argv[-8:] == ["-progress", "pipe:1", "-stats_period", "0.25", "-f", "mp4", "-y", f"file:{out}"]
    assert argv.index("-c:v") > argv.index("-filter_complex")
    assert argv[argv.index("color=black") - 1] == "-i" and argv.index("color=black") > i  # extra input after


def test_build_argv_for_one_frame(tmp_path: Path) -> None:
    argv = build_argv(
        source=tmp_path / "a.mp4", start=0.0, length=1.2, graph="G", output=tmp_path / "f.png",
        output_args=["-frames:v", "1", "-c:v", "png"], audio=None, output_seek=1.0, container="image2",
        progress=False,
    )  # fmt: skip
    assert "-an" in argv and "-progress" not in argv
    seeks = [j for j, a in enumerate(argv) if a == "-ss"]
    assert len(seeks) == 2 and seeks[1] > argv.index("-frames:v") and argv[seeks[1] + 1] == "1.000"
    assert argv[-4:-2] == ["-f", "image2"]


@pytest.mark.parametrize(
    ("title", "platform", "ext", "expected"),
    [
        ("Why small shops win", "tiktok", "mp4", "Why-small-shops-win-tiktok.mp4"),
        ("Café au lait: ça va?", "x", "srt", "Cafe-au-lait-ca-va-x.srt"),
        ('../../etc/passwd"; rm -rf', "instagram_reels", "vtt", "etc-passwd-rm-rf-instagram_reels.vtt"),
        ("", "linkedin_square", "png", "clip-linkedin_square.png"),
        (None, "tiktok", "mp4", "clip-tiktok.mp4"),
        ("東京", "tiktok", "mp4", "clip-tiktok.mp4"),
        ("a" * 300, "tiktok", "mp4", "a" * 80 + "-tiktok.mp4"),
    ],
)
def test_download_name(title: str | None, platform: str, ext: str, expected: str) -> None:
    assert download_name(title, platform, ext) == expected


def _png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


@pytest.mark.parametrize(("layout", "size"), [("scale", (96, 54)), ("pad", (54, 96)), ("blur", (160, 90))])
def test_fit_filters_make_the_frame(tmp_path: Path, layout: str, size: tuple[int, int]) -> None:
    from spaceclip.services.media.process import ffmpeg_args

    out = tmp_path / f"{layout}.png"
    graph = filter_graph(fit_filter(layout, "0:v", "pic", *size), "pic", fps=25, subtitles=None)  # type: ignore[arg-type]
    run_process(
        ffmpeg_args(
            "-f", "lavfi", "-i", "testsrc=size=192x108:rate=25:duration=0.2",
            "-filter_complex", graph, "-map", f"[{VIDEO_OUT}]", "-frames:v", "1", "-y", out,
        ),
        timeout_s=60,
    )  # fmt: skip
    assert _png_size(out) == size


def test_fit_filter_does_not_reframe() -> None:
    with pytest.raises(ValueError, match="reframe"):
        fit_filter("reframe", "a", "b", 10, 10)


HEADER = (
    "[Script Info]\nPlayResX: 1080\n\n[Events]\n"
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
)


@pytest.mark.parametrize(
    ("events", "offset", "expected"),
    [
        (["0:00:02.00,0:00:03.50,Default,,0,0,0,,{\\b1}Hi"], 1.5, ["0:00:00.50,0:00:02.00,Default,,0,0,0,,{\\b1}Hi"]),
        (["0:00:00.20,0:00:01.00,Default,,0,0,0,,gone"], 1.0, []),  # ends at the window's start: dropped
        (["0:00:00.50,0:00:02.00,Default,,0,0,0,,cut"], 1.0, ["0:00:00.00,0:00:01.00,Default,,0,0,0,,cut"]),
        (["0:01:00.00,1:00:00.00,Default,,0,0,0,,a, b"], 30.0, ["0:00:30.00,0:59:30.00,Default,,0,0,0,,a, b"]),
        (["0:00:01.00,0:00:02.00,Default,,0,0,0,,x"], 0.0, ["0:00:01.00,0:00:02.00,Default,,0,0,0,,x"]),
    ],
)
def test_shift_ass(events: list[str], offset: float, expected: list[str]) -> None:
    text = HEADER + "".join(f"Dialogue: 0,{e}\n" for e in events)
    assert shift_ass(text, offset) == HEADER + "".join(f"Dialogue: 0,{e}\n" for e in expected)
