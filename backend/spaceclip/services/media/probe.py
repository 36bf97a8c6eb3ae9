"""Media probing, validation and audio extraction.

A file is probed once (:func:`probe_media`) into frozen dataclasses (:class:`MediaInfo`,
:class:`VideoStream`, :class:`AudioStream`) that are passed on and stored as ``projects.media_info``
(:meth:`MediaInfo.to_dict`). :func:`validate_media` accepts only allow-listed containers, as detected
by ffprobe (never by extension), with an audio track and within the configured limits.
:func:`extract_audio` decodes the first audio track to 16 kHz mono WAV; the full decode doubles as the
integrity check that catches truncated files whose header still probes fine.

The duration limit is held twice: against the probed length (:func:`validate_media`, before any heavy
work) and against what is actually decoded (:func:`extract_audio`). A header can lie: an MP3 without a
Xing/Info header whose first frames claim a high bitrate probes as a fraction of its real length. So
the decode itself is capped (``-t`` at the limit plus :data:`DECODE_MARGIN_S`, ``-fs`` at the WAV size
that length makes), stops there, and a file that decodes past the limit is refused with
:class:`~spaceclip.errors.MediaTooLong` giving the length decoded. Uploads and URL imports both reach
the audio through :func:`extract_audio`.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from spaceclip.config import Settings
from spaceclip.errors import MediaTooLong, ToolFailed, UnsupportedMedia
from spaceclip.services.media.process import (
    ffmpeg_args,
    ffprobe_args,
    media_input_args,
    progress_reporter,
    run_process,
    tier_timeout,
)

log = logging.getLogger(__name__)

__all__ = [
    "ACCEPTED_FORMATS",
    "AUDIO_SAMPLE_RATE",
    "AudioStream",
    "ExtractedAudio",
    "MediaInfo",
    "VideoStream",
    "extract_audio",
    "ffprobe_json",
    "inspect_media",
    "probe_media",
    "validate_media",
]

#: Container families accepted, as ffprobe's ``format_name`` names them (any one token suffices).
ACCEPTED_FORMATS = frozenset(
    {
        "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "mp3", "wav", "ogg", "flac",
        "aac", "avi", "mpegts", "flv", "aiff",
    }
)  # fmt: skip
#: Never opened, whatever else a format string says: playlists and file lists can read other files.
FORBIDDEN_FORMATS = frozenset({"hls", "applehttp", "concat", "ffconcat", "dash", "image2", "tty", "lavfi"})
AUDIO_SAMPLE_RATE = 16_000
SUPPORTED_HINT = "SpaceClip reads MP4, MOV, M4A, MKV, WebM, MP3, WAV, OGG/Opus, FLAC, AAC, AVI and MPEG-TS"
DAMAGED_HINT = "the file seems truncated or damaged — re-export or re-download it and upload it again"
# A decode this much shorter than the probed length means the data ends early.
TRUNCATION_RATIO = 0.9
TRUNCATION_SLACK_S = 0.5
#: How far past the duration limit a decode runs before ffmpeg stops it: a refusal at this point
#: can say "at least" this long.
DECODE_MARGIN_S = 2.0
#: A decode longer than the limit by more than this is refused (encoder padding is far less).
DECODE_TOLERANCE_S = 1.0
#: Bytes per second of the extracted WAV (mono, 16-bit) and room for its header chunks.
WAV_BYTES_PER_S = AUDIO_SAMPLE_RATE * 2
WAV_HEADER_BYTES = 4096


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec: str
    width: int
    height: int
    fps: float | None = None
    duration_s: float | None = None
    rotation: int = 0
    is_cover: bool = False  # an attached picture (album art), not a moving picture

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown, after the rotation phones record."""
        if self.rotation % 180 == 90:
            return self.height, self.width
        return self.width, self.height


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    sample_rate: int
    channels: int
    duration_s: float | None = None
    language: str | None = None


