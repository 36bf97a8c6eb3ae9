"""Reframe: pure path functions as tables, and real plans on generated videos with a real face."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage.data

from spaceclip.config import Settings
from spaceclip.services.media.probe import MediaInfo, probe_media
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render import faces, reframe
from spaceclip.services.render.faces import Box
from tests.media import cached

TIMEOUT = 300.0
ASTRONAUT: np.ndarray = skimage.data.astronaut()  # type: ignore[no-untyped-call]

# --- pure functions ------------------------------------------------------------------------------


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
    assert reframe.crop_size(*src, *out) == expected


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
    assert reframe.fill_gaps(values) == expected


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
    assert reframe.dead_zone(targets, zone) == expected


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
    out = reframe.smooth(values, alpha)
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
    assert reframe.limit_speed(values, step) == expected


@pytest.mark.parametrize(
    ("values", "lo", "hi", "expected"),
    [([-5, 3, 20], 0, 10, [0, 3, 10]), ([1, 2], 0, 0, [0, 0])],
)
def test_clamp(values: list[float], lo: float, hi: float, expected: list[float]) -> None:
    assert reframe.clamp(values, lo, hi) == expected


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
    assert reframe.simplify(points, tol) == expected


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
    expr = reframe.linear_expr(points)
    assert "if(" not in expr  # flat sum, no nesting
    for t, value in samples:
        assert _eval(expr, t) == pytest.approx(value, abs=0.2)


def test_long_paths_stay_within_ffmpeg_limits(tmp_path: Path) -> None:
    """400 keyframes (the most a plan writes) give an expression ffmpeg accepts and evaluates right."""
    points = [(i * 0.25, 300 + 200 * math.sin(i / 7)) for i in range(reframe.MAX_KEYFRAMES)]
    expr = reframe.linear_expr(points)
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


def _face(cx: float, size: float = 100.0, cy: float = 300.0, talk: float = 0.0) -> Box:
    return Box(cx - size / 2, cy - size / 2, size, size, talk)


A, B = 300.0, 1000.0


def _centres(track: list[Box | None]) -> list[float | None]:
    return [None if b is None else b.cx for b in track]


@pytest.mark.parametrize(
    ("samples", "cuts", "switches", "last"),
    [
        # One face moving steadily: followed all along.
        ([[_face(300 + 30 * i)] for i in range(10)], None, 0, 570.0),
        # Two equal faces, detection order shuffling: stays on the first.
        ([[_face(A), _face(B)] if i % 2 == 0 else [_face(B), _face(A)] for i in range(20)], None, 0, A),
        # The other face alternately bigger, never for long: no flipping.
        ([[_face(A), _face(B, 160 if i % 2 else 90)] for i in range(30)], None, 0, A),
        # The other face dominates for good: one switch.
        (
            [[_face(A), _face(B, 100)] for _ in range(5)] + [[_face(A, 60), _face(B, 160)] for _ in range(10)],
            None,
            1,
            B,
        ),
        # The followed face leaves while another is on screen: a quick switch.
        ([[_face(A)] for _ in range(5)] + [[_face(B)] for _ in range(6)], None, 1, B),
        # Detection drop-outs: the last position is held.
        ([[_face(A)], [], [], [_face(A + 10)], []], None, 0, A + 10),
        # A scene cut starts a new track at once.
        ([[_face(A)] for _ in range(3)] + [[_face(B)] for _ in range(3)], [False] * 3 + [True, False, False], 1, B),
        # Two equal faces: the one talking is picked first, even when listed second.
        ([[_face(A), _face(B, talk=9)] for _ in range(4)], None, 0, B),
        # The other person starts talking and keeps on: one switch to them.
        (
            [[_face(A, talk=9), _face(B)] for _ in range(5)] + [[_face(A), _face(B, talk=9)] for _ in range(8)],
            None,
            1,
            B,
        ),
        # ... but a short interjection (fewer than `stick` samples) does not move the crop.
        (
            [[_face(A, talk=9), _face(B)] for _ in range(5)] + [[_face(A), _face(B, talk=9)] for _ in range(4)],
            None,
            0,
            A,
        ),
        # A bigger face that is silent does not take the crop from the one talking.
        ([[_face(A, 80, talk=9), _face(B, 160)] for _ in range(12)], None, 0, A),
        # Mouth noise below the talking threshold is no reason to switch.
        ([[_face(A, talk=0.5), _face(B, talk=1.5)] for _ in range(12)], None, 0, A),
        # Both talking about as much: the bigger face wins, as without the talking cue.
        (
            [[_face(A, 60, talk=5), _face(B, 160)] for _ in range(3)]
            + [[_face(A, 60, talk=5), _face(B, 160, talk=6)] for _ in range(8)],
            None,
            1,
            B,
        ),
    ],
)
def test_choose_track(samples: list[list[Box]], cuts: list[bool] | None, switches: int, last: float) -> None:
    track, switched = reframe.choose_track(samples, cuts)
    assert len(track) == len(samples) == len(switched)
    assert sum(switched) == switches
    assert _centres(track)[-1] == pytest.approx(last)


def test_switch_points_are_flagged() -> None:
    samples = [[_face(A, talk=9), _face(B)] for _ in range(5)] + [[_face(A), _face(B, talk=9)] for _ in range(8)]
    _, switched = reframe.choose_track(samples, stick=6)
    assert switched.index(True) == 5 + 6 - 1 and sum(switched) == 1


def _talks(rows: list[list[Box]]) -> list[list[float]]:
    return [[round(b.activity, 3) for b in row] for row in rows]


@pytest.mark.parametrize(
    ("samples", "cuts", "window", "expected"),
    [
        # One face: a moving average over its own samples.
        ([[_face(A, talk=v)] for v in (0, 6, 0, 6)], None, 1, [[3.0], [2.0], [4.0], [3.0]]),
        # Two faces, listed in either order: each keeps its own average.
        (
            [[_face(A, talk=8), _face(B)], [_face(B, talk=2), _face(A, talk=4)], [_face(A, talk=6), _face(B)]],
            None,
            1,
            [[6.0, 1.0], [0.667, 6.0], [5.0, 1.0]],
        ),
        # A face missing for a sample: averaged over the samples it was seen in.
        ([[_face(A, talk=9)], [], [_face(A + 20, talk=3)]], None, 2, [[6.0], [], [6.0]]),
        # A cut separates two people who happen to stand in the same place.
        ([[_face(A, talk=9)], [_face(A, talk=0)]], [False, True], 1, [[9.0], [0.0]]),
        # Far apart: two different faces, never averaged together.
        ([[_face(A, talk=9)], [_face(B, talk=0)]], None, 1, [[9.0], [0.0]]),
    ],
)
def test_smooth_activity(
    samples: list[list[Box]], cuts: list[bool] | None, window: int, expected: list[list[float]]
) -> None:
    out = reframe.smooth_activity(samples, cuts, window=window)
    assert _talks(out) == expected
    assert [[(b.x, b.y, b.w, b.h) for b in row] for row in out] == [
        [(b.x, b.y, b.w, b.h) for b in row] for row in samples
    ]


@pytest.mark.parametrize(
    ("samples", "cuts", "expected"),
    [
        ([[_face(A), _face(B)], [_face(B + 20), _face(A - 20)], [], [_face(A)]], None, [[0, 1], [1, 0], [], [0]]),
        # A face far from every earlier one is someone new.
        ([[_face(A)], [_face(B)]], None, [[0], [1]]),
        # A cut: the same place is a new person.
        ([[_face(A)], [_face(A)]], [False, True], [[0], [1]]),
    ],
)
def test_link_faces(samples: list[list[Box]], cuts: list[bool] | None, expected: list[list[int]]) -> None:
    assert reframe.link_faces(samples, cuts) == expected


def test_speaker_at() -> None:
    turns = [(0.0, 2.0, "Maya"), (2.5, 4.0, "Sam")]
    assert reframe.speaker_at(turns, [0.0, 1.9, 2.0, 2.2, 2.5, 3.9, 4.0]) == [
        "Maya", "Maya", None, None, "Sam", "Sam", None,
    ]  # fmt: skip


# Ten samples: Maya speaks in the first five, Sam in the last five.
TURNS_10 = ["Maya"] * 5 + ["Sam"] * 5


@pytest.mark.parametrize(
    ("talk_a", "talk_b", "speaking", "expected"),
    [
        # Mouths move with the turns: each speaker gets the face that talks when they speak.
        ([6] * 5 + [0] * 5, [0] * 5 + [6] * 5, TURNS_10, {"Maya": 0, "Sam": 1}),
        # Noisy but clear on average (a laugh, pauses between words).
        ([6, 0, 7, 5, 0, 0, 0, 3, 0, 0], [0, 4, 0, 0, 0, 5, 6, 0, 7, 4], TURNS_10, {"Maya": 0, "Sam": 1}),
        # Sam is off screen: only Maya is matched (face B never moves its mouth).
        ([6] * 5 + [0] * 5, [0] * 10, TURNS_10, {"Maya": 0}),
        # Nobody's mouth moves visibly: no match, the mouths (and sizes) decide as before.
        ([0.5] * 10, [0.4] * 10, TURNS_10, {}),
        # Too little evidence: Maya speaks in only 3 samples, so she is not matched.
        ([6] * 3 + [0] * 10, [0] * 3 + [6] * 6 + [0] * 4, ["Maya"] * 3 + ["Sam"] * 6 + [None] * 4, {"Sam": 1}),
    ],
)
def test_speaker_faces(
    talk_a: list[float], talk_b: list[float], speaking: list[str | None], expected: dict[str, int]
) -> None:
    samples = [[_face(A, talk=a), _face(B, talk=b)] for a, b in zip(talk_a, talk_b, strict=True)]
    ids = reframe.link_faces(samples)
    assert reframe.speaker_faces(samples, ids, speaking) == expected


def test_fuse_speech() -> None:
    samples = [
        [_face(A, talk=0), _face(B, talk=8)],  # Maya speaks, Sam laughs: Sam's mouth ignored
        [_face(A, talk=12), _face(B, talk=0)],  # Maya speaks: her own higher activity kept
        [_face(A, talk=1), _face(B, talk=3)],  # silence: the mouths decide
        [_face(A, talk=1), _face(B, talk=3)],  # an unmatched speaker (off screen): the mouths decide
        [_face(B, talk=3)],  # Maya speaks but her face is not found: the mouths decide
    ]
    ids = [[0, 1], [0, 1], [0, 1], [0, 1], [1]]
    speaking: list[str | None] = ["Maya", "Maya", None, "Guest", "Maya"]
    out = reframe.fuse_speech(samples, ids, speaking, {"Maya": 0, "Sam": 1}, talk=10.0)
    assert _talks(out) == [[10.0, 0.0], [12.0, 0.0], [1.0, 3.0], [1.0, 3.0], [3.0]]


def _mouth_frames(mouth_change: int, eye_change: int) -> tuple[np.ndarray, np.ndarray]:
    """Two 200x200 frames with a 100 px face at (50, 50): its mouth and eye bands changed by the given levels."""
    before = np.full((200, 200), 120, np.uint8)
    after = before.copy()
    after[50 + 62 : 50 + 95, 50 + 25 : 50 + 75] += np.uint8(mouth_change)
    after[50 + 20 : 50 + 45, 50 + 25 : 50 + 75] += np.uint8(eye_change)
    return before, after


@pytest.mark.parametrize(
    ("mouth", "eyes", "expected"),
    [
        (0, 0, 0.0),  # still face
        (40, 0, 40.0),  # mouth opens
        (30, 30, 0.0),  # the whole head changes (moves, light flickers): not talking
        (0, 25, 0.0),  # eyes blink: not talking
    ],
)
def test_mouth_activity(mouth: int, eyes: int, expected: float) -> None:
    before, after = _mouth_frames(mouth, eyes)
    box = Box(50, 50, 100, 100)
    assert faces.mouth_activity(before, after, box) == pytest.approx(expected, abs=1.5)
    # A face partly outside the frame is measured on what is visible; one wholly outside gives 0.
    assert faces.mouth_activity(before, after, Box(-60, 50, 100, 100)) >= 0.0
    assert faces.mouth_activity(before, after, Box(500, 500, 100, 100)) == 0.0


def test_choose_track_without_faces() -> None:
    track, switched = reframe.choose_track([[], [], []])
    assert track == [None, None, None] and switched == [False, False, False]


@pytest.mark.parametrize(
    ("centres", "cuts", "max_jump"),
    [
        ([640.0] * 20, [False] * 20, 0.0),  # still face: still crop
        ([200 + 60 * i for i in range(20)], [False] * 20, 1.25 * 404 / 4),  # fast motion: speed-limited
        ([300.0] * 10 + [1000.0] * 10, [False] * 10 + [True] + [False] * 9, 1280.0),  # cut: jump allowed
    ],
)
def test_plan_path_bounds(centres: list[float], cuts: list[bool], max_jump: float) -> None:
    path = reframe.plan_path(centres, cuts, crop=404, frame=1280, sample_fps=4.0)
    assert len(path) == len(centres)
    assert all(0 <= x <= 1280 - 404 for x in path)
    steps = [abs(b - a) for a, b in itertools.pairwise(path)]
    assert max(steps) <= max_jump + 1e-6
    if any(cuts):
        assert path[0] == pytest.approx(300 - 202) and path[-1] == pytest.approx(1000 - 202)
        assert max(steps) > 500  # the cut is a jump, not a slow pan


# --- generated videos ----------------------------------------------------------------------------

W, H, FPS, SECONDS = 1280, 720, 25, 8.0
# The astronaut's face region (Haar finds the face at x 177..272, y 66..161 of the 512px image).
PATCH = (150, 30, 300, 210)  # x0, y0, x1, y1 in the image
ZOOM = 1.4
FACE_IN_PATCH = ((177 - 150) * ZOOM, (66 - 30) * ZOOM, 95 * ZOOM)  # x, y, size
PATCH_W = round((PATCH[2] - PATCH[0]) * ZOOM)
PATCH_Y = 234


def patch_x(t: float) -> float:
    """Left edge of the face patch at time t: left to right and back over 8 s (up to ~340 px/s)."""
    return 100 + 435 * (1 - math.cos(math.pi * t / 4))


def _write_patch(path: Path) -> Path:
    x0, y0, x1, y1 = PATCH
    patch = cv2.resize(ASTRONAUT[y0:y1, x0:x1], None, fx=ZOOM, fy=ZOOM, interpolation=cv2.INTER_CUBIC)
    cv2.imwrite(str(path), cv2.cvtColor(patch, cv2.COLOR_RGB2BGR))
    return path


def _make_faces_video(
    path: Path, *, overlays: list[tuple[str, str, str]], seconds: float, then: str | None = None
) -> Path:
    """A plain wide background with the face patch overlaid at each ``(x expr, y expr, enable expr)``,
    then the filters ``then`` (if any) over the result."""
    patch = _write_patch(path.with_suffix(".face.png"))
    args: list[str | Path] = ["-f", "lavfi", "-i", f"color=c=0x3A6E8F:s={W}x{H}:r={FPS}:d={seconds}"]
    for _ in overlays:
        args += ["-loop", "1", "-framerate", str(FPS), "-i", patch]
    chain: list[str] = []
    last = "0:v"
    for i, (x, y, enable) in enumerate(overlays, start=1):
        chain.append(f"[{last}][{i}:v]overlay=x='{x}':y='{y}':enable='{enable}':shortest=1[v{i}]")
        last = f"v{i}"
    if then:
        chain.append(f"[{last}]{then}[out]")
        last = "out"
    args += ["-filter_complex", ";".join(chain), "-map", f"[{last}]", "-t", f"{seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", path]
    run_process(ffmpeg_args(*args), timeout_s=TIMEOUT)
    return path


def _make_moving_face(path: Path) -> Path:
    return _make_faces_video(path, overlays=[("100+435*(1-cos(PI*t/4))", str(PATCH_Y), "1")], seconds=SECONDS)


def _make_two_faces(path: Path) -> Path:
    return _make_faces_video(path, overlays=[("120", str(PATCH_Y), "1"), ("950", str(PATCH_Y), "1")], seconds=5.0)


def _make_face_then_other(path: Path) -> Path:
    return _make_faces_video(
        path, overlays=[("120", str(PATCH_Y), "lt(t,3)"), ("950", str(PATCH_Y), "gte(t,3)")], seconds=6.0
    )


# The mouth in the face patch (patch pixels): where a dark "open mouth" is drawn while someone talks.
MOUTH = (85, 151, 40, 12)  # x, y, w, h
LEFT_X, RIGHT_X = 120, 950
TALK_SECONDS = 12.0


def _mouth(face_x: int, enable: str, opacity: float = 0.9) -> str:
    x, y, w, h = MOUTH
    box = f"x={face_x + x}:y={PATCH_Y + y}:w={w}:h={h}"
    return f"drawbox={box}:color=0x502020@{opacity}:t=fill:enable='{enable}'"


def _make_two_talkers(path: Path, *, left_opacity: float, right_extra: tuple[float, float]) -> Path:
    """Two still faces; the left one talks for the first half, the right one for the second, and
    also moves its mouth during ``right_extra`` (seconds). Talking is the mouth opening and closing
    at a syllable-like rate (4.4 and 3.7 per second); ``left_opacity`` is how visible the left
    mouth is."""
    half = TALK_SECONDS / 2
    a, b = right_extra
    left = _mouth(LEFT_X, f"lt(t,{half})*lt(mod(t*4.4,1),0.5)", opacity=left_opacity)
    right = _mouth(RIGHT_X, f"(gte(t,{half})+between(t,{a},{b}))*lt(mod(t*3.7,1),0.5)")
    return _make_faces_video(
        path,
        overlays=[(str(LEFT_X), str(PATCH_Y), "1"), (str(RIGHT_X), str(PATCH_Y), "1")],
        seconds=TALK_SECONDS,
        then=f"{left},{right}",
    )


def _make_talking_faces(path: Path) -> Path:
    """Clear mouths, with a short interjection by the right face at 2-2.6 s that must not move the crop."""
    return _make_two_talkers(path, left_opacity=0.9, right_extra=(2.0, 2.6))


def _make_no_face(path: Path) -> Path:
    src = f"testsrc2=s={W}x{H}:r={FPS}:d=3"
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    run_process(ffmpeg_args("-f", "lavfi", "-i", src, *encode, "-y", path), timeout_s=TIMEOUT)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reframe")


def _info(path: Path, settings: Settings) -> MediaInfo:
    return probe_media(path, settings)


def test_crop_follows_a_moving_face(media: Path, settings: Settings) -> None:
    video = cached(media / "moving-face.mp4", _make_moving_face)
    info = _info(video, settings)
    plan = reframe.plan_crop(video, info, 0.0, SECONDS, 1080, 1920)
    assert plan.mode == "track"
    assert (plan.crop_w, plan.crop_h) == (404, 720)
    assert plan.face_share > 0.8 and plan.switches == 0

    fx, _, fsize = FACE_IN_PATCH
    inside, xs = 0, []
    frames = int(SECONDS * FPS)
    for k in range(frames):
        t = k / FPS
        x, y = reframe.position_at(plan, t)
        xs.append(x)
        face_left = patch_x(t) + fx
        assert 0 <= x <= W - plan.crop_w and y == 0
        inside += x <= face_left and face_left + fsize <= x + plan.crop_w
    share = inside / frames
    jumps = [abs(b - a) for a, b in itertools.pairwise(xs)]
    print(f"face inside the crop in {share:.1%} of {frames} frames; largest move {max(jumps):.1f} px/frame")
    assert share >= 0.95
    bound = reframe.MAX_SPEED * plan.crop_w / FPS  # 1.25 crop widths per second
    assert max(jumps) <= bound + 0.5
    assert max(xs) - min(xs) > 600  # it really travelled with the face

    # Rendered through crop_filter, the face is found in the output frames.
    out = media / "moving-face-9x16.mp4"
    graph = reframe.crop_filter(plan, 270, 480, "0:v", "pic")
    argv = ffmpeg_args(
        "-i", video, "-filter_complex", graph, "-map", "[pic]",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", out,
    )  # fmt: skip
    run_process(argv, timeout_s=TIMEOUT)
    samples = faces.sample_frames(out, 0.0, SECONDS, 270, 480, fps=4.0, width=270)
    found = [bool(faces.detect_faces(f)) for f in samples.frames]
    assert len(found) >= 30
    assert sum(found) / len(found) >= 0.9, found


@pytest.mark.parametrize(("out", "mode"), [((1080, 1920), "blur_fit"), ((1080, 1080), "center")])
def test_no_face_falls_back(out: tuple[int, int], mode: str, media: Path, settings: Settings) -> None:
    video = cached(media / "no-face.mp4", _make_no_face)
    plan = reframe.plan_crop(video, _info(video, settings), 0.0, 3.0, *out)
    assert plan.mode == mode
    assert plan.face_share < reframe.MIN_FACE_SHARE and not plan.keyframes
    graph = reframe.crop_filter(plan, out[0] // 4, out[1] // 4, "[0:v]", "[pic]")
    dest = media / f"no-face-{mode}.png"
    argv = ffmpeg_args("-ss", "1", "-i", video, "-filter_complex", graph, "-map", "[pic]", "-frames:v", "1", "-y", dest)
    run_process(argv, timeout_s=TIMEOUT)
    img = cv2.imread(str(dest))
    assert img is not None and img.shape[:2] == (out[1] // 4, out[0] // 4)


def test_two_faces_do_not_flip(media: Path, settings: Settings) -> None:
    video = cached(media / "two-faces.mp4", _make_two_faces)
    plan = reframe.plan_crop(video, _info(video, settings), 0.0, 5.0, 1080, 1920)
    assert plan.mode == "track"
    assert plan.switches == 0
    xs = [reframe.position_at(plan, k / FPS)[0] for k in range(int(5 * FPS))]
    assert max(xs) - min(xs) < 20  # the crop stays on one person


def _holds_face(plan: reframe.CropPlan, t: float, face_x: int) -> bool:
    fx, _, fsize = FACE_IN_PATCH
    x = reframe.position_at(plan, t)[0]
    return x <= face_x + fx and face_x + fx + fsize <= x + plan.crop_w


def test_crop_follows_the_person_talking(media: Path, settings: Settings) -> None:
    video = cached(media / "talking-faces.mp4", _make_talking_faces)
    plan = reframe.plan_crop(video, _info(video, settings), 0.0, TALK_SECONDS, 1080, 1920)
    assert plan.mode == "track"
    assert plan.switches == 1  # the interjection at 2 s does not count

    frames = [k / FPS for k in range(int(TALK_SECONDS * FPS))]
    half = TALK_SECONDS / 2
    on_left = [t for t in frames if t < half]
    on_right = [t for t in frames if t >= half]
    left_share = sum(_holds_face(plan, t, LEFT_X) for t in on_left) / len(on_left)
    # After the speaker changes, the crop moves within about 2.5 s (hysteresis) and stays.
    settled = [t for t in on_right if t >= half + 2.5]
    right_share = sum(_holds_face(plan, t, RIGHT_X) for t in settled) / len(settled)
    first_right = next(t for t in on_right if _holds_face(plan, t, RIGHT_X))
    print(
        f"talker in the crop: left {left_share:.1%}, right {right_share:.1%} after settling; "
        f"crop reached the new speaker {first_right - half:.2f} s after they started"
    )
    assert left_share >= 0.95
    assert right_share == 1.0
    # The move to the new speaker is a cut, not a pan across the room.
    xs = [reframe.position_at(plan, t)[0] for t in frames]
    moving = [t for t, (a, b) in zip(frames, itertools.pairwise(xs), strict=False) if abs(b - a) > 1]
    assert len(moving) <= 2, moving


def _make_laughing_listener(path: Path) -> Path:
    """The left speaker's lips move only a little (a faint mouth), and the right face "laughs"
    (mouth moving a lot) for 3 s while the left one is speaking: mouths alone hand it the crop."""
    return _make_two_talkers(path, left_opacity=0.2, right_extra=(1.5, 4.5))


def test_transcript_turns_say_whom_to_follow(media: Path, settings: Settings) -> None:
    video = cached(media / "laughing-listener.mp4", _make_laughing_listener)
    info = _info(video, settings)
    half = TALK_SECONDS / 2
    frames = [k / FPS for k in range(int(TALK_SECONDS * FPS))]

    first_half = [t for t in frames if t < half]

    def left_share(plan: reframe.CropPlan) -> float:
        return sum(_holds_face(plan, t, LEFT_X) for t in first_half) / len(first_half)

    # Mouths alone: the laugh takes the crop to the listener while the speaker is still talking.
    blind = reframe.plan_crop(video, info, 0.0, TALK_SECONDS, 1080, 1920)
    assert not blind.matched_speakers
    assert left_share(blind) < 0.8

    # With the transcript's turns (as diarization gives them), each speaker is matched to the face
    # whose mouth moves when they speak, and the laugh does not count.
    turns = [(0.0, half, "SPEAKER_00"), (half, TALK_SECONDS, "SPEAKER_01")]
    plan = reframe.plan_crop(video, info, 0.0, TALK_SECONDS, 1080, 1920, turns=turns)
    assert plan.matched_speakers == ("SPEAKER_00", "SPEAKER_01")
    assert plan.switches == 1
    settled = [t for t in frames if t >= half + 2.0]
    right_share = sum(_holds_face(plan, t, RIGHT_X) for t in settled) / len(settled)
    first_right = next(t for t in frames if t >= half and _holds_face(plan, t, RIGHT_X))
    print(
        f"speaker in the crop while they talk: with turns {left_share(plan):.1%} then {right_share:.1%} "
        f"(moved {first_right - half:.2f} s after the turn); mouths alone {left_share(blind):.1%}"
    )
    assert left_share(plan) == 1.0 and right_share == 1.0


def test_face_leaves_and_another_appears(media: Path, settings: Settings) -> None:
    video = cached(media / "face-then-other.mp4", _make_face_then_other)
    plan = reframe.plan_crop(video, _info(video, settings), 0.0, 6.0, 1080, 1920)
    assert plan.mode == "track"
    assert plan.switches == 1
    first = reframe.position_at(plan, 1.0)[0]
    last = reframe.position_at(plan, 5.9)[0]
    fx, _, fsize = FACE_IN_PATCH
    assert first <= 120 + fx and 120 + fx + fsize <= first + plan.crop_w
    assert last <= 950 + fx and 950 + fx + fsize <= last + plan.crop_w


def test_same_aspect_needs_no_sampling(media: Path, settings: Settings) -> None:
    video = cached(media / "no-face.mp4", _make_no_face)
    plan = reframe.plan_crop(video, _info(video, settings), 0.0, 3.0, 1920, 1080)
    assert plan.mode == "center" and (plan.crop_w, plan.crop_h) == (W, H) and plan.samples == 0


def _make_clock(path: Path) -> Path:
    """4 s at 25 fps whose grey level is 16 + twice the frame number."""
    src = "nullsrc=s=64x64:r=25:d=4,format=gray,geq=lum='16+2*N'"
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p"]
    run_process(ffmpeg_args("-f", "lavfi", "-i", src, *encode, "-y", path), timeout_s=TIMEOUT)
    return path


@pytest.mark.parametrize("fps", [4.0, 1.5, 1.0])
def test_frame_pairs_are_an_eighth_of_a_second_apart(fps: float, media: Path) -> None:
    video = cached(media / "clock.mp4", _make_clock)
    every = faces.sample_frames(video, 0.0, 4.0, 64, 64, fps=25.0)
    levels = np.array([float(f.mean()) for f in every.frames])
    assert len(levels) == 100 and np.all(np.diff(levels) > 0)

    def when(img: np.ndarray) -> float:
        """The time of the source frame with this grey level."""
        return int(np.abs(levels - float(img.mean())).argmin()) / 25

    samples = faces.sample_frames(video, 0.0, 4.0, 64, 64, fps=fps, pair_gap=faces.PAIR_GAP)
    after = samples.after
    assert after is not None
    assert len(samples.frames) == len(after) == round(4 * fps)
    for i, (first, second) in enumerate(zip(samples.frames, after, strict=True)):
        assert when(first) == pytest.approx(samples.times[i], abs=0.1)
        assert 0.08 - 1e-6 <= when(second) - when(first) <= 0.2 + 1e-6  # two to five frames at 25 fps
