"""Faces in sampled video frames, for the speaker-following crop (:mod:`spaceclip.services.render.reframe`).

Frames of a range are decoded by ffmpeg once, at a few frames per second, as small grayscale images
(written to a temp file, then read with numpy), and searched with the Haar cascades that
``opencv-python-headless`` ships: frontal faces first, then profiles facing either way when no
frontal face is found. The cascades load once per process. :func:`mouth_activity` measures how much
a face's mouth moves between two close frames: the cue for who is talking.
"""

from __future__ import annotations

import functools
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from spaceclip.errors import JobCancelled
from spaceclip.services.media.process import ffmpeg_args, media_input_args, run_process

log = logging.getLogger(__name__)

__all__ = [
    "Box",
    "FrameSamples",
    "detect_faces",
    "merge_boxes",
    "mouth_activity",
    "sample_frames",
    "scene_cuts",
]

#: Width of the frames faces are searched in; faces down to about 1/15 of the height are found.
SAMPLE_WIDTH = 512
#: Mean absolute difference (0-255) of two consecutive thumbnails that counts as a cut.
CUT_THRESHOLD = 28.0
#: Seconds between the two frames whose difference shows a mouth moving (about half a syllable).
PAIR_GAP = 0.125


@dataclass(frozen=True, slots=True)
class Box:
    """A face: top-left corner and size, in whatever pixels the caller uses."""

    x: float
    y: float
    w: float
    h: float
    #: How much the mouth moves (see :func:`mouth_activity`); 0 when not measured.
    activity: float = 0.0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def area(self) -> float:
        return self.w * self.h

    def scaled(self, sx: float, sy: float) -> Box:
        return Box(self.x * sx, self.y * sy, self.w * sx, self.h * sy, self.activity)

    def with_activity(self, activity: float) -> Box:
        return Box(self.x, self.y, self.w, self.h, activity)


@dataclass(frozen=True)
class FrameSamples:
    """Grayscale frames ``(n, height, width)`` taken every ``1 / fps`` s from the start of the range."""

    frames: np.ndarray
    fps: float
    scale_x: float  # source pixels per sample pixel
    scale_y: float
    #: With a pair gap: for each sample, the frame a moment later (may lack the very last one).
    after: np.ndarray | None = None

    @property
    def times(self) -> list[float]:
        return [i / self.fps for i in range(len(self.frames))]


