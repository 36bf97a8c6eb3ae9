"""The speaker clustering and re-segmentation (pure NumPy), on embeddings with a known answer."""

from __future__ import annotations

import numpy as np
import pytest

from spaceclip.services.speech import speaker_clusters as sc


def _voices(turns: list[int], *, per_turn: int = 8, spread: float = 0.6, seed: int = 3) -> np.ndarray:
    """Window d-vectors for ``turns`` (a speaker index per turn, ``per_turn`` windows each): every
    voice is a shared channel part plus its own direction, plus noise of ``spread``."""
    rng = np.random.default_rng(seed)
    channel = rng.standard_normal(256) * 2.0
    voices = rng.standard_normal((max(turns) + 1, 256))
    rows = [channel + voices[s] + spread * rng.standard_normal(256) for s in turns for _ in range(per_turn)]
    return sc.normalise(np.array(rows))


def _grid(windows: int, *, window: float = 0.5, hop: float = 0.5) -> sc.Grid:
    """One region covered by ``windows`` windows of ``window`` s every ``hop`` s."""
    spans = [(round(i * hop, 3), round(i * hop + window, 3)) for i in range(windows)]
    return sc.Grid.build([(0.0, spans[-1][1])], spans, 0.1)


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return len({(int(x), int(y)) for x, y in zip(a, b, strict=True)}) == len(set(a.tolist())) == len(set(b.tolist()))


def test_centre_takes_out_what_all_windows_share() -> None:
    raw = _voices([0, 1, 0, 1])
    centred = sc.centre(raw)
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0)
    truth = np.repeat([0, 1, 0, 1], 8)
    same, other = truth[:, None] == truth[None, :], truth[:, None] != truth[None, :]
    # The shared channel makes two voices look alike; centred, they point apart.
    assert (raw @ raw.T)[other].mean() > 0.5
    assert (centred @ centred.T)[other].mean() < 0.0 < (centred @ centred.T)[same].mean()
    assert sc.centre(raw[:1]).shape == (1, 256)


@pytest.mark.parametrize(
    ("scores", "penalty", "expected"),
    [
        ([[1, 0], [0, 1], [1, 0]], 0.0, [0, 1, 0]),  # free changes follow every frame
        ([[1, 0], [0, 1], [1, 0]], 2.0, [0, 0, 0]),  # a one-frame flip costs more than it gains
        ([[1, 0], [1, 0], [0, 1], [0, 1], [0, 1]], 0.5, [0, 0, 1, 1, 1]),  # a real change
        ([[0.2, 0.1, 0.9]], 1.0, [2]),
        ([], 1.0, []),
    ],
)
def test_viterbi(scores: list[list[float]], penalty: float, expected: list[int]) -> None:
    matrix = np.array(scores, dtype=np.float64).reshape(len(scores), -1 if scores else 2)
    assert sc.viterbi(matrix, penalty).tolist() == expected


def test_grid_tiles_regions_and_averages_covering_windows() -> None:
    grid = sc.Grid.build([(0.0, 0.25), (1.0, 1.3)], [(0.0, 0.25), (1.0, 1.2), (1.1, 1.3)], 0.1)
    assert np.allclose(grid.starts, [0.0, 0.1, 0.2, 1.0, 1.1, 1.2])
    assert np.allclose(grid.ends, [0.1, 0.2, 0.25, 1.1, 1.2, 1.3])
    cover = grid.cover.toarray()
    assert np.allclose(cover.sum(axis=1), 1.0)  # every frame averages its windows
    assert np.allclose(cover[4], [0.0, 0.5, 0.5])  # 1.15 s is under both late windows
    assert np.allclose(cover[5], [0.0, 0.0, 1.0])
    assert grid.under.toarray()[0].tolist() == [1, 1, 1, 0, 0, 0]


@pytest.mark.parametrize("turns", [[0, 1, 0, 1], [0, 1, 2, 0, 2, 1], [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]])
def test_spectral_labels_recover_the_voices(turns: list[int]) -> None:
    centred = sc.centre(_voices(turns))
    labels = sc.spectral_labels(centred, max(turns) + 1)
    assert _same_partition(labels, np.repeat(turns, 8))


def test_spectral_labels_edge_cases() -> None:
    centred = sc.centre(_voices([0, 1]))
    assert sc.spectral_labels(centred, 1).tolist() == [0] * 16
    assert sc.spectral_labels(centred[:2], 3).tolist() == [0, 1]


def test_resegment_overrules_a_stray_window() -> None:
    turns = [0, 1, 0, 1]
    centred = sc.centre(_voices(turns))
    truth = np.repeat(turns, 8)
    noisy = truth.copy()
    noisy[[3, 12, 20]] = 1 - noisy[[3, 12, 20]]  # three windows start on the wrong side
    result = sc.resegment(centred, noisy, _grid(len(truth)))
    assert result.count == 2
    assert _same_partition(result.windows, truth)
    changes = np.count_nonzero(np.diff(result.frames))
    assert changes == 3  # one change per turn boundary, no flicker


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        ([0, 0, 0, 0, 0, 0], 1),
        ([0, 1, 0, 1, 0, 1], 2),
        ([0, 1, 2, 1, 0, 2, 1], 3),
        ([0, 1, 2, 3, 1, 3, 0, 2], 4),
    ],
)
def test_choose_speakers_finds_the_count(turns: list[int], expected: int) -> None:
    centred = sc.centre(_voices(turns))
    result = sc.choose_speakers(centred, _grid(len(centred)), hint=None, most=8)
    assert result.count == expected
    assert _same_partition(result.windows, np.repeat(turns, 8))


def test_choose_speakers_obeys_the_hint() -> None:
    centred = sc.centre(_voices([0, 1, 2, 0, 1, 2]))
    grid = _grid(len(centred))
    assert sc.choose_speakers(centred, grid, hint=3, most=8).count == 3
    assert sc.choose_speakers(centred, grid, hint=1, most=8).count == 1
    assert sc.choose_speakers(centred[:1], _grid(1), hint=None, most=8).count == 1


def test_grid_frames_no_window_covers_borrow_the_nearest() -> None:
    grid = sc.Grid.build([(0.0, 1.0), (5.0, 5.3)], [(0.0, 0.4), (5.0, 5.1), (6.0, 6.5)], 0.1)
    nearest = grid.cover.toarray().argmax(axis=1)
    assert nearest.tolist() == [0] * 10 + [1] * 3
    assert np.allclose(grid.cover.toarray().sum(axis=1), 1.0)
