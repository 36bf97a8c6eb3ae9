"""The ffmpeg command of one render, built by pure functions tested as tables.

:func:`clip_window` and :func:`fit_length` place the cut in the source (:func:`fit_cut_length` widens
a clip whose cuts leave it under the platform's minimum), :func:`choose_layout` and
:func:`fit_filter` fit the source picture to the preset's frame, :func:`filter_graph` and
:func:`build_argv` assemble the command, :func:`speaker_track` says who speaks when inside the cut
(for the reframe and the audiogram's name tags). :mod:`spaceclip.services.render.render` runs it.

Input seeking (``-ss``/``-t`` before ``-i``) makes the cut fast and, because the video is re-encoded,
frame-accurate; timestamps then start at zero, which is what the ASS events (clip-relative) expect.

Cuts inside a clip (:mod:`spaceclip.services.edit.cuts`) stay in the same pass: :func:`window_keeps`
turns the kept ranges into window time, :func:`cut_video_chain` keeps their frames (``fps`` first, so
every frame lies on the grid the ranges were snapped to, then ``select`` of half-open ranges and
``setpts`` laying them end to end) and :func:`cut_audio_graph` keeps the same ranges of the sound,
joined by short equal-power crossfades (each inner range widened by half a fade on both sides, so the
sound lasts exactly as long as the picture and a join never jumps: no click). The picture (reframe
crop, audiogram) is drawn in window time before the cut; captions are burned in after it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from spaceclip.errors import ValidationFailed
from spaceclip.services.edit.cuts import CutList
from spaceclip.services.media.process import ffmpeg_args, media_input_args
from spaceclip.services.render.spec import MIN_CUT_S
from spaceclip.services.speech.transcript import Segment, Transcript

__all__ = [
    "AUDIO_OUT",
    "CROSSFADE_S",
    "VIDEO_OUT",
    "Layout",
    "build_argv",
    "choose_layout",
    "clip_window",
    "cut_audio_graph",
    "cut_select",
    "cut_video_chain",
    "filter_graph",
    "fit_cut_length",
    "fit_filter",
    "fit_length",
    "reframe_sample_fps",
    "speaker_track",
    "voice_track",
    "window_keeps",
]

LENGTH_MARGIN_S = 0.25
#: Face-detection budget per clip (see :func:`reframe_sample_fps`).
REFRAME_SAMPLES = 60
REFRAME_MIN_FPS = 1.0
REFRAME_MAX_FPS = 4.0
#: Aspect ratios closer than this (relative) are treated as equal: scale, no crop.
ASPECT_TOLERANCE = 0.02
VIDEO_OUT = "vout"
#: The label of the cut, levelled sound (mapped instead of the source's audio stream).
AUDIO_OUT = "aout"
#: Length of the crossfade at each join of a cut clip's sound (s): long enough that no join clicks,
#: short enough that no syllable is smeared.
CROSSFADE_S = 0.02
#: How often ffmpeg writes a ``-progress`` block (its default, 0.5 s, says nothing about short clips).
STATS_PERIOD_S = 0.25

Layout = Literal["scale", "reframe", "blur", "pad"]
Range = tuple[float, float]


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


def fit_cut_length(
    start: float,
    end: float,
    duration: float,
    min_s: float,
    plan: Callable[[float, float], CutList],
    *,
    max_steps: int = 8,
) -> tuple[CutList, float]:
    """The cut list of ``[start, end]``, widened until its length after the cuts reaches ``min_s``.

    ``plan(start, end)`` cuts a range (pure for a given transcript). While the cut length is short of
    ``min_s`` (+ :data:`LENGTH_MARGIN_S`), the end moves out by the shortfall and the range is cut
    again; once the media ends, the start moves back instead. Returns the cut list and by how much
    it is still short of ``min_s`` (0 when it fits; more when the recording has too little speech).
    """
    need = min_s + LENGTH_MARGIN_S
    lo, hi = max(0.0, start), min(end, duration)
    cuts = plan(lo, hi)
    for _ in range(max_steps):
        short = need - cuts.duration
        if short <= 1e-6 or (lo <= 0.0 and hi >= duration):
            break
        if hi < duration:
            hi = round(min(duration, hi + short), 3)
        else:
            lo = round(max(0.0, lo - short), 3)
        cuts = plan(lo, hi)
    return cuts, round(max(0.0, min_s - cuts.duration), 3)


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


def _sec(value: float) -> str:
    return f"{max(0.0, value):.6f}".rstrip("0").rstrip(".") or "0"


def window_keeps(keeps: Sequence[Range], start: float, length: float) -> list[Range]:
    """The kept ranges (source seconds) in the time of the window ``[start, start + length]``. Pure.

    Ranges are clipped to the window (a clip may reach past the end of its media); what is left of
    a range shorter than a millisecond drops.
    """
    out: list[Range] = []
    for a, b in keeps:
        lo, hi = round(max(0.0, a - start), 6), round(min(length, b - start), 6)
        if hi - lo >= 0.001:
            out.append((lo, hi))
    return out


def cut_select(keeps: Sequence[Range], fps: float) -> str:
    """``select``'s expression keeping the frames of ``keeps`` (window seconds), each range half-open.

    Both bounds move half a frame back, so the frame at exactly ``a`` is kept and the one at ``b``
    is not, whatever the rounding of the frame's timestamp: a seam never shows a frame twice.
    """
    half = 0.5 / fps
    return "+".join(f"between(t,{_sec(a - half)},{_sec(b - half)})" for a, b in keeps) or "0"


def cut_video_chain(keeps: Sequence[Range], fps: float) -> list[str]:
    """The filters that keep the frames of ``keeps`` at ``fps`` and lay them end to end."""
    return [f"fps={fps:g}", f"select='{cut_select(keeps, fps)}'", f"setpts=N/({fps:g}*TB)"]


def cut_audio_graph(keeps: Sequence[Range], in_label: str, out_label: str, *, fade_s: float = CROSSFADE_S) -> str:
    """A filter_complex fragment ``[in]...[out]`` keeping ``keeps`` (window seconds) of a sound.

    One range is a plain ``atrim``. With ``n`` ranges the sound is split ``n`` ways; range ``i`` is
    trimmed to ``[a_i - f/2, b_i + f/2]`` (the first from ``a_0``, the last to ``b_n``) and joined to
    the sound before it by ``acrossfade`` of ``f`` with quarter-sine (equal-power) curves, so each
    join overlaps both sides by one fade and the result lasts exactly ``sum(b_i - a_i)``. A fade
    longer than the shortest range (or a first range's start) allows is shortened to fit.
    """
    if not keeps:
        raise ValueError("cut_audio_graph needs at least one kept range")
    trim = "atrim=start={}:end={},asetpts=PTS-STARTPTS"
    if len(keeps) == 1:
        a, b = keeps[0]
        return f"[{in_label}]{trim.format(_sec(a), _sec(b))}[{out_label}]"
    n = len(keeps)
    fade = max(0.001, min(fade_s, min(b - a for a, b in keeps) / 2))
    parts = [f"[{in_label}]asplit={n}" + "".join(f"[{out_label}_s{i}]" for i in range(n))]
    for i, (a, b) in enumerate(keeps):
        lo = a if i == 0 else a - fade / 2
        hi = b if i == n - 1 else b + fade / 2
        parts.append(f"[{out_label}_s{i}]{trim.format(_sec(lo), _sec(hi))}[{out_label}_t{i}]")
    joined = f"{out_label}_t0"
    for i in range(1, n):
        label = out_label if i == n - 1 else f"{out_label}_j{i}"
        parts.append(f"[{joined}][{out_label}_t{i}]acrossfade=d={_sec(fade)}:c1=qsin:c2=qsin[{label}]")
        joined = label
    return ";".join(parts)


def filter_graph(
    picture: str,
    picture_label: str,
    *,
    fps: float,
    subtitles: str | None,
    keeps: Sequence[Range] | None = None,
    audio: tuple[str, str] | None = None,
    video_out: str = VIDEO_OUT,
    audio_out: str = AUDIO_OUT,
) -> str:
    """The whole filter_complex: the picture, then constant fps, burned captions, yuv420p → ``[vout]``.

    With ``keeps`` (window seconds) the picture is cut to those frames before the captions, and
    ``audio`` = ``(input stream, level chain)`` adds the sound cut to the same ranges, crossfaded,
    then levelled → ``[aout]``. ``audio`` without ``keeps`` levels the whole sound in the graph (the
    brand cards join it there). ``video_out``/``audio_out`` rename the ends (the brand's watermark
    and cards take them on to ``[vout]``/``[aout]``).
    """
    chain = cut_video_chain(keeps, fps) if keeps else [f"fps={fps:g}"]
    if subtitles:
        chain.append(subtitles)
    chain.append("format=yuv420p")
    graph = f"{picture};[{picture_label}]{','.join(chain)}[{video_out}]"
    if keeps and audio is not None:
        stream, level = audio
        graph += f";{cut_audio_graph(keeps, stream, 'acut')};[acut]{level}[{audio_out}]"
    elif audio is not None:
        stream, level = audio
        graph += f";[{stream}]{level}[{audio_out}]"
    return graph


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
    output_length: float | None = None,
) -> list[str]:
    """The ffmpeg argv of one render (or one preview frame).

    Args:
        source: the user's media (read with the protocol and demuxer allow-lists).
        start: cut start (input seek, before ``-i``).
        length: cut length (input ``-t``, repeated on the output to bound generated inputs).
        graph: the filter_complex (see :func:`filter_graph`), ending in ``[vout]``.
        output: where ffmpeg writes (a temp name: the container is given with ``-f``).
        output_args: encoder settings (``presets.encoder_args``) or PNG frame settings.
        audio: the audio stream to map (``"0:1"``, or ``"[aout]"`` from the graph), or None for a picture only.
        extra_inputs: more inputs after the source (audiogram backgrounds), each a list of args.
        output_seek: for a single frame: how far into the cut the frame is taken.
        container: the output muxer (``mp4``, ``image2``).
        progress: add ``-progress pipe:1`` (parsed by :func:`~spaceclip.services.media.process.progress_reporter`).
        output_length: the output's ``-t`` when it differs from the window (a clip with cuts: the
            length after the cuts).
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
    # The cut length is rounded up to the millisecond, so no sample of the last kept range is lost.
    out_t = f"{length:.3f}" if output_length is None else f"{math.ceil(round(output_length * 1000, 3)) / 1000:.3f}"
    argv += ["-t", out_t]
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


