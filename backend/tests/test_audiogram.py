"""Audiograms: the filter graph refuses bad requests, and real renders through ffmpeg move with the sound.

The pure layout helpers are tested in test_audiogram_layout.py, the loudest moment in test_audiogram_peak.py.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage.data

from spaceclip.errors import ValidationFailed
from spaceclip.services.media.process import ffmpeg_args, ffprobe_args, run_process
from spaceclip.services.render import audiogram as ag
from spaceclip.services.render.audiogram.layout import default_safe
from tests.media import cached

TIMEOUT = 180.0
ASTRONAUT: np.ndarray = skimage.data.astronaut()  # type: ignore[no-untyped-call]

# --- requests --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"style": "sparkles"}, "Unknown audiogram style"),
        ({"width": 1081}, "even frame"),
        ({"height": 32}, "even frame"),
        ({"accent": "red; drawtext"}, "not a colour"),
    ],
)
def test_bad_requests_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"style": "bars", "width": 1080, "height": 1920, "fps": 30} | kwargs
    with pytest.raises(ValidationFailed, match=message):
        ag.audiogram_graph(**args)  # type: ignore[arg-type]


def test_missing_cover_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="cover image"):
        ag.audiogram_graph(
            "wave", width=1080, height=1080, fps=30, background=ag.Background(image=tmp_path / "gone.png")
        )


def test_bad_background_colours_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="#RRGGBB"):
        ag.Background(color="red")
    with pytest.raises(ValidationFailed):
        ag.Background(gradient=("#000000", "0x12"))
    assert ag.Background(color="0x1e293b").color == "0x1e293b"


def test_many_turns_keep_one_drawtext_per_speaker(quiet_then_loud: Path, media: Path) -> None:
    track = [(i * 1.0, i * 1.0 + 0.6, "Ann" if i % 2 else "Bob") for i in range(400)]
    graph = ag.audiogram_graph("bars", width=320, height=568, fps=10, title=None, speaker_track=track)
    assert graph.filter.count("drawtext=") == 2
    assert graph.filter.count("between(") == 400
    assert graph.extra_inputs == [] and graph.out_label == "ag_out"
    # ffmpeg accepts the expressions (a flat sum of 200 terms would be refused) and draws the names.
    video = _render(quiet_then_loud, graph, media / "many-turns.mp4", seconds=1.0)
    lay = ag.layout_for(320, 568, default_safe(320, 568))
    rows = slice(lay.name_y, lay.name_y + round(lay.name_size * 1.4))
    bg = np.array([0x1E, 0x29, 0x3B])
    bob, gap = (_frame(video, at, 320, 568)[rows] for at in (0.3, 0.8))
    assert (np.abs(bob - bg).max(axis=2) > 100).sum() > 20
    assert (np.abs(gap - bg).max(axis=2) > 100).sum() == 0


# --- renders -------------------------------------------------------------------------------------

SILENT_UNTIL = 2.0  # the test audio is silent for 2 s, then loud pink noise for 2 s


def _make_quiet_then_loud(path: Path) -> Path:
    src = f"anoisesrc=c=pink:a=0.7:d=4:r=48000,volume='if(lt(t,{SILENT_UNTIL}),0,1)':eval=frame"
    run_process(ffmpeg_args("-f", "lavfi", "-i", src, "-c:a", "pcm_s16le", "-y", path), timeout_s=TIMEOUT)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audiogram")


@pytest.fixture(scope="module")
def quiet_then_loud(media: Path) -> Path:
    return cached(media / "quiet-then-loud.wav", _make_quiet_then_loud)


@pytest.fixture(scope="module")
def cover(media: Path) -> Path:
    path = media / "cover.png"
    cv2.imwrite(str(path), cv2.cvtColor(ASTRONAUT, cv2.COLOR_RGB2BGR))
    return path


def _render(audio: Path, graph: ag.FilterGraph, out: Path, seconds: float = 4.0) -> Path:
    argv = ffmpeg_args(
        "-i", audio, *[a for extra in graph.extra_inputs for a in extra],
        "-filter_complex", graph.filter, "-map", f"[{graph.out_label}]", "-map", "0:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-t", f"{seconds}", "-y", out,
    )  # fmt: skip
    run_process(argv, timeout_s=TIMEOUT)
    return out


def _size(video: Path) -> tuple[int, int, float]:
    entries = "stream=width,height:format=duration"
    argv = ffprobe_args(video, "-select_streams", "v:0", "-show_entries", entries, "-of", "csv=p=0")
    out = run_process(argv, timeout_s=60).stdout_text.split()
    w, h = out[0].split(",")[:2]
    return int(w), int(h), float(out[-1])


def _frame(video: Path, at: float, w: int, h: int) -> np.ndarray:
    argv = ffmpeg_args("-ss", f"{at}", "-i", video, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1")
    data = run_process(argv, timeout_s=60).stdout
    return np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3).astype(np.int16)


STYLE_SIZES = [("bars", 1080, 1920), ("wave", 1080, 1920), ("radial", 1080, 1920), ("bars", 1080, 1080)]


@pytest.mark.parametrize(("style", "w", "h"), STYLE_SIZES)
def test_style_renders_and_moves_with_the_sound(style: str, w: int, h: int, quiet_then_loud: Path, media: Path) -> None:
    graph = ag.audiogram_graph(
        style, width=w, height=h, fps=30, title="A title", speaker_track=[(0.0, 1.5, "Alice")], audio_input="0:a"
    )
    video = _render(quiet_then_loud, graph, media / f"{style}-{w}x{h}.mp4")
    width, height, duration = _size(video)
    assert (width, height) == (w, h)
    assert duration == pytest.approx(4.0, abs=0.15)

    lay = ag.layout_for(w, h, default_safe(w, h))
    if style == "radial":
        x0, y0, x1, y1 = lay.ring_x, lay.ring_y, lay.ring_x + lay.ring, lay.ring_y + lay.ring
    else:
        x0, y0, x1, y1 = lay.viz_x, lay.viz_y, lay.viz_x + lay.viz_w, lay.viz_y + lay.viz_h
    quiet = _frame(video, 1.0, w, h)
    loud = _frame(video, 3.0, w, h)
    bg = np.array([0x1E, 0x29, 0x3B])
    lit_quiet = (np.abs(quiet[y0:y1, x0:x1] - bg).max(axis=2) > 60).mean()
    lit_loud = (np.abs(loud[y0:y1, x0:x1] - bg).max(axis=2) > 60).mean()
    # Loud sound fills far more of the visualiser than silence does.
    assert lit_loud > 0.08, lit_loud
    assert lit_loud > 3 * lit_quiet + 0.04, (lit_quiet, lit_loud)
    # Nothing is drawn outside the frame's layout below the name line (where captions go).
    low = loud[lay.name_y + 2 * lay.name_size :, :]
    assert (np.abs(low - bg).max(axis=2) > 60).mean() < 0.001


def test_speaker_name_shows_only_during_the_turn(quiet_then_loud: Path, media: Path) -> None:
    w, h = 1080, 1920
    track = [(0.5, 1.5, "Alice"), (2.5, 3.0, "Bob")]
    graph = ag.audiogram_graph("bars", width=w, height=h, fps=30, title=None, speaker_track=track)
    video = _render(quiet_then_loud, graph, media / "names.mp4")
    lay = ag.layout_for(w, h, default_safe(w, h))
    rows = slice(lay.name_y, lay.name_y + round(lay.name_size * 1.4))
    bg = np.array([0x1E, 0x29, 0x3B])

    def lit(at: float) -> int:
        region = _frame(video, at, w, h)[rows]
        return int((np.abs(region - bg).max(axis=2) > 100).sum())

    before, alice, between, bob, after = (lit(t) for t in (0.2, 1.0, 2.0, 2.75, 3.6))
    assert alice > 500 and bob > 300
    assert before == 0 and between == 0 and after == 0
    assert alice != bob  # different names, different pixels


def test_cover_image_background(quiet_then_loud: Path, cover: Path, media: Path) -> None:
    w, h = 1080, 1350
    graph = ag.audiogram_graph(
        "wave", width=w, height=h, fps=25, background=ag.Background(image=cover), title="Cover", first_input_index=1
    )
    assert graph.extra_inputs and graph.extra_inputs[0][-1].endswith("cover.png")
    video = _render(quiet_then_loud, graph, media / "cover.mp4", seconds=2.0)
    assert _size(video)[:2] == (w, h)
    frame = _frame(video, 1.0, w, h)
    corner = frame[: h // 8, : w // 4]
    # The blurred, dimmed picture: varied colour, darker than the image itself, nothing like flat fill.
    assert corner.std() > 5
    assert frame.mean() < ASTRONAUT.mean()
    still = _frame(video, 1.8, w, h)
    assert np.abs(still[: h // 8] - frame[: h // 8]).mean() < 2  # the background does not move


def test_gradient_background(quiet_then_loud: Path, media: Path) -> None:
    w, h = 1920, 1080
    bg = ag.Background(gradient=("#000000", "#FF0000"))
    graph = ag.audiogram_graph("radial", width=w, height=h, fps=25, background=bg, title=None)
    video = _render(quiet_then_loud, graph, media / "gradient.mp4", seconds=1.0)
    frame = _frame(video, 0.5, w, h)
    top, bottom = frame[5, 5], frame[h - 5, 5]
    assert top[0] < 40 and bottom[0] > 200  # dark at the top, red at the bottom
