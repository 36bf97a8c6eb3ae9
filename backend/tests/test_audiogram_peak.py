"""The loudest moment of a range (for the thumbnail): the pure window search, and through ffmpeg."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render import audiogram as ag
from tests.media import cached

TIMEOUT = 180.0


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audiogram-peak")


@pytest.mark.parametrize(
    ("samples", "rate", "expected"),
    [
        (np.zeros(8000), 1000, 4.0),  # silence: the middle
        (np.concatenate([np.zeros(3000), np.ones(500), np.zeros(4500)]), 1000, 3.25),
        (np.concatenate([np.ones(500) * 0.1, np.zeros(6000), np.ones(500)]), 1000, 6.75),
        (np.ones(200), 1000, 0.1),  # shorter than a window
        (np.array([]), 1000, 0.0),
    ],
)
def test_loudest_window(samples: np.ndarray, rate: int, expected: float) -> None:
    assert ag.loudest_window(samples, rate, window_s=0.5, hop_s=0.05) == pytest.approx(expected, abs=0.05)


def _make_burst(path: Path, at: float) -> Path:
    src = f"anoisesrc=c=pink:a=0.8:d=7:r=16000,volume='if(between(t,{at},{at + 0.5}),1,0.03)':eval=frame"
    run_process(ffmpeg_args("-f", "lavfi", "-i", src, "-c:a", "pcm_s16le", "-y", path), timeout_s=TIMEOUT)
    return path


@pytest.mark.parametrize(
    ("burst", "start", "end"),
    [(1.0, 0.0, 7.0), (3.7, 0.0, 7.0), (5.2, 0.0, 7.0), (3.7, 2.0, 6.0), (5.2, 0.5, 4.0)],
)
def test_peak_time_finds_the_burst(burst: float, start: float, end: float, media: Path) -> None:
    audio = cached(media / f"burst-{burst}.wav", _make_burst, at=burst)
    peak = ag.peak_time(audio, start, end)
    assert start <= peak <= end
    if start <= burst and burst + 0.5 <= end:
        assert peak == pytest.approx(burst + 0.25, abs=0.15)
    else:
        assert peak < burst  # the burst lies outside: the loudest moment is inside the range
