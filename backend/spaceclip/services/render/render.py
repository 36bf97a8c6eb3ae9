"""Render one clip for one platform preset: cut → picture → captions → encode, in one ffmpeg pass.

The picture is either the source video fitted to the preset's frame (plain scale when the aspect
already matches, the speaker-tracking crop of :mod:`spaceclip.services.render.reframe` when the frame is
narrower, a blurred-background fit when it is wider) or an audiogram
(:func:`spaceclip.services.render.audiogram.audiogram_graph`) for audio-only sources and on request. Captions
are burned in with the ``subtitles`` filter from an ASS file made by
:func:`spaceclip.services.render.captions.build_ass`; the output uses exactly
:func:`spaceclip.services.render.platforms.encoder_args`.

The command is built by pure functions (:func:`clip_window`, :func:`choose_layout`,
:func:`fit_filter`, :func:`filter_graph`, :func:`build_argv`, :func:`speaker_track`) tested as tables;
:func:`render_clip` runs it through :mod:`spaceclip.services.media.process` with progress from
``-progress pipe:1`` and writes every output to a temp name that is renamed into place when complete.
After the render it makes a thumbnail (the frame at the loudest moment), the clip's SRT and VTT, and
probes the file against its preset (:func:`spaceclip.services.render.platforms.check_export`).

Input seeking (``-ss``/``-t`` before ``-i``) makes the cut fast and, because the video is re-encoded,
frame-accurate; timestamps then start at zero, which is what the ASS events (clip-relative) expect.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from spaceclip.config import Settings
from spaceclip.errors import ValidationFailed
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.media.process import ffmpeg_args, media_input_args, progress_reporter, run_process, tier_timeout
from spaceclip.services.render import platforms
from spaceclip.services.render.platforms import Preset
from spaceclip.services.speech.transcript import Segment, Transcript

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_AUDIOGRAM_STYLE",
    "ClipSpec",
    "Picture",
    "RenderResult",
    "build_argv",
    "choose_layout",
    "clip_window",
    "filter_graph",
    "fit_filter",
    "fit_length",
    "reframe_sample_fps",
    "render_clip",
    "render_frame",
    "speaker_track",
]

DEFAULT_AUDIOGRAM_STYLE = "bars"
MIN_CLIP_S = 0.5
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
THUMBNAIL_SCALE = 0.5
#: Share of the progress bar the encode gets; reframe planning and the finishing steps share the rest.
PLAN_SHARE = 0.15
ENCODE_END = 0.92

Layout = Literal["scale", "reframe", "blur", "pad"]
Progress = Callable[[str, float, str], None]
Cancel = Callable[[], bool]


# --- pure helpers --------------------------------------------------------------------------------


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
    if length < MIN_CLIP_S:
        raise ValidationFailed(
            f"This clip is {max(0.0, length):.2f} s long inside the source; a clip needs at least "
            f"{MIN_CLIP_S:g} s. Move its start or end so it covers some of the recording."
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
        output_args: encoder settings (``platforms.encoder_args``) or PNG frame settings.
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


# --- the render ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClipSpec:
    """What to render: a range of a source with its look, for one preset.

    ``audiogram_style`` None means "the source's own picture"; audio-only sources always get an
    audiogram (:data:`DEFAULT_AUDIOGRAM_STYLE` unless a style is given). ``caption_style`` None
    renders no captions. ``transcript`` should carry display names (``load_transcript`` does).
    """

    source: Path
    info: MediaInfo
    start: float
    end: float
    preset: Preset
    transcript: Transcript | None = None
    caption_style: str | None = "karaoke"
    audiogram_style: str | None = None
    title: str | None = None
    speaker_colors: bool = False
    audio_path: Path | None = None  # the 16 kHz analysis audio, for finding the loudest moment
    background: Any = None  # audiogram.Background; None: the default colour

    @property
    def is_audiogram(self) -> bool:
        return self.audiogram_style is not None or not self.info.has_video

    @property
    def style_of_audiogram(self) -> str:
        return self.audiogram_style or DEFAULT_AUDIOGRAM_STYLE


@dataclass(frozen=True)
class Picture:
    """The picture part of the graph: extra inputs, the fragment, and the label it ends in."""

    filter: str
    label: str
    extra_inputs: tuple[tuple[str, ...], ...] = ()
    layout: str = "scale"


@dataclass(frozen=True)
class RenderResult:
    video: Path
    srt: Path | None
    vtt: Path | None
    thumbnail: Path | None
    check: dict[str, Any]
    passed: bool
    duration: float
    size_bytes: int
    layout: str
    seconds: dict[str, float] = field(default_factory=dict)


def _audio_stream(info: MediaInfo) -> str:
    audio = info.primary_audio
    if audio is None:
        raise ValidationFailed("This source has no audio track, so there is nothing to clip. Use a file with sound.")
    return f"0:{audio.index}"


def make_picture(spec: ClipSpec, start: float, length: float, *, cancel: Cancel | None = None) -> Picture:
    """The picture fragment for ``spec``: an audiogram, or the source video fitted to the preset."""
    preset = spec.preset
    w, h = preset.width, preset.height
    if spec.is_audiogram:
        import spaceclip.services.render.audiogram as audiogram

        track = speaker_track(spec.transcript.segments, start, start + length) if spec.transcript else []
        graph = audiogram.audiogram_graph(
            spec.style_of_audiogram,
            width=w,
            height=h,
            fps=preset.fps,
            background=spec.background,
            title=spec.title or None,
            speaker_track=track,
            audio_input=_audio_stream(spec.info),
            safe=preset.safe,
        )
        return Picture(
            filter=graph.filter,
            label=graph.out_label.strip("[]"),
            extra_inputs=tuple(tuple(a) for a in graph.extra_inputs),
            layout=f"audiogram:{spec.style_of_audiogram}",
        )
    video = spec.info.primary_video
    assert video is not None
    src_w, src_h = video.display_size
    layout = choose_layout(src_w, src_h, w, h)
    in_label = f"0:{video.index}"
    if layout == "reframe":
        import spaceclip.services.render.reframe as reframe

        turns = speaker_track(spec.transcript.segments, start, start + length) if spec.transcript else []
        plan = reframe.plan_crop(
            spec.source, spec.info, start, start + length, w, h,
            sample_fps=reframe_sample_fps(length), turns=turns, cancel=cancel,
        )  # fmt: skip
        return Picture(filter=reframe.crop_filter(plan, w, h, in_label, "pic"), label="pic", layout=f"crop:{plan.mode}")
    return Picture(filter=fit_filter(layout, in_label, "pic", w, h), label="pic", layout=layout)


def _write_ass(spec: ClipSpec, start: float, length: float, dest: Path) -> bool:
    import spaceclip.services.render.captions as captions

    if spec.caption_style is None or spec.transcript is None:
        return False
    words = [w for w in spec.transcript.words if w.end > start and w.start < start + length]
    text = captions.build_ass(
        words,
        clip_start=start,
        clip_end=start + length,
        style=spec.caption_style,
        width=spec.preset.width,
        height=spec.preset.height,
        safe=spec.preset.safe,
        speaker_colors=spec.speaker_colors,
    )
    dest.write_text(text, encoding="utf-8")
    return True


def _temp(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")


def _write_text_atomic(dest: Path, text: str) -> None:
    tmp = _temp(dest)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _peak_offset(spec: ClipSpec, start: float, length: float, cancel: Cancel | None) -> float:
    """Seconds into the clip of its loudest moment (the thumbnail frame)."""
    import spaceclip.services.render.audiogram as audiogram

    audio_path = spec.audio_path if spec.audio_path is not None and spec.audio_path.exists() else spec.source
    peak = float(audiogram.peak_time(audio_path, start, start + length, cancel=cancel))
    return min(max(0.0, peak - start), max(0.0, length - 0.1))


def make_thumbnail(video: Path, at: float, dest: Path, settings: Settings, *, cancel: Cancel | None = None) -> Path:
    """A PNG of the frame ``at`` seconds into ``video``, at half size, written atomically."""
    tmp = _temp(dest)
    argv = ffmpeg_args(
        "-ss", f"{at:.3f}", *media_input_args(video),
        "-frames:v", "1", "-vf", f"scale=trunc(iw*{THUMBNAIL_SCALE}/2)*2:-2",
        "-c:v", "png", "-f", "image2", "-y", tmp,
    )  # fmt: skip
    try:
        run_process(argv, timeout_s=tier_timeout(settings.process_timeout_s, "still"), cancel=cancel)
        if not tmp.exists():
            raise ValidationFailed("The thumbnail frame could not be taken from the rendered clip. Render it again.")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _encode(
    spec: ClipSpec,
    picture: Picture,
    start: float,
    length: float,
    video: Path,
    settings: Settings,
    *,
    report: Progress,
    cancel: Cancel | None,
) -> None:
    """Run the one ffmpeg pass to a temp name beside ``video`` and rename it into place."""
    import spaceclip.services.render.captions as captions

    preset = spec.preset
    ass = video.with_name(f".{video.stem}.{uuid.uuid4().hex[:8]}.ass")
    tmp = _temp(video)
    try:
        has_ass = _write_ass(spec, start, length, ass)
        graph = filter_graph(
            picture.filter, picture.label, fps=preset.fps, subtitles=captions.ass_filter(ass) if has_ass else None
        )
        argv = build_argv(
            source=spec.source,
            start=start,
            length=length,
            graph=graph,
            output=tmp,
            output_args=platforms.encoder_args(preset, duration_s=length),
            audio=_audio_stream(spec.info),
            extra_inputs=picture.extra_inputs,
        )
        report("render", PLAN_SHARE, "Rendering")
        on_line = progress_reporter(
            length, lambda f: report("render", PLAN_SHARE + (ENCODE_END - PLAN_SHARE) * f, "Rendering")
        )
        run_process(argv, timeout_s=settings.process_timeout_s, cancel=cancel, on_stdout_line=on_line)
        os.replace(tmp, video)
    finally:
        tmp.unlink(missing_ok=True)
        ass.unlink(missing_ok=True)


def _write_side_files(
    spec: ClipSpec, start: float, length: float, out_dir: Path, stem: str
) -> tuple[Path | None, Path | None]:
    """The clip's SRT and VTT (re-timed to the clip), or (None, None) without a transcript."""
    import spaceclip.services.render.captions as captions

    if spec.transcript is None:
        return None, None
    srt, vtt = out_dir / f"{stem}.srt", out_dir / f"{stem}.vtt"
    _write_text_atomic(srt, captions.clip_srt(spec.transcript, start, start + length))
    _write_text_atomic(vtt, captions.clip_vtt(spec.transcript, start, start + length))
    return srt, vtt


