"""Speaker-following crop for video going to a narrower (or shorter) frame.

:func:`plan_crop` samples the clip a few times a second, finds faces and how much each mouth moves
(:mod:`spaceclip.services.render.faces`), picks the face to follow
(:mod:`spaceclip.services.render.tracking`) and turns its positions into a calm camera path
(:mod:`spaceclip.services.render.crop_path`); a change of speaker is a cut, not a pan.
:func:`crop_filter` turns that plan into an ffmpeg fragment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spaceclip.errors import JobCancelled, ValidationFailed
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render import faces
from spaceclip.services.render.command import fit_filter
from spaceclip.services.render.crop_path import (
    MAX_SPEED,
    CropPlan,
    Keyframe,
    Mode,
    crop_size,
    fill_gaps,
    fit_keyframes,
    linear_expr,
    plan_path,
    with_cut_steps,
)
from spaceclip.services.render.faces import Box
from spaceclip.services.render.tracking import (
    choose_track,
    fuse_speech,
    link_faces,
    smooth_activity,
    speaker_at,
    speaker_faces,
)

log = logging.getLogger(__name__)

__all__ = ["MIN_FACE_SHARE", "FaceAnalysis", "analyse_faces", "crop_filter", "plan_crop"]

#: Share of samples that must show a face for the crop to follow faces.
MIN_FACE_SHARE = 0.25
#: Without faces, a crop keeping at least this share of the picture is used; else a blurred fit.
MIN_CENTER_KEEP = 0.55


def _fallback(src_w: int, src_h: int, crop_w: int, crop_h: int) -> Mode:
    keep = (crop_w * crop_h) / float(src_w * src_h)
    return "center" if keep >= MIN_CENTER_KEEP else "blur_fit"


@dataclass(frozen=True)
class FaceAnalysis:
    """The faces of a range: what :func:`plan_crop` follows and the split screen stacks.

    ``detections`` are in source pixels, their activity the talking cue (corrected by the matched
    transcript turns, averaged over a couple of seconds); ``ids`` link them from sample to sample;
    ``matched`` maps speakers to face ids; ``times`` are clip-relative.
    """

    times: list[float]
    detections: list[list[Box]]
    ids: list[list[int]]
    cuts: list[bool]
    matched: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float:
        """Share of the samples with a face."""
        return sum(1 for d in self.detections if d) / len(self.detections) if self.detections else 0.0


def analyse_faces(
    video_path: Path,
    info: MediaInfo,
    start: float,
    end: float,
    *,
    sample_fps: float = 4.0,
    turns: Sequence[tuple[float, float, str]] = (),
    cancel: Callable[[], bool] | None = None,
    profiles: bool = False,
) -> FaceAnalysis:
    """Find the faces of ``[start, end]``, who talks (mouths, and ``turns`` where matched), linked as ids.

    ``profiles`` looks for faces in profile beside frontal ones (see :func:`faces.detect_faces`).

    Raises:
        ValidationFailed: the source has no video.
        JobCancelled: ``cancel`` returned True.
    """
    video = info.primary_video
    if video is None:
        raise ValidationFailed("This source has no video picture to reframe. Use an audiogram for audio-only clips.")
    src_w, src_h = video.display_size
    # Each sample is searched for faces; the change to a frame an eighth of a second later shows
    # whose mouth is moving.
    samples = faces.sample_frames(
        video_path, start, end, src_w, src_h, fps=sample_fps, pair_gap=faces.PAIR_GAP, cancel=cancel
    )
    frames = samples.frames
    after = samples.after if samples.after is not None else frames[:0]
    detections: list[list[Box]] = []
    for i, frame in enumerate(frames):
        if cancel is not None and cancel():
            raise JobCancelled()
        found = faces.detect_faces(frame, profiles=profiles)
        if i < len(after):
            found = [b.with_activity(faces.mouth_activity(frame, after[i], b)) for b in found]
        detections.append([b.scaled(samples.scale_x, samples.scale_y) for b in found])
    cuts = faces.scene_cuts(frames) if len(frames) else []
    ids = link_faces(detections, cuts)
    matched: dict[str, int] = {}
    if turns:
        speaking = speaker_at(turns, samples.times)
        matched = speaker_faces(detections, ids, speaking)
        detections = fuse_speech(detections, ids, speaking, matched)
    smoothed = smooth_activity(detections, cuts, ids=ids)
    return FaceAnalysis(samples.times, smoothed, ids, cuts, matched)


def plan_crop(
    video_path: Path,
    info: MediaInfo,
    start: float,
    end: float,
    out_w: int,
    out_h: int,
    *,
    sample_fps: float = 4.0,
    turns: Sequence[tuple[float, float, str]] = (),
    cancel: Callable[[], bool] | None = None,
    analysis: FaceAnalysis | None = None,
) -> CropPlan:
    """Plan the crop of ``[start, end]`` of ``video_path`` for an ``out_w`` x ``out_h`` frame.

    Returns a plan in mode ``track`` (follow the face talking, else the main face) when faces show in
    enough samples, else ``center`` (a fixed centre crop) or ``blur_fit`` (the whole picture over a
    blurred fill) when a centre crop would throw most of the picture away. Keyframe times are
    clip-relative. ``turns`` are the transcript's clip-relative ``(start, end, speaker)`` turns:
    speakers whose mouth visibly moves when they speak are matched to their faces
    (:func:`~spaceclip.services.render.tracking.speaker_faces`), and the transcript then says whom to
    follow (:func:`~spaceclip.services.render.tracking.fuse_speech`).

    ``analysis`` reuses faces already found by :func:`analyse_faces` (for the same range and turns).

    Raises:
        ValidationFailed: the source has no video.
        JobCancelled: ``cancel`` returned True.
    """
    video = info.primary_video
    if video is None:
        raise ValidationFailed("This source has no video picture to reframe. Use an audiogram for audio-only clips.")
    src_w, src_h = video.display_size
    crop_w, crop_h = crop_size(src_w, src_h, out_w, out_h)
    if (crop_w, crop_h) == (src_w // 2 * 2, src_h // 2 * 2):
        return CropPlan("center", src_w, src_h, crop_w, crop_h)
    found = (
        analysis
        if analysis is not None
        else analyse_faces(video_path, info, start, end, sample_fps=sample_fps, turns=turns, cancel=cancel)
    )
    n, share = len(found.times), found.share
    if n == 0 or share < MIN_FACE_SHARE:
        mode = _fallback(src_w, src_h, crop_w, crop_h)
        log.info("Reframe: faces in %.0f%% of %d samples; using %s", share * 100, n, mode)
        return CropPlan(mode, src_w, src_h, crop_w, crop_h, face_share=share, samples=n)
    cuts, matched = found.cuts, found.matched
    track, switched = choose_track(found.detections, cuts)
    switches = sum(switched)
    # A change of speaker is a cut to the other person, not a pan across the room.
    cuts = [c or w for c, w in zip(cuts, switched, strict=True)]
    times = found.times
    horizontal = crop_w < src_w
    if horizontal:
        wanted = fill_gaps([b.cx if b is not None else None for b in track])
        size, frame = crop_w, src_w
    else:
        # Vertical: the face a little above the middle, where people are usually framed.
        wanted = fill_gaps([b.cy + 0.1 * crop_h if b is not None else None for b in track])
        size, frame = crop_h, src_h
    assert wanted is not None  # share > 0 means some sample has a face
    offsets = plan_path(wanted, cuts, crop=size, frame=frame, sample_fps=sample_fps)
    points = fit_keyframes(with_cut_steps(times, offsets, cuts))
    fixed_x, fixed_y = (src_w - crop_w) / 2, (src_h - crop_h) / 2
    keyframes = tuple(Keyframe(t, v if horizontal else fixed_x, fixed_y if horizontal else v) for t, v in points)
    log.info(
        "Reframe: tracking (%d samples, faces in %.0f%%, %d switches, %d of %d speakers matched to faces)",
        n, share * 100, switches, len(matched), len({t[2] for t in turns}),
    )  # fmt: skip
    return CropPlan(
        "track",
        src_w,
        src_h,
        crop_w,
        crop_h,
        keyframes=keyframes,
        face_share=share,
        switches=switches,
        samples=n,
        matched_speakers=tuple(sorted(matched)),
        max_step_per_s=MAX_SPEED * size,
    )


# --- the filter ----------------------------------------------------------------------------------


def _label(name: str) -> str:
    return name.strip().strip("[]")


def crop_filter(plan: CropPlan, out_w: int, out_h: int, in_label: str, out_label: str) -> str:
    """The filter_complex fragment ``[in]...[out]`` that applies ``plan`` and scales to the output frame.

    The crop follows the keyframes by the clip time ``t``, so the input must start at the clip start
    (cut by input seeking, or ``setpts=PTS-STARTPTS``).
    """
    src, dst = _label(in_label), _label(out_label)
    w, h = out_w, out_h
    if plan.mode == "blur_fit":
        return fit_filter("blur", src, dst, w, h)
    cw, ch = plan.crop_w, plan.crop_h
    if plan.mode == "track" and plan.keyframes:
        xs = [(k.t, k.x) for k in plan.keyframes]
        ys = [(k.t, k.y) for k in plan.keyframes]
        x, y = linear_expr(xs), linear_expr(ys)
    else:
        x, y = f"{(plan.src_w - cw) / 2:.1f}", f"{(plan.src_h - ch) / 2:.1f}"
    return f"[{src}]crop=w={cw}:h={ch}:x='{x}':y='{y}',scale={w}:{h}:flags=bicubic,setsar=1[{dst}]"