@dataclass(frozen=True)
class MediaInfo:
    format_name: str
    format_long_name: str
    duration_s: float
    size_bytes: int
    bit_rate: int | None = None
    video: tuple[VideoStream, ...] = field(default_factory=tuple)
    audio: tuple[AudioStream, ...] = field(default_factory=tuple)
    stream_count: int = 0

    @property
    def primary_audio(self) -> AudioStream | None:
        return self.audio[0] if self.audio else None

    @property
    def primary_video(self) -> VideoStream | None:
        """The first moving-picture stream; album art does not count."""
        return next((v for v in self.video if not v.is_cover), None)

    @property
    def has_video(self) -> bool:
        return self.primary_video is not None

    @property
    def format_tokens(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.format_name.split(",") if t.strip())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (stored in ``projects.media_info``)."""
        data = asdict(self)
        data["has_video"] = self.has_video
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaInfo:
        return cls(
            format_name=data["format_name"],
            format_long_name=data.get("format_long_name", ""),
            duration_s=float(data["duration_s"]),
            size_bytes=int(data.get("size_bytes", 0)),
            bit_rate=data.get("bit_rate"),
            video=tuple(VideoStream(**v) for v in data.get("video", ())),
            audio=tuple(AudioStream(**a) for a in data.get("audio", ())),
            stream_count=int(data.get("stream_count", 0)),
        )


@dataclass(frozen=True)
class ExtractedAudio:
    path: Path
    duration_s: float
    sample_rate: int = AUDIO_SAMPLE_RATE


# --- probing -------------------------------------------------------------------------------------


def _float(value: object) -> float | None:
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return result if result == result and result >= 0 else None  # NaN check


def _int(value: object, default: int = 0) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return default


def _fps(rate: object) -> float | None:
    num, _, den = str(rate or "").partition("/")
    n, d = _float(num), _float(den or "1")
    if not n or not d:
        return None
    return round(n / d, 3)


def _rotation(stream: dict[str, Any]) -> int:
    for side in stream.get("side_data_list") or ():
        if "rotation" in side:
            return _int(side["rotation"]) % 360
    return _int((stream.get("tags") or {}).get("rotate")) % 360


def parse_ffprobe_json(data: dict[str, Any], size_bytes: int) -> MediaInfo:
    """Build a :class:`MediaInfo` from ``ffprobe -show_format -show_streams -of json`` output."""
    fmt = data.get("format") or {}
    streams = data.get("streams") or []
    video: list[VideoStream] = []
    audio: list[AudioStream] = []
    for s in streams:
        kind = s.get("codec_type")
        if kind == "video":
            video.append(
                VideoStream(
                    index=_int(s.get("index")),
                    codec=str(s.get("codec_name") or "unknown"),
                    width=_int(s.get("width")),
                    height=_int(s.get("height")),
                    fps=_fps(s.get("avg_frame_rate")) or _fps(s.get("r_frame_rate")),
                    duration_s=_float(s.get("duration")),
                    rotation=_rotation(s),
                    is_cover=bool((s.get("disposition") or {}).get("attached_pic")),
                )
            )
        elif kind == "audio":
            audio.append(
                AudioStream(
                    index=_int(s.get("index")),
                    codec=str(s.get("codec_name") or "unknown"),
                    sample_rate=_int(s.get("sample_rate")),
                    channels=_int(s.get("channels")),
                    duration_s=_float(s.get("duration")),
                    language=(s.get("tags") or {}).get("language"),
                )
            )
    durations = [d for d in (_float(fmt.get("duration")), *(a.duration_s for a in audio)) if d]
    return MediaInfo(
        format_name=str(fmt.get("format_name") or ""),
        format_long_name=str(fmt.get("format_long_name") or ""),
        duration_s=round(durations[0], 3) if durations else 0.0,
        size_bytes=size_bytes,
        bit_rate=_int(fmt.get("bit_rate"), 0) or None,
        video=tuple(video),
        audio=tuple(audio),
        stream_count=len(streams),
    )


_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot")


def _looks_like_mp4(path: Path) -> bool:
    """Whether ``path`` starts like an ISO/QuickTime file (a box type at byte 4)."""
    try:
        with path.open("rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return len(head) >= 8 and head[4:8] in _MP4_BOXES


def _probe_failure_message(tail: tuple[str, ...], path: Path | None = None) -> str:
    text = " ".join(tail).lower()
    if "not on whitelist" in text:
        return (
            "This file is a playlist or file list, not a media file, so SpaceClip will not open it. "
            f"Upload the audio or video file itself ({SUPPORTED_HINT})."
        )
    # "moov atom not found" also comes from any non-MP4 file named .mp4, so look at the bytes.
    moov_lost = "moov atom not found" in text and path is not None and _looks_like_mp4(path)
    if moov_lost or "partial file" in text or "truncat" in text:
        return f"SpaceClip could not read this file: {DAMAGED_HINT}."
    return (
        "This file is not an audio or video file SpaceClip can read (or it is damaged). "
        f"{SUPPORTED_HINT}; convert or re-export it to one of those and upload it again."
    )


def ffprobe_json(path: Path, *args: str, timeout_s: float, cancel: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Run ffprobe on ``path`` with ``args`` and JSON output; the one place ffprobe is run.

    Raises :class:`~spaceclip.errors.ToolFailed` when ffprobe refuses the file (the caller says what
    that means for the user) and :class:`~spaceclip.errors.UnsupportedMedia` when its output is not
    JSON.
    """
    result = run_process(ffprobe_args(path, *args, "-of", "json"), timeout_s=timeout_s, cancel=cancel)
    try:
        data = json.loads(result.stdout_text or "{}")
    except json.JSONDecodeError as exc:
        raise UnsupportedMedia(_probe_failure_message(())) from exc
    if not isinstance(data, dict):
        raise UnsupportedMedia(_probe_failure_message(()))
    return data


