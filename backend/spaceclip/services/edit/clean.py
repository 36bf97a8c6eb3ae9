"""A whole episode with its filler words and long pauses taken out, from the transcript.

:func:`clean_episode` plans the cuts over the whole recording (:func:`plan_episode`: the same rules
as a clip's, :mod:`spaceclip.services.edit.cuts`), then writes in one ffmpeg pass the episode without
them: the picture cut on whole frames at the source's own frame rate and size, the sound joined by
short crossfades (the render's own cut filters, :mod:`spaceclip.services.render.command`), the
source's chapters re-timed into the file (:mod:`spaceclip.services.edit.chapters`). Beside it go
the cut list as OpenTimelineIO (``.otio``, referencing the original media, for an editor) and
SRT/WebVTT subtitles re-timed to the cleaned episode. Every file is written under a temp name and renamed when complete.

Pure of the database: the CLI (``spaceclip clean``) and the ``clean`` job call it.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spaceclip.config import Settings
from spaceclip.errors import ValidationFailed
from spaceclip.services.edit.chapters import Chapter, ffmetadata, read_chapters, retime_chapters
from spaceclip.services.edit.cuts import CutList, CutSettings, plan_cuts
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.media.process import (
    ffmpeg_args,
    media_input_args,
    progress_reporter,
    run_process,
    tier_timeout,
)
from spaceclip.services.render.command import cut_audio_graph, cut_video_chain
from spaceclip.services.speech.transcript import Transcript, to_srt, to_vtt

log = logging.getLogger(__name__)

__all__ = [
    "AUDIO_SUFFIXES",
    "VIDEO_SUFFIXES",
    "CleanResult",
    "check_output_name",
    "clean_argv",
    "clean_episode",
    "default_output",
    "output_codecs",
    "plan_episode",
]

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".mkv")
#: Audio containers and their encoder settings (speech at transparent bitrates).
AUDIO_CODECS: dict[str, tuple[str, ...]] = {
    ".m4a": ("-c:a", "aac", "-b:a", "192k"),
    ".mp3": ("-c:a", "libmp3lame", "-b:a", "192k"),
    ".wav": ("-c:a", "pcm_s16le"),
    ".flac": ("-c:a", "flac"),
    ".ogg": ("-c:a", "libopus", "-b:a", "128k"),
    ".opus": ("-c:a", "libopus", "-b:a", "128k"),
}
AUDIO_SUFFIXES = tuple(AUDIO_CODECS)
#: Containers that carry chapters (ffmpeg writes them from -map_chapters).
CHAPTER_SUFFIXES = (".mp4", ".mov", ".m4v", ".mkv", ".m4a", ".mp3", ".ogg", ".opus")
#: The picture when the source's frame rate is unknown.
DEFAULT_FPS = 30.0
VIDEO_CODEC = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p")

Progress = Callable[[str, float, str], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class CleanResult:
    """What a clean-up wrote, and what it took out."""

    media: Path
    otio: Path
    srt: Path
    vtt: Path
    cuts: CutList
    chapters: tuple[Chapter, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        """A JSON-ready account: lengths before and after, and the seconds cut for each reason."""
        by_reason: dict[str, float] = {}
        for cut in self.cuts.cuts:
            by_reason[cut.reason] = round(by_reason.get(cut.reason, 0.0) + cut.length, 3)
        return {
            "duration_before": round(self.cuts.end - self.cuts.start, 3),
            "duration_after": round(self.cuts.duration, 3),
            "cuts": len(self.cuts.cuts),
            "removed_s": by_reason,
            "chapters": len(self.chapters),
        }


def default_output(source: Path, info: MediaInfo) -> Path:
    """``<stem>.clean.<ext>`` beside the source: MP4 for video, the source's own audio container if
    it is one SpaceClip writes (else M4A)."""
    if info.has_video:
        return source.with_name(f"{source.stem}.clean.mp4")
    suffix = source.suffix.lower() if source.suffix.lower() in AUDIO_CODECS else ".m4a"
    return source.with_name(f"{source.stem}.clean{suffix}")


def check_output_name(out: Path) -> None:
    """Raise ValidationFailed when ``out``'s suffix is not a container SpaceClip writes."""
    suffix = out.suffix.lower()
    if suffix not in VIDEO_SUFFIXES and suffix not in AUDIO_CODECS:
        known = ", ".join((*VIDEO_SUFFIXES, *AUDIO_SUFFIXES))
        raise ValidationFailed(
            f"SpaceClip cannot write a {suffix or 'nameless'} file. Name the output one of: {known}."
        )


def output_codecs(out: Path, info: MediaInfo) -> tuple[bool, list[str]]:
    """``(with_picture, encoder args)`` for writing ``out``; raises ValidationFailed for another suffix."""
    check_output_name(out)
    suffix = out.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        audio = ["-c:a", "aac", "-b:a", "192k"]
        if not info.has_video:
            raise ValidationFailed(
                f"This recording has no picture, so it cannot be written as {suffix}. "
                f"Choose an audio file name instead ({', '.join(AUDIO_SUFFIXES)})."
            )
        extra = ["-movflags", "+faststart"] if suffix in (".mp4", ".mov", ".m4v") else []
        return True, [*VIDEO_CODEC, *audio, *extra]
    return False, list(AUDIO_CODECS[suffix])


def _fps(info: MediaInfo) -> float:
    video = info.primary_video
    fps = video.fps if video is not None and video.fps else DEFAULT_FPS
    return float(min(120.0, max(1.0, round(fps, 3))))


