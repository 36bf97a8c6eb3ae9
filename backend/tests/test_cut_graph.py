"""The cut filters (services/edit/cut_graph.py): their text as tables, and what real ffmpeg makes of them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spaceclip.services.edit.cut_graph import audio_cut_filter, select_expression, video_cut_filter
from spaceclip.services.media.process import ffmpeg_args, ffprobe_args, run_process


@pytest.mark.parametrize(
    ("keeps", "fps", "expr"),
    [
        ([], 30.0, "0"),
        ([(0.0, 2.0)], 30.0, "between(t,0,1.983333)"),
        ([(0.0, 1.0), (2.0, 3.0)], 10.0, "between(t,0,0.95)+between(t,1.95,2.95)"),
    ],
)
def test_select_expression(keeps: list[tuple[float, float]], fps: float, expr: str) -> None:
    assert select_expression(keeps, fps) == expr


def test_video_cut_filter() -> None:
    assert video_cut_filter([(1.0, 2.0)], 25) == "fps=25,select='between(t,0.98,1.98)',setpts=N/(25*TB)"


def test_audio_cut_filter_text() -> None:
    assert audio_cut_filter([(1.0, 2.5)], "0:a", "out") == "[0:a]atrim=start=1:end=2.5,asetpts=PTS-STARTPTS[out]"
    graph = audio_cut_filter([(0.0, 1.0), (2.0, 3.0), (4.0, 4.01)], "0:a", "out", fade_s=0.02)
    assert graph.startswith("[0:a]asplit=3[cuts0][cuts1][cuts2];")
    # inner ranges widen by half a fade; the fade shrinks to half the shortest range (10 ms)
    assert "[cuts1]atrim=start=1.9975:end=3.0025" in graph
    assert graph.count("acrossfade=d=0.005:") == 2
    assert graph.endswith("[out]")
    with pytest.raises(ValueError):
        audio_cut_filter([], "0:a", "out")


def _streams(path: Path) -> dict[str, dict[str, object]]:
    out = run_process(ffprobe_args(path, "-count_frames", "-show_streams", "-of", "json"), timeout_s=60).stdout_text
    return {s["codec_type"]: s for s in json.loads(out)["streams"]}


def test_cuts_on_real_media_keep_sync_and_do_not_click(tmp_path: Path) -> None:
    """A 440 Hz tone cut in three places (mid-wave, so a hard cut would jump) under a 30 fps picture."""
    src, out = tmp_path / "src.mov", tmp_path / "out.mov"  # Matroska rounds times to 1 ms
    run_process(ffmpeg_args(
        "-f", "lavfi", "-i", "sine=f=440:d=6:sample_rate=48000", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=30:d=6",
        "-c:a", "pcm_s16le", "-c:v", "libx264", "-shortest", "-y", src,
    ), timeout_s=60)  # fmt: skip
    keeps = [(0.0, 1.0), (1.7, 2.5), (4.0, 5.9)]
    graph = f"[0:v]{video_cut_filter(keeps, 30)}[v];" + audio_cut_filter(keeps, "0:a", "a")
    run_process(ffmpeg_args(
        "-i", src, "-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-c:a", "pcm_s16le",
        "-y", out,
    ), timeout_s=60)  # fmt: skip
    streams = _streams(out)
    assert int(str(streams["video"]["nb_read_frames"])) == 111  # 3.7 s at 30 fps
    raw = run_process(ffmpeg_args("-i", out, "-f", "f32le", "-ac", "1", "-"), timeout_s=60).stdout
    samples = np.frombuffer(raw, dtype=np.float32)
    assert len(samples) == 3.7 * 48000  # to the sample
    jumps = np.abs(np.diff(samples))
    # the tone's own steepest step is 2*pi*440/48000 * 1/8 = 0.0072; across a join an equal-power fade of two
    # tones out of phase can reach 1.41 times that, never the 0.25 a hard cut between opposite phases makes
    assert jumps.max() < 0.0072 * 1.5