def probe_media(path: Path, settings: Settings, *, cancel: Callable[[], bool] | None = None) -> MediaInfo:
    """Probe ``path`` once with ffprobe; raises UnsupportedMedia when it is not readable media."""
    timeout_s = tier_timeout(settings.process_timeout_s, "probe")
    try:
        data = ffprobe_json(path, "-show_format", "-show_streams", timeout_s=timeout_s, cancel=cancel)
    except ToolFailed as exc:
        if exc.returncode < 0:
            raise  # killed by a signal: not the file's fault
        log.info("ffprobe rejected %s: %s", path.name, " | ".join(exc.stderr_tail))
        raise UnsupportedMedia(_probe_failure_message(exc.stderr_tail, path)) from exc
    return parse_ffprobe_json(data, size_bytes=path.stat().st_size)


def _length(seconds: float) -> str:
    """``"32 seconds"``, ``"240 minutes"``, ``"240 min 2 s"``: seconds are kept where they tell apart
    a length from the limit it is held against."""
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} minutes" if rest == 0 else f"{minutes} min {rest} s"


def _limit_advice(settings: Settings) -> str:
    return (
        "Trim it (or split it into parts) and upload it again; the server's owner can raise "
        f"SPACECLIP_MAX_DURATION_MINUTES (now {settings.max_duration_minutes:g})."
    )


def validate_media(info: MediaInfo, settings: Settings) -> None:
    """Raise UnsupportedMedia unless ``info`` is allow-listed media with speech audio within limits."""
    tokens = info.format_tokens
    if tokens & FORBIDDEN_FORMATS or not tokens & ACCEPTED_FORMATS:
        raise UnsupportedMedia(
            f"SpaceClip does not accept this kind of file ({info.format_long_name or info.format_name or 'unknown'}). "
            f"{SUPPORTED_HINT}; convert it to one of those and upload it again."
        )
    if info.stream_count > settings.max_streams:
        raise UnsupportedMedia(
            f"This file has {info.stream_count} streams; SpaceClip accepts at most {settings.max_streams}. "
            "Export it again with just the main video and audio tracks."
        )
    audio = info.primary_audio
    if audio is None:
        raise UnsupportedMedia(
            "This file has no audio track. SpaceClip finds clips by listening to the speech, so it "
            "needs a file with sound; export it again with audio included."
        )
    if audio.sample_rate <= 0 or audio.channels <= 0:
        raise UnsupportedMedia(f"The audio track could not be read: {DAMAGED_HINT}.")
    if info.duration_s <= 0:
        raise UnsupportedMedia(f"SpaceClip could not tell how long this file is: {DAMAGED_HINT}.")
    if info.duration_s > settings.max_duration_s:
        raise MediaTooLong(
            f"This file is {_length(info.duration_s)} long; the limit is "
            f"{_length(settings.max_duration_s)}. {_limit_advice(settings)}"
        )
    for video in info.video:
        if video.is_cover:
            continue
        if max(video.width, video.height) > settings.max_video_side:
            raise UnsupportedMedia(
                f"This video is {video.width}x{video.height} pixels; SpaceClip accepts at most "
                f"{settings.max_video_side} pixels on a side. Export it at a lower resolution "
                "(for example 1920x1080) and upload it again."
            )
        if video.width <= 0 or video.height <= 0:
            raise UnsupportedMedia(f"The video track could not be read: {DAMAGED_HINT}.")


def inspect_media(path: Path, settings: Settings, *, cancel: Callable[[], bool] | None = None) -> MediaInfo:
    """Probe and validate ``path``: the MediaInfo, or UnsupportedMedia with what to do."""
    info = probe_media(path, settings, cancel=cancel)
    validate_media(info, settings)
    return info


# --- audio extraction ----------------------------------------------------------------------------

_SYSTEM_ERRORS = ("no space left", "permission denied", "cannot allocate memory", "read-only file system")


def _wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def is_truncated(expected_s: float, decoded_s: float) -> bool:
    """Whether a decode of ``decoded_s`` seconds means data is missing from an ``expected_s`` file."""
    return decoded_s < expected_s * TRUNCATION_RATIO - TRUNCATION_SLACK_S


