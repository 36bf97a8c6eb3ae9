"""The ffmpeg command of one render, built by pure functions tested as tables.

:func:`clip_window` and :func:`fit_length` place the cut in the source, :func:`choose_layout` and
:func:`fit_filter` fit the source picture to the preset's frame, :func:`filter_graph` and
:func:`build_argv` assemble the command, :func:`speaker_track` says who speaks when inside the cut
(for the reframe and the audiogram's name tags). :mod:`spaceclip.services.render.render` runs it.

Input seeking (``-ss``/``-t`` before ``-i``) makes the cut fast and, because the video is re-encoded,
frame-accurate; timestamps then start at zero, which is what the ASS events (clip-relative) expect.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from spaceclip.errors import ValidationFailed
from spaceclip.services.media.process import ffmpeg_args, media_input_args
from spaceclip.services.render.spec import MIN_CUT_S
from spaceclip.services.speech.transcript import Segment

__all__ = [
    "VIDEO_OUT",
    "Layout",
    "build_argv",
    "choose_layout",
    "clip_window",
    "filter_graph",
    "fit_filter",
    "fit_length",
    "reframe_sample_fps",
    "speaker_track",
]

LENGTH_MARGIN_S = 0.25
#: Face-detection budget per clip (see :func:`reframe_sample_fps`).
REFRAME_SAMPLES = 60
REFRAME_MIN_FPS = 1.0
REFRAME_MAX_FPS = 4.0
#: Aspect ratios closer than this (relative) are treated as equal: scale, no crop.
ASPECT_TOLERANCE = 0.02
VIDEO_OUT = "vout"
#: How often ffmpeg writes a ``-progress`` block (its default, 0.5 s, says nothing about short clips).
STATS_PERIOD_S = 0.25

Layout = Literal["scale", "reframe", "blur", "pad"]


def clip_window(start: float, end: float, duration: float | None) -> tuple[float, float]:
    """``(start, length)`` of the cut, clamped to the source; raises ValidationFailed when too short.

    Args:
        start: clip start in source seconds.
        end: clip end in source seconds.
        duration: the source's length (None when unknown: no clamping at the end).
    """
    lo = max(0.0, start)
    hi = end if duration is None else min(end, duration)
    length = round(hi - lo, 3)
    if length < MIN_CUT_S:
        raise ValidationFailed(
            f"This clip is {max(0.0, length):.2f} s long inside the source; a clip needs at least "
            f"{MIN_CUT_S:g} s. Move its start or end so it covers some of the recording."
        )
    return round(lo, 3), length


def fit_length(start: float, end: float, duration: float, min_s: float, max_s: float) -> tuple[float, float]:
    """``[start, end]`` made to fit a platform's length limits inside ``[0, duration]``.

    Too long: the end moves in (the start is where the moment begins). Too short: the end moves out,
    then the start moves back if the media ends first. A source shorter than ``min_s`` gives all of it.
    Both limits keep a margin of :data:`LENGTH_MARGIN_S`, as the encoded file can run a frame longer.
    """
    min_s, max_s = min_s + LENGTH_MARGIN_S, max(LENGTH_MARGIN_S, max_s - LENGTH_MARGIN_S)
    lo, hi = max(0.0, start), min(end, duration)
    if hi - lo > max_s:
        hi = lo + max_s
    if hi - lo < min_s:
        hi = min(duration, lo + min_s)
        lo = max(0.0, hi - min_s)
    return round(lo, 3), round(hi, 3)


def reframe_sample_fps(length: float) -> float:
    """Frames per second to look for faces in: at most :data:`REFRAME_SAMPLES` per clip, 1 to 4 fps.

    Face detection costs far more per frame than encoding, so long clips are sampled more sparsely;
    speakers move slowly and the crop path is interpolated between samples anyway.
    """
    if length <= 0:
        return REFRAME_MAX_FPS
    return round(min(REFRAME_MAX_FPS, max(REFRAME_MIN_FPS, REFRAME_SAMPLES / length)), 3)


def choose_layout(src_w: int, src_h: int, out_w: int, out_h: int) -> Layout:
    """How the source picture becomes the preset's frame.

    ``scale`` when the aspect ratios match, ``reframe`` (crop that follows the speaker) when the
    frame is narrower than the source, ``blur`` (whole picture on a blurred copy of itself) when it
    is wider.
    """
    if src_w <= 0 or src_h <= 0:
        return "pad"
    src, out = src_w / src_h, out_w / out_h
    if abs(src / out - 1.0) <= ASPECT_TOLERANCE:
        return "scale"
    return "reframe" if src > out else "blur"


def fit_filter(layout: Layout, in_label: str, out_label: str, width: int, height: int) -> str:
    """A filter_complex fragment ``[in]...[out]`` that fits a picture into ``width`` x ``height``.

    ``scale`` stretches to the frame (aspect already equal), ``pad`` letterboxes on black, ``blur``
    puts the whole picture over a blurred, cropped copy of itself (blurred at 1/8 size: cheap).
    ``reframe`` is not handled here (see :func:`spaceclip.services.render.reframe.crop_filter`).
    """
    w, h = width, height
    if layout == "scale":
        return f"[{in_label}]scale={w}:{h}:flags=bicubic,setsar=1[{out_label}]"
    if layout == "pad":
        return (
            f"[{in_label}]scale={w}:{h}:force_original_aspect_ratio=decrease:flags=bicubic,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1[{out_label}]"
        )
    if layout == "blur":
        bg, fg, bgb, fgs = (f"{out_label}_{n}" for n in ("bg", "fg", "bgb", "fgs"))
        sw, sh = max(4, w // 8 // 2 * 2), max(4, h // 8 // 2 * 2)
        radius = max(1, min(8, min(sw, sh) // 4))  # the chroma planes are half size
        return (
            f"[{in_label}]split=2[{bg}][{fg}];"
            f"[{bg}]scale={sw}:{sh}:force_original_aspect_ratio=increase,crop={sw}:{sh},"
            f"boxblur={radius}:2,scale={w}:{h}[{bgb}];"
            f"[{fg}]scale={w}:{h}:force_original_aspect_ratio=decrease:flags=bicubic[{fgs}];"
            f"[{bgb}][{fgs}]overlay=(W-w)/2:(H-h)/2,setsar=1[{out_label}]"
        )
    raise ValueError(f"fit_filter cannot make layout {layout!r}")


def filter_graph(picture: str, picture_label: str, *, fps: float, subtitles: str | None) -> str:
    """The whole filter_complex: the picture, then constant fps, burned captions, yuv420p → ``[vout]``."""
    chain = [f"fps={fps:g}"]
    if subtitles:
        chain.append(subtitles)
    chain.append("format=yuv420p")
    return f"{picture};[{picture_label}]{','.join(chain)}[{VIDEO_OUT}]"


def build_argv(
    *,
    source: Path,
    start: float,
    length: float,
    graph: str,
    output: Path,
    output_args: Sequence[str],
    audio: str | None,
    extra_inputs: Sequence[Sequence[str]] = (),
    output_seek: float | None = None,
    container: str = "mp4",
    progress: bool = True,
) -> list[str]:
    """The ffmpeg argv of one render (or one preview frame).

    Args:
        source: the user's media (read with the protocol and demuxer allow-lists).
        start: cut start (input seek, before ``-i``).
        length: cut length (input ``-t``, repeated on the output to bound generated inputs).
        graph: the filter_complex (see :func:`filter_graph`), ending in ``[vout]``.
        output: where ffmpeg writes (a temp name: the container is given with ``-f``).
        output_args: encoder settings (``presets.encoder_args``) or PNG frame settings.
        audio: the audio stream to map (``"0:1"``), or None for a picture only.
        extra_inputs: more inputs after the source (audiogram backgrounds), each a list of args.
        output_seek: for a single frame: how far into the cut the frame is taken.
        container: the output muxer (``mp4``, ``image2``).
        progress: add ``-progress pipe:1`` (parsed by :func:`~spaceclip.services.media.process.progress_reporter`).
    """
    argv: list[str | os.PathLike[str]] = ["-ss", f"{start:.3f}", "-t", f"{length:.3f}", *media_input_args(source)]
    for extra in extra_inputs:
        argv.extend(extra)
    argv += ["-filter_complex", graph, "-map", f"[{VIDEO_OUT}]"]
    if audio is not None:
        argv += ["-map", audio]
    else:
        argv.append("-an")
    argv += ["-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1"]
    argv.extend(output_args)
    if output_seek is not None:
        argv += ["-ss", f"{output_seek:.3f}"]
    argv += ["-t", f"{length:.3f}"]
    if progress:
        argv += ["-progress", "pipe:1", "-stats_period", f"{STATS_PERIOD_S:g}"]
    argv += ["-f", container, "-y", output]
    return ffmpeg_args(*argv)


def speaker_track(segments: Sequence[Segment], start: float, end: float) -> list[tuple[float, float, str]]:
    """Who speaks when inside ``[start, end]``: clip-relative ``(from, to, name)``, same-name runs merged.

    Segments without a speaker are skipped; ``name`` is whatever the segment carries (load the
    transcript with display names to get the creator's names).
    """
    track: list[tuple[float, float, str]] = []
    for seg in sorted(segments, key=lambda s: s.start):
        lo, hi = max(seg.start, start), min(seg.end, end)
        if seg.speaker is None or hi <= lo:
            continue
        a, b = round(lo - start, 3), round(hi - start, 3)
        if track and track[-1][2] == seg.speaker:
            track[-1] = (track[-1][0], max(track[-1][1], b), seg.speaker)
        else:
            track.append((a, b, seg.speaker))
    return track
