"""Test media, generated with ffmpeg at test time (never checked in).

Every helper writes into the path it is given and returns that path. Generated files are small and
short unless the name says otherwise. Use :func:`cached` to build a file once per test session::

    @pytest.fixture(scope="session")
    def media_dir(tmp_path_factory): return tmp_path_factory.mktemp("media")

    path = cached(media_dir / "talk.mp4", make_video)

Helpers:
    make_video(path, seconds=2, size="320x240", audio=True, faststart=False)  H.264 (+ AAC) MP4/MOV/MKV
    make_video_only(path, seconds=2)           video without any audio track
    make_audio(path, seconds=2)                audio only; codec picked from the extension:
                                               .m4a/.aac AAC, .mp3 MP3, .wav PCM, .ogg/.opus Opus, .flac FLAC
    make_speech(path, text)                    spoken words (espeak-ng) as 16-bit WAV, or any audio extension
    make_long_audio(path, minutes=60)          Ogg/Opus that takes seconds to decode (for slow jobs)
    make_lying_mp3(path, parts=((320, 3), (32, 80)))  MP3 streams of (kbit/s, seconds) joined byte by byte,
                                               no Xing/Info header: probes by the first bitrate
    make_text_as_media(path)                   a text file, whatever the extension says
    make_truncated_mp4(path, faststart=False)  an MP4 cut in half: moov at the end (lost) or at the start
    make_playlist(path, kind="hls"|"ffconcat", target=...)  a playlist that points at another file
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from spaceclip.services.media.process import ffmpeg_args, run_process

TIMEOUT_S = 300.0

_AUDIO_CODECS: dict[str, list[str]] = {
    ".m4a": ["-c:a", "aac", "-b:a", "64k"],
    ".aac": ["-c:a", "aac", "-b:a", "64k", "-f", "adts"],
    ".mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    ".wav": ["-c:a", "pcm_s16le"],
    ".ogg": ["-c:a", "libopus", "-b:a", "32k"],
    ".opus": ["-c:a", "libopus", "-b:a", "32k"],
    ".flac": ["-c:a", "flac"],
}


def _ffmpeg(*args: str | Path) -> None:
    run_process(ffmpeg_args(*args), timeout_s=TIMEOUT_S)


def cached(path: Path, maker: Callable[..., Path], **kwargs: object) -> Path:
    """Make ``path`` with ``maker(path, **kwargs)`` unless it already exists."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name("tmp-" + path.name)
        maker(tmp, **kwargs)
        tmp.replace(path)
    return path


def make_video(
    path: Path, *, seconds: float = 2.0, size: str = "320x240", audio: bool = True, faststart: bool = False
) -> Path:
    """A test-pattern video (H.264) with a 440 Hz tone (AAC) unless ``audio`` is False."""
    args: list[str | Path] = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}"]
        args += ["-c:a", "aac", "-b:a", "64k", "-shortest"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if faststart:
        args += ["-movflags", "+faststart"]
    _ffmpeg(*args, "-y", path)
    return path


def make_video_only(path: Path, *, seconds: float = 2.0) -> Path:
    """A video without any audio track."""
    return make_video(path, seconds=seconds, audio=False)


def make_audio(path: Path, *, seconds: float = 2.0, frequency: int = 440) -> Path:
    """An audio-only file with a sine tone; the codec follows the extension (see module docstring)."""
    codec = _AUDIO_CODECS[path.suffix.lower()]
    src = f"sine=frequency={frequency}:sample_rate=48000:duration={seconds}"
    _ffmpeg("-f", "lavfi", "-i", src, "-ac", "1", *codec, "-y", path)
    return path


def make_speech(path: Path, text: str = "Hello from SpaceClip. This is a test of speech.") -> Path:
    """``text`` spoken by espeak-ng; WAV as produced, other extensions converted with ffmpeg."""
    espeak = shutil.which("espeak-ng") or "espeak-ng"
    wav = path if path.suffix.lower() == ".wav" else path.with_suffix(".speech.wav")
    run_process([espeak, "-w", str(wav), text], timeout_s=TIMEOUT_S)
    if wav != path:
        _ffmpeg("-i", wav, *_AUDIO_CODECS[path.suffix.lower()], "-y", path)
        wav.unlink()
    return path


def make_long_audio(path: Path, *, minutes: float = 60.0) -> Path:
    """Stereo 48 kHz Opus in Ogg, ``minutes`` long, about 6 MB per hour.

    Built by looping one minute of pink noise with stream copy, so it costs about a second to make,
    while decoding it (``extract_audio``) takes roughly 3-5 s per hour on one core: long enough to
    cancel or kill a job mid-extraction.
    """
    segment = path.with_name(path.stem + ".segment.ogg")
    _ffmpeg(
        "-f", "lavfi", "-i", "anoisesrc=d=60:c=pink:r=48000:a=0.1",
        "-ac", "2", "-c:a", "libopus", "-b:a", "16k", "-y", segment,
    )  # fmt: skip
    loops = max(0, round(minutes) - 1)
    _ffmpeg("-stream_loop", str(loops), "-i", segment, "-c", "copy", "-f", "ogg", "-y", path)
    segment.unlink()
    return path


def make_lying_mp3(path: Path, *, parts: tuple[tuple[int, float], ...] = ((320, 3.0), (32, 80.0))) -> Path:
    """MP3 streams of ``(kbit/s, seconds)`` tones concatenated at the byte level, without a Xing/Info
    header or ID3 tag: ffprobe estimates the length from the first frames' bitrate.

    The default, 3 s at 320 kbit/s then 80 s at 32 kbit/s (MPEG-1's lowest at 44.1 kHz), probes as
    about 11 s and decodes to about 83 s; a low-bitrate part before high-bitrate ones makes a file
    that probes far longer than it decodes.
    """
    data = bytearray()
    for i, (kbps, seconds) in enumerate(parts):
        part = path.with_name(f"{path.stem}.part{i}.mp3")
        src = f"sine=frequency=440:sample_rate=44100:duration={seconds}"
        _ffmpeg(
            "-f", "lavfi", "-i", src, "-ac", "1", "-c:a", "libmp3lame", "-b:a", f"{kbps}k",
            "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "-y", part,
        )  # fmt: skip
        data += part.read_bytes()
        part.unlink()
    path.write_bytes(bytes(data))
    return path


def make_text_as_media(path: Path) -> Path:
    """Plain text under a media name (e.g. ``notes.mp4``)."""
    path.write_text("These are meeting notes, not a video.\n" * 20, encoding="utf-8")
    return path


def make_truncated_mp4(path: Path, *, faststart: bool = False, keep: float = 0.5) -> Path:
    """The first ``keep`` fraction of a 4 s MP4 with audio.

    Without faststart the index (moov) sits at the end and is lost, so probing fails; with faststart
    the index survives and probing succeeds, but the data runs out halfway through.
    """
    full = path.with_name(path.stem + ".full.mp4")
    make_video(full, seconds=4.0, faststart=faststart)
    data = full.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    full.unlink()
    return path


def make_playlist(path: Path, *, kind: str = "hls", target: Path | str = "/etc/passwd") -> Path:
    """An HLS (``#EXTM3U``) or ffconcat playlist that points at ``target``."""
    if kind == "hls":
        body = f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nfile:{target}\n#EXT-X-ENDLIST\n"
    elif kind == "ffconcat":
        body = f"ffconcat version 1.0\nfile '{target}'\n"
    else:
        raise ValueError(f"unknown playlist kind {kind!r}")
    path.write_text(body, encoding="utf-8")
    return path