def decode_caps(settings: Settings) -> tuple[float, int]:
    """Where a decode is stopped: seconds of output (``-t``) and bytes of WAV (``-fs``).

    The length is the duration limit plus :data:`DECODE_MARGIN_S`. The size is what one more second
    than that makes, so ``-t`` normally stops first; ``-fs`` holds even where timestamps do not
    advance with the samples. The WAV's size has no setting of its own: it follows from the length.
    """
    cap_s = settings.max_duration_s + DECODE_MARGIN_S
    return cap_s, int((cap_s + 1.0) * WAV_BYTES_PER_S) + WAV_HEADER_BYTES


def is_over_limit(decoded_s: float, settings: Settings) -> bool:
    """Whether ``decoded_s`` seconds of decoded audio is over the duration limit (past the tolerance)."""
    return decoded_s > settings.max_duration_s + DECODE_TOLERANCE_S


def _decoded_too_long(decoded_s: float, claimed_s: float, cap_s: float, settings: Settings) -> MediaTooLong:
    stopped = decoded_s >= cap_s - 0.01  # ffmpeg stopped at the cap: the file is longer still
    length = f"runs for at least {_length(decoded_s)}" if stopped else f"is {_length(decoded_s)} long"
    claim = f", although the file's header claims {_length(claimed_s)}" if claimed_s < decoded_s - 1.0 else ""
    return MediaTooLong(
        f"This file's audio {length}{claim}; the limit is {_length(settings.max_duration_s)}. "
        f"{_limit_advice(settings)}",
        detail=f"decoded {decoded_s:.1f} s{' (stopped at the cap)' if stopped else ''}, probed {claimed_s:.1f} s",
    )


def extract_audio(
    src: Path,
    dest: Path,
    settings: Settings,
    *,
    info: MediaInfo,
    on_progress: Callable[[float], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    tmp_path: Path | None = None,
) -> ExtractedAudio:
    """Decode the first audio track of ``src`` to 16 kHz mono 16-bit WAV at ``dest``.

    The WAV is written to ``tmp_path`` (default: a unique name beside ``dest``) and renamed into place
    only when complete, so a re-run or a crash never leaves half a file at ``dest``.

    The decode is capped at the duration limit plus :data:`DECODE_MARGIN_S` (and the matching WAV
    size, see :func:`decode_caps`), whatever the probe said, and the length decoded is measured from
    the WAV's frame count.

    Raises:
        MediaTooLong: the audio decodes past ``SPACECLIP_MAX_DURATION_MINUTES`` (the header claimed
            less); the message gives the length decoded ("at least" when stopped at the cap).
        UnsupportedMedia: the audio cannot be decoded, or it ends well before the probed length
            (a truncated file).
        ExternalToolError: ffmpeg failed for a reason that is not the file's (disk full, killed).
        JobCancelled: ``cancel`` returned True.
    """
    audio = info.primary_audio
    if audio is None:
        raise UnsupportedMedia("This file has no audio track; SpaceClip needs a file with speech.")
    expected = audio.duration_s or info.duration_s
    cap_s, cap_bytes = decode_caps(settings)
    tmp = tmp_path or dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.tmp")
    argv = ffmpeg_args(
        *media_input_args(src),
        "-map", f"0:{audio.index}",
        "-vn", "-sn", "-dn",
        "-ac", "1",
        "-ar", str(AUDIO_SAMPLE_RATE),
        "-c:a", "pcm_s16le",
        "-t", f"{cap_s:.3f}",
        "-fs", str(cap_bytes),
        "-f", "wav",
        "-progress", "pipe:1",
        "-y", tmp,
    )  # fmt: skip
    line_cb = progress_reporter(expected, on_progress) if on_progress else None
    try:
        result = run_process(argv, timeout_s=settings.process_timeout_s, cancel=cancel, on_stdout_line=line_cb)
        decoded = _wav_duration(tmp)
        if is_over_limit(decoded, settings):
            log.info("Media %s decodes past the limit: %.1f s decoded, %.1f s probed", src.name, decoded, expected)
            raise _decoded_too_long(decoded, expected, cap_s, settings)
        tail = " ".join(result.stderr_tail).lower()
        if "partial file" in tail or is_truncated(expected, decoded):
            log.info("Truncated media %s: decoded %.1f s of %.1f s", src.name, decoded, expected)
            raise UnsupportedMedia(
                f"Only {decoded:.0f} of the {expected:.0f} seconds of audio could be read: {DAMAGED_HINT}."
            )
        os.replace(tmp, dest)
    except ToolFailed as exc:
        stderr = " ".join(exc.stderr_tail).lower()
        if exc.returncode < 0 or any(s in stderr for s in _SYSTEM_ERRORS):
            raise
        log.info("ffmpeg could not decode %s: %s", src.name, " | ".join(exc.stderr_tail))
        raise UnsupportedMedia(f"The audio track could not be decoded: {DAMAGED_HINT}.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return ExtractedAudio(path=dest, duration_s=round(decoded, 3))
