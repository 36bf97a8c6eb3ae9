"""A clip with several cuts for the editor-export tests and benchmark, and a render made from an .otio.

:func:`cut_transcript` is a hand-made transcript of a 12 s source: words every 0.4 s with two fillers
("um", "uh") marked, two long pauses and words a creator strikes (:data:`STRUCK`). :func:`several_cuts`
plans the clip's cut list the way an export to a 9:16 preset does (fillers and pauses out, the struck
range out). :func:`render_otio` reads a written .otio back with the OpenTimelineIO adapter and renders
its video clips' source ranges from the referenced media with real ffmpeg (trim + concat).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from spaceclip.services.edit.cuts import CutList, CutSettings
from spaceclip.services.edit.defaults import cuts_for_preset
from spaceclip.services.media.process import ffmpeg_args, ffprobe_args, run_process
from spaceclip.services.render.presets import Preset
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word

TIMEOUT_S = 300.0
SOURCE_S = 12.0
#: The creator's struck range (source seconds).
STRUCK = (6.6, 7.4)
_TEXT = (
    "so um the first thing is trust",  # a filler
    "people buy from shops uh they know",  # a filler
    "then a long pause here",  # followed by 1.4 s of silence
    "and the struck words go away now",  # STRUCK covers two of them
    "end of the clip",
)


def cut_transcript() -> Transcript:
    """The hand-made transcript: fillers marked, two long pauses, one speaker per sentence."""
    segments: list[Segment] = []
    t = 0.3
    for n, sentence in enumerate(_TEXT):
        speaker = "Maya" if n % 2 == 0 else "Sam"
        words: list[Word] = []
        for token in sentence.split():
            words.append(Word(round(t, 3), round(t + 0.32, 3), token, 0.95, speaker, filler=token in ("um", "uh")))
            t += 0.4
        segments.append(Segment(words[0].start, words[-1].end, sentence.capitalize() + ".", speaker, tuple(words)))
        t += 1.4 if n in (1, 2) else 0.2
    return Transcript(SOURCE_S, "en", (Speaker("Maya"), Speaker("Sam")), tuple(segments))


def several_cuts(transcript: Transcript, preset: Preset, *, start: float = 0.1, end: float = 11.9) -> CutList:
    """The clip ``[start, end]`` with fillers, long pauses and :data:`STRUCK` cut, snapped to ``preset``'s rate."""
    words = [w for s in transcript.segments for w in s.words]
    settings = CutSettings(removed=(STRUCK,))
    return cuts_for_preset(start, end, words, preset, remove_fillers=True, shorten_pauses=True, settings=settings)


def _media_path(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


def render_otio(otio_text: str, out: Path, *, fps: float) -> Path:
    """Render the .otio's video track (its clips' source ranges, in order) from the media it references."""
    timeline = otio.adapters.read_from_string(otio_text, adapter_name="otio_json")
    clips = list(timeline.video_tracks()[0].find_clips())
    media = _media_path(clips[0].media_reference.target_url)
    parts, labels = [], []
    for i, clip in enumerate(clips):
        r = clip.source_range
        a, b = r.start_time.to_seconds(), r.end_time_exclusive().to_seconds()
        parts.append(f"[0:v]trim=start={a:.6f}:end={b:.6f},setpts=PTS-STARTPTS,fps={fps:g}[v{i}]")
        parts.append(f"[0:a]atrim=start={a:.6f}:end={b:.6f},asetpts=PTS-STARTPTS[a{i}]")
        labels.append(f"[v{i}][a{i}]")
    graph = ";".join(parts) + ";" + "".join(labels) + f"concat=n={len(clips)}:v=1:a=1[v][a]"
    run_process(
        ffmpeg_args(
            "-i", media, "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-y", out,
        ),
        timeout_s=TIMEOUT_S,
    )  # fmt: skip
    return out


def video_duration(path: Path) -> float:
    """The video stream's duration (frames x frame time) as ffprobe reads it from the file."""
    args = ffprobe_args(path, "-select_streams", "v:0", "-show_entries", "stream=duration", "-of", "csv=p=0")
    return float(run_process(args, timeout_s=TIMEOUT_S).stdout_text.strip())