def render_clip(
    spec: ClipSpec,
    out_dir: Path,
    settings: Settings,
    *,
    stem: str = "clip",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    thumbnail: bool = True,
    subtitles_files: bool = True,
) -> RenderResult:
    """Render ``spec`` to ``out_dir/<stem>.mp4`` (+ ``.srt``, ``.vtt``, ``.png``) and check it.

    Each file is written under a temp name and renamed when complete, so a crash or a cancel never
    leaves half a file under a final name; running it twice gives the same files.

    Raises:
        ValidationFailed: the range is not inside the source.
        JobCancelled: ``cancel`` returned True (ffmpeg's process group is killed).
        ExternalToolError: ffmpeg failed.
    """

    def report(stage: str, fraction: float, message: str) -> None:
        if progress is not None:
            progress(stage, min(1.0, max(0.0, fraction)), message)

    timings: dict[str, float] = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    start, length = clip_window(spec.start, spec.end, spec.info.duration_s or None)
    preset = spec.preset
    video = out_dir / f"{stem}.mp4"
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="render") as pool:
        # The side files need only the source and the transcript: they are made while the frame is
        # planned and the clip encodes, so the render ends soon after ffmpeg does.
        peak = pool.submit(_peak_offset, spec, start, length, cancel) if thumbnail else None
        side = pool.submit(_write_side_files, spec, start, length, out_dir, stem) if subtitles_files else None
        t0 = time.perf_counter()
        try:
            report("plan", 0.0, "Planning the frame")
            picture = make_picture(spec, start, length, cancel=cancel)
            timings["plan"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            _encode(spec, picture, start, length, video, settings, report=report, cancel=cancel)
            timings["encode"] = time.perf_counter() - t1
        except BaseException:
            # No video, so no captions files beside it either (they were made in parallel).
            if side is not None:
                _discard_side_files(side, out_dir, stem)
            raise

        t2 = time.perf_counter()
        report("check", ENCODE_END, "Checking the file against the platform's rules")
        checked = pool.submit(platforms.check_export, video, preset, settings)
        thumb = None
        if peak is not None:
            report("thumbnail", ENCODE_END + 0.03, "Making the thumbnail")
            thumb = make_thumbnail(video, peak.result(), out_dir / f"{stem}.png", settings, cancel=cancel)
        srt, vtt = side.result() if side is not None else (None, None)
        result = checked.result()
        timings["finish"] = time.perf_counter() - t2
    check = result.to_dict()
    log.info(
        "Rendered %s for %s (%s, %.1f s) in %.1f s: check %s",
        video.name,
        preset.key,
        picture.layout,
        length,
        sum(timings.values()),
        "passed" if result.passed else "FAILED",
    )
    report("check", 1.0, "Done")
    return RenderResult(
        video=video,
        srt=srt,
        vtt=vtt,
        thumbnail=thumb,
        check=check,
        passed=bool(result.passed),
        duration=length,
        size_bytes=video.stat().st_size,
        layout=picture.layout,
        seconds=timings,
    )


def _discard_side_files(side: Future[tuple[Path | None, Path | None]], out_dir: Path, stem: str) -> None:
    """Wait for the SRT/VTT writer, then remove what it wrote (the render they belong to failed)."""
    try:
        side.result()
    except Exception:
        log.debug("Caption files for a failed render were not written", exc_info=True)
    for ext in ("srt", "vtt"):
        (out_dir / f"{stem}.{ext}").unlink(missing_ok=True)


def render_frame(
    spec: ClipSpec, at: float, settings: Settings, work_dir: Path, *, cancel: Cancel | None = None
) -> bytes:
    """One PNG frame, ``at`` seconds into the clip, made by the same pipeline as the render.

    The cut is a short window ending just after the frame, so audiograms have some sound to draw
    and captions show the words spoken at that moment.
    """
    import spaceclip.services.render.captions as captions

    start, length = clip_window(spec.start, spec.end, spec.info.duration_s or None)
    at = min(max(0.0, at), max(0.0, length - 0.05))
    lead = min(at, 1.0)
    w_start, w_len = start + at - lead, lead + 0.2
    work_dir.mkdir(parents=True, exist_ok=True)
    picture = make_picture(spec, w_start, w_len, cancel=cancel)
    token = uuid.uuid4().hex[:12]
    ass, png = work_dir / f".frame-{token}.ass", work_dir / f".frame-{token}.png"
    try:
        # Captions are laid out for the whole clip, then shifted to the window, so the frame shows the
        # same page the video shows at that moment.
        has_ass = False
        if spec.caption_style is not None and spec.transcript is not None:
            whole = work_dir / f".frame-{token}.whole.ass"
            try:
                has_ass = _write_ass(spec, start, length, whole)
                if has_ass:
                    ass.write_text(
                        captions.shift_ass(whole.read_text(encoding="utf-8"), w_start - start), encoding="utf-8"
                    )
            finally:
                whole.unlink(missing_ok=True)
        graph = filter_graph(
            picture.filter,
            picture.label,
            fps=spec.preset.fps,
            subtitles=captions.ass_filter(ass) if has_ass else None,
        )
        argv = build_argv(
            source=spec.source,
            start=w_start,
            length=w_len,
            graph=graph,
            output=png,
            output_args=["-frames:v", "1", "-c:v", "png"],
            audio=None,
            extra_inputs=picture.extra_inputs,
            output_seek=lead,
            container="image2",
            progress=False,
        )
        run_process(argv, timeout_s=tier_timeout(settings.process_timeout_s, "still"), cancel=cancel)
        if not png.exists():
            raise ValidationFailed("No frame could be made at this moment of the clip. Pick another moment.")
        return png.read_bytes()
    finally:
        ass.unlink(missing_ok=True)
        png.unlink(missing_ok=True)
