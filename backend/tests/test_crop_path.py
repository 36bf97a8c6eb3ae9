"""The reframe's crop path: pure functions as tables, and a long path evaluated by ffmpeg itself."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render import crop_path

TIMEOUT = 300.0


@pytest.mark.parametrize(
    ("src", "out", "expected"),
    [
        ((1920, 1080), (1080, 1920), (608, 1080)),
        ((1280, 720), (1080, 1920), (404, 720)),
        ((1920, 1080), (1080, 1080), (1080, 1080)),
        ((1920, 1080), (1080, 1350), (864, 1080)),
        ((1920, 1080), (1920, 1080), (1920, 1080)),
        ((1080, 1920), (1080, 1080), (1080, 1080)),  # taller source: full width, cut height
        ((1081, 721), (1080, 1920), (406, 720)),  # odd sizes give even crops
    ],
)
def test_crop_size(src: tuple[int, int], out: tuple[int, int], expected: tuple[int, int]) -> None:
    assert crop_path.crop_size(*src, *out) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([None, None], None),
        ([1.0, None, 3.0], [1.0, 1.0, 3.0]),
        ([None, 2.0, None], [2.0, 2.0, 2.0]),
        ([], None),
    ],
)
def test_fill_gaps(values: list[float | None], expected: list[float] | None) -> None:
    assert crop_path.fill_gaps(values) == expected


@pytest.mark.parametrize(
    ("targets", "zone", "expected"),
    [
        ([100, 105, 95, 108], 10, [100, 100, 100, 100]),  # jitter inside the zone: no move
        ([100, 111, 115, 120], 10, [100, 111, 111, 111]),  # leaves the zone: re-centre, then hold
        ([100, 89, 78, 67], 10, [100, 89, 78, 67]),  # steady motion: follows in steps
        ([], 10, []),
    ],
)
def test_dead_zone(targets: list[float], zone: float, expected: list[float]) -> None:
    assert crop_path.dead_zone(targets, zone) == expected


@pytest.mark.parametrize(
    ("values", "alpha", "check"),
    [
        ([5.0] * 6, 0.4, lambda out: all(v == pytest.approx(5.0) for v in out)),
        ([0.0, 10.0, 0.0], 1.0, lambda out: out == [0.0, 10.0, 0.0]),
        # A step is smoothed symmetrically around its middle (zero phase: no lag).
        ([0.0] * 5 + [10.0] * 5, 0.5, lambda out: out[4] < 5 < out[5] and abs(out[4] + out[5] - 10) < 1.5),
        ([0.0, 0.0, 30.0, 0.0, 0.0], 0.5, lambda out: max(out) < 15 and min(out) >= 0),
    ],
)
def test_smooth(values: list[float], alpha: float, check: object) -> None:
    out = crop_path.smooth(values, alpha)
    assert len(out) == len(values)
    assert check(out)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("values", "step", "expected"),
    [
        ([0, 100, 100, 100], 40, [0, 40, 80, 100]),
        ([50, 40, 45], 40, [50, 40, 45]),
        ([0, -100], 30, [0, -30]),
    ],
)
def test_limit_speed(values: list[float], step: float, expected: list[float]) -> None:
    assert crop_path.limit_speed(values, step) == expected


@pytest.mark.parametrize(
    ("values", "lo", "hi", "expected"),
    [([-5, 3, 20], 0, 10, [0, 3, 10]), ([1, 2], 0, 0, [0, 0])],
)
def test_clamp(values: list[float], lo: float, hi: float, expected: list[float]) -> None:
    assert crop_path.clamp(values, lo, hi) == expected


@pytest.mark.parametrize(
    ("points", "tol", "expected"),
    [
        ([(0, 0), (1, 1), (2, 2), (3, 3)], 0.5, [(0, 0), (3, 3)]),
        ([(0, 0), (1, 0), (2, 10), (3, 10)], 0.5, [(0, 0), (1, 0), (2, 10), (3, 10)]),
        ([(0, 5), (1, 5), (2, 5.2), (3, 5)], 0.5, [(0, 5), (3, 5)]),
        ([(0, 1)], 0.5, [(0, 1)]),
    ],
)
def test_simplify(points: list[tuple[float, float]], tol: float, expected: list[tuple[float, float]]) -> None:
    assert crop_path.simplify(points, tol) == expected


def _eval(expr: str, t: float) -> float:
    """Evaluate one of our crop expressions the way ffmpeg would (only lt/gte, *, +, -, ())."""
    py = expr.replace("gte(t,", "_gte(t,").replace("lt(t,", "_lt(t,")
    return float(eval(py, {"_gte": lambda a, b: float(a >= b), "_lt": lambda a, b: float(a < b), "t": t}))


@pytest.mark.parametrize(
    ("points", "samples"),
    [
        ([(0.0, 10.0)], [(0.0, 10.0), (5.0, 10.0)]),
        ([(0.0, 0.0), (2.0, 100.0)], [(-1.0, 0.0), (0.0, 0.0), (1.0, 50.0), (2.0, 100.0), (9.0, 100.0)]),
        ([(0.0, 0.0), (1.0, 100.0), (3.0, 100.0), (4.0, 0.0)], [(0.5, 50.0), (2.0, 100.0), (3.5, 50.0)]),
        ([(0.0, 10.0), (1.0, 10.0), (1.001, 300.0), (2.0, 300.0)], [(0.999, 10.0), (1.5, 300.0)]),  # a cut step
    ],
)
def test_linear_expr(points: list[tuple[float, float]], samples: list[tuple[float, float]]) -> None:
    expr = crop_path.linear_expr(points)
    assert "if(" not in expr  # flat sum, no nesting
    for t, value in samples:
        assert _eval(expr, t) == pytest.approx(value, abs=0.2)


def test_long_paths_stay_within_ffmpeg_limits(tmp_path: Path) -> None:
    """400 keyframes (the most a plan writes) give an expression ffmpeg accepts and evaluates right."""
    points = [(i * 0.25, 300 + 200 * math.sin(i / 7)) for i in range(crop_path.MAX_KEYFRAMES)]
    expr = crop_path.linear_expr(points)
    for t in (0.0, 13.3, 57.1, 99.0):
        i = int(t / 0.25)
        want = points[i][1] + (points[i + 1][1] - points[i][1]) * (t - points[i][0]) / 0.25
        assert _eval(expr, t) == pytest.approx(want, abs=0.3)
    # ffmpeg's crop at t=57.1 s: a 2x2 window of a horizontal ramp reads back its x position.
    at = 57.1
    ramp = f"nullsrc=s=1024x16:r=10:d={at + 0.1},geq=lum='X/4':cb=128:cr=128,format=gray"
    argv = ffmpeg_args(
        "-f", "lavfi", "-i", ramp, "-vf", f"crop=w=4:h=2:x='{expr}':y=0:exact=1",
        "-ss", f"{at}", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1",
    )  # fmt: skip
    pixel = run_process(argv, timeout_s=TIMEOUT).stdout[0]
    i = int(at / 0.25)
    want = points[i][1] + (points[i + 1][1] - points[i][1]) * (at - points[i][0]) / 0.25
    assert pixel * 4 == pytest.approx(want, abs=6)


@pytest.mark.parametrize(
    ("centres", "cuts", "max_jump"),
    [
        ([640.0] * 20, [False] * 20, 0.0),  # still face: still crop
        ([200 + 60 * i for i in range(20)], [False] * 20, 1.25 * 404 / 4),  # fast motion: speed-limited
        ([300.0] * 10 + [1000.0] * 10, [False] * 10 + [True] + [False] * 9, 1280.0),  # cut: jump allowed
    ],
)
def test_plan_path_bounds(centres: list[float], cuts: list[bool], max_jump: float) -> None:
    path = crop_path.plan_path(centres, cuts, crop=404, frame=1280, sample_fps=4.0)
    assert len(path) == len(centres)
    assert all(0 <= x <= 1280 - 404 for x in path)
    steps = [abs(b - a) for a, b in itertools.pairwise(path)]
    assert max(steps) <= max_jump + 1e-6
    if any(cuts):
        assert path[0] == pytest.approx(300 - 202) and path[-1] == pytest.approx(1000 - 202)
        assert max(steps) > 500  # the cut is a jump, not a slow pan
