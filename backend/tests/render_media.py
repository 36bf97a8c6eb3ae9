"""Sources and transcripts for render tests: small generated media with a transcript that matches it.

The transcript is made up (no speech recognition needed): two speakers taking turns, one word every
0.4 s, so captions, speaker tracks and SRT/VTT have real content to show.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from spaceclip.config import Settings
from spaceclip.models.tables import Project
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import MediaInfo, probe_media
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word

TIMEOUT_S = 300.0
SCRIPT = (
    "small shops win because they know every customer by name and that trust is worth more than any ad "
    "so start with the people who already love you and ask them what they would pay for next"
)
WORDS = SCRIPT.split(" ")


def make_talk_video(path: Path, *, seconds: float = 6.0, size: str = "640x360", fps: int = 25) -> Path:
    """A moving test picture (H.264) with a voice-like tone that rises and falls (AAC)."""
    audio = f"sine=frequency=220:sample_rate=48000:duration={seconds},volume='0.2+0.8*abs(sin(2*t))':eval=frame"
    run_process(
        ffmpeg_args(
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={seconds}",
            "-f", "lavfi", "-i", audio,
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(fps),
            "-c:a", "aac", "-b:a", "64k", "-shortest", "-y", path,
        ),
        timeout_s=TIMEOUT_S,
    )  # fmt: skip
    return path


def make_talk_audio(path: Path, *, seconds: float = 6.0) -> Path:
    """Audio only (AAC in M4A): a tone with a changing level, as speech has."""
    audio = f"sine=frequency=180:sample_rate=44100:duration={seconds},volume='0.2+0.8*abs(sin(3*t))':eval=frame"
    run_process(
        ffmpeg_args("-f", "lavfi", "-i", audio, "-ac", "1", "-c:a", "aac", "-b:a", "64k", "-y", path),
        timeout_s=TIMEOUT_S,
    )
    return path


def made_up_transcript(duration: float, *, step: float = 0.4, turn_words: int = 6) -> Transcript:
    """Two speakers ("Maya", "Sam") alternating every ``turn_words`` words, one word per ``step`` s."""
    segments: list[Segment] = []
    words: list[Word] = []
    t, i = 0.2, 0
    while t + step <= duration - 0.1:
        words.append(Word(round(t, 3), round(t + step * 0.8, 3), WORDS[i % len(WORDS)], 0.95))
        t += step
        i += 1
    for n in range(0, len(words), turn_words):
        chunk = words[n : n + turn_words]
        speaker = "Maya" if (n // turn_words) % 2 == 0 else "Sam"
        chunk = [Word(w.start, w.end, w.word, w.probability, speaker) for w in chunk]
        text = " ".join(w.word for w in chunk)
        segments.append(Segment(chunk[0].start, chunk[-1].end, text.capitalize() + ".", speaker, tuple(chunk)))
    return Transcript(
        duration=duration, language="en", speakers=(Speaker("Maya"), Speaker("Sam")), segments=tuple(segments)
    )


def probe(path: Path, settings: Settings) -> MediaInfo:
    return probe_media(path, settings)


def make_face_video(path: Path, *, seconds: float = 6.0, size: str = "1280x720", fps: int = 30) -> Path:
    """A real face (``skimage.data.astronaut()``) drifting right across a wide frame, with the tone.

    For benchmarks and the gallery: reframing follows the face (needs scikit-image, a dev dependency).
    """
    from PIL import Image
    from skimage import data

    w, h = (int(v) for v in size.split("x"))
    face = path.with_name(path.stem + ".face.png")
    Image.fromarray(data.astronaut()).save(face)
    graph = (
        f"color=c=0x1d2b3a:s={w}x{h}:r={fps}:d={seconds}[bg];[1:v]scale=-2:{h * 5 // 6},format=rgba[fg];"
        f"[bg][fg]overlay=x='{w // 10}+t*{w // 3}/{seconds}':y={h // 12}:shortest=1,format=yuv420p[v]"
    )
    audio = f"sine=frequency=220:sample_rate=48000:duration={seconds},volume='0.2+0.8*abs(sin(2*t))':eval=frame"
    run_process(
        ffmpeg_args(
            "-f", "lavfi", "-i", audio, "-loop", "1", "-framerate", str(fps), "-i", face,
            "-filter_complex", graph, "-map", "[v]", "-map", "0:a",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(fps),
            "-c:a", "aac", "-b:a", "64k", "-t", f"{seconds}", "-y", path,
        ),
        timeout_s=TIMEOUT_S,
    )  # fmt: skip
    face.unlink()
    return path


def attach_source(project: Project, source: Path, settings: Settings) -> MediaInfo:
    """Copy ``source`` in as ``project``'s media, as an upload leaves it (path, facts, size)."""
    info = probe(source, settings)
    storage = Storage(settings)
    dest = storage.source_path(project.id, source.name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    project.media_path = storage.relative(dest)
    project.media_info = info.to_dict()
    project.size_bytes = dest.stat().st_size
    return info
