"""Which face the reframe follows: the tracking functions as tables."""

from __future__ import annotations

import pytest

from spaceclip.services.render import tracking
from spaceclip.services.render.faces import Box


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
    track, switched = tracking.choose_track(samples, cuts)
    assert len(track) == len(samples) == len(switched)
    assert sum(switched) == switches
    assert _centres(track)[-1] == pytest.approx(last)


def test_switch_points_are_flagged() -> None:
    samples = [[_face(A, talk=9), _face(B)] for _ in range(5)] + [[_face(A), _face(B, talk=9)] for _ in range(8)]
    _, switched = tracking.choose_track(samples, stick=6)
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
    out = tracking.smooth_activity(samples, cuts, window=window)
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
    assert tracking.link_faces(samples, cuts) == expected


def test_speaker_at() -> None:
    turns = [(0.0, 2.0, "Maya"), (2.5, 4.0, "Sam")]
    assert tracking.speaker_at(turns, [0.0, 1.9, 2.0, 2.2, 2.5, 3.9, 4.0]) == [
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
    ids = tracking.link_faces(samples)
    assert tracking.speaker_faces(samples, ids, speaking) == expected


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
    out = tracking.fuse_speech(samples, ids, speaking, {"Maya": 0, "Sam": 1}, talk=10.0)
    assert _talks(out) == [[10.0, 0.0], [12.0, 0.0], [1.0, 3.0], [1.0, 3.0], [3.0]]


def test_choose_track_without_faces() -> None:
    track, switched = tracking.choose_track([[], [], []])
    assert track == [None, None, None] and switched == [False, False, False]