def voice_track(transcript: Transcript, start: float, end: float) -> list[tuple[float, float, str]]:
    """When each voice is heard inside ``[start, end]``: clip-relative ``(from, to, name)`` in time order. Pure.

    The speaker stage's voice turns when the transcript has them (they follow the sound, where
    Whisper's word times run on through pauses and drift at a change of speaker); otherwise each
    word's span under its speaker (a segment without word times: its whole span), touching spans of
    one speaker joined.
    """
    spans: list[tuple[float, float, str | None]] = []
    if transcript.turns:
        spans = [(t.start, t.end, t.speaker) for t in transcript.turns]
    else:
        for seg in transcript.segments:
            if seg.words:
                spans += [(w.start, w.end, w.speaker or seg.speaker) for w in seg.words]
            else:
                spans.append((seg.start, seg.end, seg.speaker))
    track: list[tuple[float, float, str]] = []
    for lo, hi, name in sorted((a, b, n) for a, b, n in spans if n is not None):
        a, b = round(max(lo, start) - start, 3), round(min(hi, end) - start, 3)
        if b <= a:
            continue
        if track and track[-1][2] == name and a <= track[-1][1]:
            track[-1] = (track[-1][0], max(track[-1][1], b), name)
        else:
            track.append((a, b, name))
    return track
