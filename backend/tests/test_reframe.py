"""Reframe: mouth movement on frame pairs, and real plans on generated videos with a real face."""

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
from spaceclip.services.render import crop_path, faces, reframe
from spaceclip.services.render.faces import Box
from tests.media import cached

TIMEOUT = 300.0
ASTRONAUT: np.ndarray = skimage.data.astronaut()  # type: ignore[no-untyped-call]

# --- mouth movement ----------------------------------------------------------------------------


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
        x, y = crop_path.position_at(plan, t)
        xs.append(x)
        face_left = patch_x(t) + fx
        assert 0 <= x <= W - plan.crop_w and y == 0
        inside += x <= face_left and face_left + fsize <= x + plan.crop_w
    share = inside / frames
    jumps = [abs(b - a) for a, b in itertools.pairwise(xs)]
    print(f"face inside the crop in {share:.1%} of {frames} frames; largest move {max(jumps):.1f} px/frame")
    assert share >= 0.95
    bound = crop_path.MAX_SPEED * plan.crop_w / FPS  # 1.25 crop widths per second
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
    xs = [crop_path.position_at(plan, k / FPS)[0] for k in range(int(5 * FPS))]
    assert max(xs) - min(xs) < 20  # the crop stays on one person


def _holds_face(plan: crop_path.CropPlan, t: float, face_x: int) -> bool:
    fx, _, fsize = FACE_IN_PATCH
    x = crop_path.position_at(plan, t)[0]
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
    xs = [crop_path.position_at(plan, t)[0] for t in frames]
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

    def left_share(plan: crop_path.CropPlan) -> float:
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
    first = crop_path.position_at(plan, 1.0)[0]
    last = crop_path.position_at(plan, 5.9)[0]
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