def plan_episode(transcript: Transcript, duration: float, settings: CutSettings, *, fps: float | None) -> CutList:
    """The cuts of the whole recording ``[0, duration]``. Pure."""
    return plan_cuts(0.0, duration, transcript.words, settings, fps=fps)


def clean_argv(
    source: Path,
    info: MediaInfo,
    cuts: CutList,
    out: Path,
    *,
    container: str,
    chapters_file: Path | None,
    picture: bool,
    codecs: list[str],
) -> list[str]:
    """The one ffmpeg command writing ``source`` without ``cuts`` to ``out``. Pure."""
    audio = info.primary_audio
    if audio is None:
        raise ValidationFailed("This recording has no sound, so there is nothing to clean. Use a file with audio.")
    parts = []
    if picture:
        video = info.primary_video
        assert video is not None
        parts.append(f"[0:{video.index}]{','.join(cut_video_chain(cuts.keeps, _fps(info)))},format=yuv420p[vout]")
    parts.append(cut_audio_graph(cuts.keeps, f"0:{audio.index}", "aout"))
    argv: list[str | os.PathLike[str]] = [*media_input_args(source)]
    if chapters_file is not None:
        argv += ["-f", "ffmetadata", "-i", chapters_file]
    argv += ["-filter_complex", ";".join(parts)]
    if picture:
        argv += ["-map", "[vout]"]
    argv += ["-map", "[aout]", "-sn", "-dn", "-map_metadata:g", "-1"]
    argv += ["-map_chapters", "1" if chapters_file is not None else "-1"]
    argv += [*codecs, "-progress", "pipe:1", "-f", container, "-y", out]
    return ffmpeg_args(*argv)


_CONTAINERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska", ".m4a": "ipod", ".mp3": "mp3",
               ".wav": "wav", ".flac": "flac", ".ogg": "ogg", ".opus": "opus"}  # fmt: skip


def _temp(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")


def _write_atomic(dest: Path, data: bytes) -> None:
    tmp = _temp(dest)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def clean_episode(
    source: Path,
    info: MediaInfo,
    transcript: Transcript,
    choices: CutSettings,
    out: Path,
    settings: Settings,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    chapters: Sequence[Chapter] = (),
) -> CleanResult:
    """Write ``out`` (the episode without its cut fillers and pauses) and its ``.otio``, ``.srt``, ``.vtt``.

    The output's chapters are the source file's own, re-timed through the cuts; a source without
    any gets ``chapters`` (the project's planned or edited chapters, in source time) instead.

    Raises:
        ValidationFailed: nothing to cut (say so rather than re-encode the same episode), an output
            name SpaceClip cannot write, or a source without sound.
        JobCancelled: ``cancel`` returned True.
        ExternalToolError: ffmpeg failed.
    """
    from spaceclip.services.edit.editor import EditorSource, export_edit

    def report(stage: str, fraction: float, message: str) -> None:
        if progress is not None:
            progress(stage, min(1.0, max(0.0, fraction)), message)

    picture, codecs = output_codecs(out, info)
    duration = info.duration_s or transcript.duration
    fps = _fps(info) if picture else None
    t0 = time.perf_counter()
    cuts = plan_episode(transcript, duration, choices, fps=fps)
    if not cuts.cuts:
        raise ValidationFailed(
            "There is nothing to cut in this recording with these settings: no filler words were found and no "
            "pause is longer than the limit. Lower the pause limit, or analyse it again with "
            "SPACECLIP_FILLER_PROMPT=true so Whisper writes the fillers down."
        )
    kept: list[Chapter] = []
    if out.suffix.lower() in CHAPTER_SUFFIXES:
        own = read_chapters(source, timeout_s=tier_timeout(settings.process_timeout_s, "probe"))
        kept = retime_chapters(own or chapters, cuts)
    out.parent.mkdir(parents=True, exist_ok=True)
    stem = out.with_suffix("")
    otio_path, srt_path, vtt_path = (stem.with_name(f"{stem.name}{ext}") for ext in (".otio", ".srt", ".vtt"))
    meta = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.ffmeta")
    tmp = _temp(out)
    timings = {"plan": time.perf_counter() - t0}
    try:
        if kept:
            meta.write_text(ffmetadata(kept), encoding="utf-8")
        argv = clean_argv(
            source, info, cuts, tmp, container=_CONTAINERS[out.suffix.lower()],
            chapters_file=meta if kept else None, picture=picture, codecs=codecs,
        )  # fmt: skip
        report("clean", 0.0, f"Writing the episode without {len(cuts.cuts)} cuts")
        on_line = progress_reporter(cuts.duration, lambda f: report("clean", 0.95 * f, "Writing the cleaned episode"))
        t1 = time.perf_counter()
        run_process(argv, timeout_s=settings.process_timeout_s, cancel=cancel, on_stdout_line=on_line)
        timings["encode"] = time.perf_counter() - t1
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
    cleaned = cuts.retime_transcript(transcript)
    _write_atomic(srt_path, to_srt(cleaned).encode("utf-8"))
    _write_atomic(vtt_path, to_vtt(cleaned).encode("utf-8"))
    video = info.primary_video
    width, height = video.display_size if video is not None and picture else (0, 0)
    edit = export_edit(
        "otio", stem.name, EditorSource(source.resolve(), duration, has_video=picture, width=width, height=height),
        cuts, fps or DEFAULT_FPS, captions=cleaned,
    )  # fmt: skip
    _write_atomic(otio_path, edit.timeline)
    report("clean", 1.0, "Done")
    result = CleanResult(out, otio_path, srt_path, vtt_path, cuts, tuple(kept), timings)
    log.info("Cleaned %s: %s", source.name, result.summary())
    return result
