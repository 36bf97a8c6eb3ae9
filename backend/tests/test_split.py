"""Split screen: the pure layout plan as tables, and real renders of a generated two-person shot.

The shot (``tests/two_faces.py``) is made from two photos that ship with scikit-image:
``skimage.data.astronaut()`` (NASA, public domain) and ``skimage.data.camera()`` (Lav Varshney, CC0),
with two espeak-ng voices and a transcript of their turns.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spaceclip.config import Settings
from spaceclip.services.media.probe import probe_media
from spaceclip.services.render import split
from spaceclip.services.render.captions.script import SEAM_SLACK_S
from spaceclip.services.render.crop_path import CropPlan, Keyframe
from spaceclip.services.render.faces import Box
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.reframe import crop_filter
from spaceclip.services.render.render import caption_script, make_picture, render_clip
from spaceclip.services.render.spec import ClipSpec, RenderSnapshot
from spaceclip.services.render.split import LayoutSegment as Seg
from tests.ass_reader import parse_events
from tests.render_media import make_face_video
from tests.two_faces import measure_split, two_faces

# --- pure planning ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        # A 1 s split between two long singles is merged away: no flicker.
        (
            [Seg(0, 5, "single"), Seg(5, 6, "split"), Seg(6, 12, "single")],
            [Seg(0, 12, "single")],
        ),
        # Long enough segments stay as they are.
        (
            [Seg(0, 4, "split"), Seg(4, 10, "single"), Seg(10, 14, "split")],
            [Seg(0, 4, "split"), Seg(4, 10, "single"), Seg(10, 14, "split")],
        ),
        # A short first segment joins the next one.
        ([Seg(0, 1, "single"), Seg(1, 9, "split")], [Seg(0, 9, "split")]),
        # Several short ones: merged shortest first, into the longer neighbour.
        (
            [Seg(0, 4, "split"), Seg(4, 5, "single"), Seg(5, 7, "split"), Seg(7, 15, "single")],
            [Seg(0, 7, "split"), Seg(7, 15, "single")],
        ),
        # A clip shorter than the minimum is one segment.
        ([Seg(0, 1, "split"), Seg(1, 2.5, "single")], [Seg(0, 2.5, "single")]),
        ([], []),
    ],
)
def test_enforce_min_length(segments: list[Seg], expected: list[Seg]) -> None:
    out = split.enforce_min_length(segments, 3.0)
    assert out == expected
    if len(out) > 1:
        assert min(s.end - s.start for s in out) >= 3.0


T = [i * 0.5 for i in range(40)]  # 20 s at 2 samples/s


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # Both keep talking: no lone stretch.
        ([0, 0, 1, 1] * 10, []),
        # Person 1 silent from 4 s on while 0 talks: lone from there to the end.
        ([0] * 4 + [1] * 4 + [0] * 32, [(4.0, 20.0, 0)]),
        # 0's 5 s monologue is not long enough (6 s needed); 1's 12 s at the end is.
        ([1] * 6 + [0] * 10 + [1] * 24, [(8.0, 20.0, 1)]),
        # Silence does not count as anyone talking alone.
        ([None] * 40, []),
        # 8 s monologue of 1 in the middle, then 7 s of 0 to the end.
        ([0] * 10 + [1] * 16 + [0] * 14, [(5.0, 13.0, 1), (13.0, 20.0, 0)]),
        # ... but 5 s of 0 at the end is not lone.
        ([0] * 10 + [1] * 20 + [0] * 10, [(5.0, 15.0, 1)]),
    ],
)
def test_lone_stretches(who: list[int | None], expected: list[tuple[float, float, int]]) -> None:
    assert split.lone_stretches(T, who, 20.0, lone_s=6.0) == expected


def test_snap_to_turns_moves_a_change_back_to_the_turn_start() -> None:
    segs = [Seg(0, 10.5, "split"), Seg(10.5, 20, "single")]
    assert split.snap_to_turns(segs, [3.0, 10.2], 0.5) == [Seg(0, 10.2, "split"), Seg(10.2, 20, "single")]
    # A turn more than a sample before the change is left alone.
    assert split.snap_to_turns(segs, [9.8], 0.5) == segs


def test_marks_follow_turn_starts_exactly() -> None:
    segs = [Seg(0, 10, "split"), Seg(10, 20, "single"), Seg(20, 30, "split")]
    turns = [(0.4, 3.0, "A"), (3.2, 6.0, "B"), (6.1, 9.0, "A"), (10.5, 19.0, "A"), (20.0, 24.0, "B"), (24.5, 29, "A")]
    marks = split.mark_runs(segs, turns, {"A": 0, "B": 1}, [], [])
    assert marks == [(0.0, 3.2, 0), (3.2, 6.1, 1), (6.1, 10.0, 0), (20.0, 24.5, 1), (24.5, 30.0, 0)]


def test_marks_from_mouths_need_two_samples() -> None:
    segs = [Seg(0, 5, "split")]
    times = [i * 0.5 for i in range(10)]
    who: list[int | None] = [0, 0, 1, 0, 0, 1, 1, 1, None, 1]
    # The single sample of 1 at 1.0 s does not move the mark; two in a row (from 2.5 s) do.
    assert split.mark_runs(segs, [], {}, times, who) == [(0.0, 2.5, 0), (2.5, 5.0, 1)]


def _row(*xs: float) -> list[Box]:
    return [Box(x, 100, 80, 80) for x in xs]


def test_find_people_groups_a_lost_track_and_drops_passers_by() -> None:
    detections = [_row(100, 900)] * 6 + [_row(104, 902, 500)] + [_row(98, 905)] * 3
    ids = [[0, 1]] * 6 + [[2, 1, 3]] + [[2, 1]] * 3  # the left face got a new id after a miss
    people = split.find_people(detections, ids)
    assert [sorted(p.ids) for p in people] == [[0, 2], [1]]
    assert [p.share for p in people] == [1.0, 1.0]


@pytest.mark.parametrize(
    ("face", "expected"),
    [
        # 100 px face in a 1280x720 frame, 1080x960 half: 260 px tall, 9:8.
        (Box(200, 250, 100, 100), split.HalfCrop(104, 183, 292, 260)),
        # At the frame's edge: clamped inside.
        (Box(0, 0, 100, 100), split.HalfCrop(0, 0, 292, 260)),
        # A huge face: the crop is the full height, no more.
        (Box(400, 0, 400, 400), split.HalfCrop(195, 0, 810, 720)),
    ],
)
def test_half_crop(face: Box, expected: split.HalfCrop) -> None:
    assert split.half_crop(face, 1280, 720, 1080, 960) == expected


def test_half_crop_stops_short_of_the_other_person() -> None:
    crop = split.half_crop(Box(200, 250, 200, 200), 1280, 720, 1080, 960, max_w=400)
    assert crop.w == 400 and crop.h == 354


def _plan(mode: split.LayoutMode, faces: int) -> split.SplitPlan:
    times = [i * 0.5 for i in range(40)]
    row = _row(100, 900)[:faces]
    turns = [(0.0, 2.0, "A"), (2.0, 4.0, "B"), (4.0, 20.0, "A")]
    return split.plan_split(
        mode=mode, times=times, detections=[row] * 40, ids=[list(range(faces))] * 40, turns=turns,
        matched={"A": 0, "B": 1} if faces == 2 else {}, length=20.0, src_w=1280, src_h=720,
        out_w=1080, out_h=1920, crop_w=404,
    )  # fmt: skip


def test_plan_auto_splits_the_exchange_then_single_on_the_monologue() -> None:
    plan = _plan("auto", 2)
    assert plan.segments == (Seg(0.0, 4.0, "split"), Seg(4.0, 20.0, "single", 0))
    assert plan.marks == ((0.0, 2.0, 0), (2.0, 4.0, 1))
    assert plan.note is None and plan.layout == "split"
    # The lone single rests on the left person, centred.
    assert plan.single_crops[0] == split.HalfCrop(0, 0, 404, 720)


def test_plan_split_mode_keeps_the_stack() -> None:
    plan = _plan("split", 2)
    assert plan.segments == (Seg(0.0, 20.0, "split"),)


@pytest.mark.parametrize(("mode", "note"), [("split", True), ("auto", False), ("single", False)])
def test_plan_with_one_face_is_single(mode: split.LayoutMode, note: bool) -> None:
    plan = _plan(mode, 1)
    assert plan.segments == (Seg(0.0, 20.0, "single"),) and not plan.has_split
    assert (plan.note is not None) == note
    if note:
        assert plan.note is not None and "one face" in plan.note and "single crop" in plan.note


def test_snapshot_keeps_the_layout_mode() -> None:
    snap = RenderSnapshot("tiktok", 0.0, 10.0, None, None, None, False, layout_mode="split")
    assert RenderSnapshot.from_dict(snap.to_dict()).layout_mode == "split"
    old = {k: v for k, v in snap.to_dict().items() if k != "layout_mode"}
    assert RenderSnapshot.from_dict(old).layout_mode == "auto"


# --- real renders ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("split")


def test_split_render_of_two_people(media: Path, settings: Settings, tmp_path: Path) -> None:
    shot = two_faces(media / "two.mp4")
    spec = ClipSpec(
        source=shot.video, info=probe_media(shot.video, settings), start=0.0, end=shot.duration,
        preset=get_preset("x"), transcript=shot.transcript, caption_style=None,
    )  # fmt: skip
    result = render_clip(spec, tmp_path / "out", settings, thumbnail=False, subtitles_files=False)
    assert result.layout == "split" and result.layout_note is None and result.passed

    figures = measure_split(result.video, 720, 1280, shot.turns, {"Eileen": 0, "Lav": 1}, tmp_path)
    print(
        f"faces inside their halves {figures.inside_share:.1%} of {figures.split_frames} split frames; "
        f"mark delays {figures.mark_delays}; layout {figures.runs}"
    )
    assert figures.inside_share >= 0.95
    assert figures.single_face_inside == figures.single_frames > 0
    # The stack while they take turns, a single crop for the monologue, the stack again.
    assert [k for _, _, k in figures.runs] == ["split", "single", "split"]
    assert figures.shortest_run >= split.MIN_SEGMENT_S
    assert len(figures.mark_delays) >= 5 and max(abs(d) for d in figures.mark_delays) <= 0.5
    assert figures.mark_wrong == 0.0


def test_auto_captions_move_to_the_seam_while_the_split_screen_shows(media: Path, settings: Settings) -> None:
    shot = two_faces(media / "two.mp4")
    preset = get_preset("tiktok")
    spec = ClipSpec(
        source=shot.video, info=probe_media(shot.video, settings), start=0.0, end=shot.duration,
        preset=preset, transcript=shot.transcript, caption_style="karaoke",
    )  # fmt: skip
    picture = make_picture(spec, 0.0, shot.duration)
    assert picture.layout == "split" and len(picture.split_spans) == 2  # the two exchanges
    events = parse_events(caption_script(spec, 0.0, shot.duration, {}, picture.split_spans) or "")
    seam = rf"\\an5\\pos\(\d+,{preset.height // 2}\)"
    at_seam = {e.start for e in events if re.search(seam, e.tags)}
    slack = SEAM_SLACK_S
    inside = {e.start for e in events if any(a - slack <= e.start < b - slack for a, b in picture.split_spans)}
    assert inside and at_seam == inside  # on the seam exactly while the stack shows
    assert all("\\an2" in e.tags for e in events if e.start not in inside)  # the style's own place otherwise


def test_split_asked_for_with_one_face(media: Path, settings: Settings, tmp_path: Path) -> None:
    video = media / "one-face.mp4"
    if not video.exists():
        make_face_video(video, seconds=4.0)
    spec = ClipSpec(
        source=video, info=probe_media(video, settings), start=0.0, end=4.0, preset=get_preset("x"),
        caption_style=None, layout_mode="split",
    )  # fmt: skip
    result = render_clip(spec, tmp_path / "out", settings, thumbnail=False, subtitles_files=False)
    assert result.layout == "crop:track"
    assert result.layout_note is not None and "one face" in result.layout_note


def test_split_filter_stacks_only_during_split_segments() -> None:
    crop = CropPlan("track", 1280, 720, 404, 720, keyframes=(Keyframe(0.0, 100.0, 0.0), Keyframe(20.0, 100.0, 0.0)))
    plan = _plan("auto", 2)
    graph = split.split_filter(crop, plan, 1080, 1920, "0:v", "pic")
    assert "vstack=inputs=2" in graph and graph.endswith("[pic]")
    assert "overlay=x=0:y=0:enable='gte(t,0.000)*lt(t,4.000)'" in graph
    # The lone single (4-20 s) rests on the left person: x 0 from 4 s, a step, not a pan.
    assert "gte(t,4.000)" in graph
    # Without a split segment it is the plain single crop.
    single = split.SplitPlan("single", (Seg(0.0, 20.0, "single"),))
    assert split.split_filter(crop, single, 1080, 1920, "0:v", "pic") == crop_filter(crop, 1080, 1920, "0:v", "pic")