def _iou(a: Box, b: Box) -> float:
    ix = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    inter = ix * iy
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def merge_boxes(boxes: Sequence[Box], overlap: float = 0.3) -> list[Box]:
    """Overlapping detections of one face reduced to the largest of them, largest first. Pure."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: b.area, reverse=True):
        if all(_iou(box, k) < overlap for k in kept):
            kept.append(box)
    return kept


@functools.lru_cache(maxsize=1)
def _cascades() -> tuple[cv2.CascadeClassifier, cv2.CascadeClassifier]:
    base = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
    frontal = cv2.CascadeClassifier(str(base / "haarcascade_frontalface_default.xml"))
    profile = cv2.CascadeClassifier(str(base / "haarcascade_profileface.xml"))
    if frontal.empty() or profile.empty():
        raise FileNotFoundError(f"OpenCV's Haar cascades are missing from {base}")
    return frontal, profile


def detect_faces(gray: np.ndarray, *, profiles: bool = False) -> list[Box]:
    """Faces in one grayscale frame (frame pixels), largest first.

    Profiles are searched only when no frontal face is found, unless ``profiles``: then always, so a
    person turned towards the other in a two-person shot is found beside a frontal face (the split
    screen needs both).
    """
    frontal, profile = _cascades()
    height, width = gray.shape
    min_side = max(20, height // 15)
    # No histogram equalisation: on frames that are mostly flat background it wipes out the face's contrast.
    img = gray
    found = frontal.detectMultiScale(img, scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side))
    boxes = [Box(float(x), float(y), float(w), float(h)) for x, y, w, h in found]
    if profiles or not boxes:
        for flipped in (False, True):
            src = cv2.flip(img, 1) if flipped else img
            for x, y, w, h in profile.detectMultiScale(src, scaleFactor=1.1, minNeighbors=5, minSize=(min_side,) * 2):
                left = width - x - w if flipped else x
                boxes.append(Box(float(left), float(y), float(w), float(h)))
    return merge_boxes(boxes)


def _band_change(before: np.ndarray, after: np.ndarray, box: Box, top: float, bottom: float) -> float:
    height, width = before.shape
    x0, x1 = max(0, int(box.x + 0.25 * box.w)), min(width, int(box.x + 0.75 * box.w))
    y0, y1 = max(0, int(box.y + top * box.h)), min(height, int(box.y + bottom * box.h))
    if x1 <= x0 or y1 <= y0:
        return 0.0
    a = before[y0:y1, x0:x1].astype(np.float32)
    b = after[y0:y1, x0:x1].astype(np.float32)
    return float(np.abs(a - b).mean())


def mouth_activity(before: np.ndarray, after: np.ndarray, box: Box) -> float:
    """How much the mouth of the face ``box`` moves between two close frames (0-255 grey levels).

    The mean change of the mouth band (lower third of the face) less that of the eye band, so that a
    head moving or the picture flickering as a whole does not count as talking. Frames are the same
    size, ``box`` in their pixels.
    """
    mouth = _band_change(before, after, box, 0.62, 0.95)
    eyes = _band_change(before, after, box, 0.2, 0.45)
    return max(0.0, mouth - eyes)


def scene_cuts(frames: np.ndarray, threshold: float = CUT_THRESHOLD) -> list[bool]:
    """Per frame: whether it starts a new shot (its thumbnail differs a lot from the previous one)."""
    cuts = [False] * len(frames)
    previous: np.ndarray | None = None
    for i, frame in enumerate(frames):
        small = cv2.resize(frame, (64, 36), interpolation=cv2.INTER_AREA).astype(np.float32)
        if previous is not None and float(np.abs(small - previous).mean()) > threshold:
            cuts[i] = True
        previous = small
    return cuts


def _decode_gray(
    video: Path,
    start: float,
    end: float,
    src_w: int,
    src_h: int,
    *,
    select: str,
    width: int,
    timeout_s: float | None,
    cancel: Callable[[], bool] | None,
) -> tuple[np.ndarray, float, float]:
    """Frames of ``[start, end]`` picked by the filter ``select``, as small grayscale images."""
    sw = min(width, src_w) // 2 * 2
    sh = max(2, round(src_h * sw / src_w / 2) * 2)
    length = max(0.0, end - start)
    limit = timeout_s if timeout_s is not None else 120.0 + 2.0 * length
    with tempfile.TemporaryDirectory(prefix="spaceclip-faces-") as tmp:
        raw = Path(tmp) / "frames.gray"
        argv = ffmpeg_args(
            "-ss", f"{max(0.0, start):.3f}", "-t", f"{length:.3f}", *media_input_args(video),
            "-map", "0:v:0", "-an", "-sn", "-dn",
            "-vf", f"{select},scale={sw}:{sh}:flags=area,format=gray",
            "-fps_mode", "passthrough", "-f", "rawvideo", "-y", raw,
        )  # fmt: skip
        run_process(argv, timeout_s=limit, cancel=cancel)
        data = np.fromfile(raw, dtype=np.uint8)
    count = data.size // (sw * sh)
    frames = data[: count * sw * sh].reshape(count, sh, sw)
    if cancel is not None and cancel():
        raise JobCancelled()
    return frames, src_w / sw, src_h / sh


def sample_frames(
    video: Path,
    start: float,
    end: float,
    src_w: int,
    src_h: int,
    *,
    fps: float = 4.0,
    pair_gap: float | None = None,
    width: int = SAMPLE_WIDTH,
    timeout_s: float | None = None,
    cancel: Callable[[], bool] | None = None,
) -> FrameSamples:
    """Decode ``[start, end]`` of ``video`` at ``fps`` as small grayscale frames.

    ``src_w`` x ``src_h`` is the picture as displayed (after rotation), which is what ffmpeg's
    filters see. With ``pair_gap``, :attr:`FrameSamples.after` holds for each sample the frame about
    that many seconds later, from the same decode: the range is taken at ``k * fps`` frames per
    second (``k`` whole, so that ``1 / (k * fps)`` is close to ``pair_gap``) and frames ``0`` and
    ``1`` of every ``k`` are kept.
    """
    k = max(2, round(1 / (pair_gap * fps))) if pair_gap else 1
    select = f"fps={fps:g}" if k == 1 else f"fps={k * fps:g},select='lt(mod(n,{k}),2)'"
    frames, sx, sy = _decode_gray(
        video, start, end, src_w, src_h, select=select, width=width, timeout_s=timeout_s, cancel=cancel
    )
    if k == 1:
        return FrameSamples(frames=frames, fps=fps, scale_x=sx, scale_y=sy)
    return FrameSamples(frames=frames[::2], fps=fps, scale_x=sx, scale_y=sy, after=frames[1::2])
