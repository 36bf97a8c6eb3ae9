"""Make the README gallery: one frame of each caption style and each audiogram style, of speaker
badges with each visualiser, and of caption emphasis.

Everything comes from SpaceClip's own code: a short talk is spoken with espeak-ng, transcribed by
the analysis pipeline (faster-whisper tiny.en, offline), and each frame is rendered by
:func:`spaceclip.services.render.render.render_frame`, the pipeline the exports and the style previews use.
The video source is a real face (``skimage.data.astronaut()``, from scikit-image, a dev dependency)
on a wide frame, so the caption frames also show the speaker-tracking crop.

The speaker-badge frames render the three-voice conversation ``studio_three`` of
``tests/conversations.py`` (its true turns as the speaker track, one speaker with a photo: the
astronaut again); the emphasis frame is karaoke on the video with the highlight's keywords and emoji.

Run from backend/ (writes ``../docs/gallery/caption-<style>.png``, ``audiogram-<style>.png``,
``badges-<style>.png`` and ``caption-emphasis.png``)::

    ../.venv/bin/python tools/make_gallery.py [--out ../docs/gallery] [--width 540] [--platform tiktok]
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

from PIL import Image
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spaceclip.services.render.audiogram as audiogram
import spaceclip.services.render.captions as captions
from spaceclip.config import Settings
from spaceclip.services.analysis import analyze_media
from spaceclip.services.media.probe import probe_media
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render import presets
from spaceclip.services.render.render import render_frame
from spaceclip.services.render.spec import ClipSpec
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript
from tests.conversations import build_conversation

console = Console()
TALK = (
    "Small shops win because they know every customer by name. "
    "That trust is worth more than any advert you could ever buy. "
    "So start with the people who already love you, and ask them what they want next."
)
TITLE = "Why small shops win"
MAX_BYTES = 300_000


def speak(text: str, dest: Path) -> Path:
    espeak = shutil.which("espeak-ng") or "espeak-ng"
    run_process([espeak, "-s", "150", "-w", str(dest), text], timeout_s=120)
    return dest


def face_video(wav: Path, dest: Path, work: Path) -> Path:
    """The astronaut's face on a wide 1920x1080 frame, drifting right, with the talk as its sound."""
    from skimage import data

    face = work / "face.png"
    Image.fromarray(data.astronaut()).save(face)
    graph = (
        "color=c=0x1d2b3a:s=1920x1080:r=30[bg];"
        "[0:v]scale=-2:900,format=rgba[fg];"
        "[bg][fg]overlay=x='200+t*40':y=90:shortest=1,format=yuv420p[v]"
    )
    run_process(
        ffmpeg_args(
            "-loop", "1", "-framerate", "30", "-i", face, "-i", wav,
            "-filter_complex", graph, "-map", "[v]", "-map", "1:a",
            "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-shortest", "-y", dest,
        ),
        timeout_s=600,
    )  # fmt: skip
    return dest


def moment(transcript: Transcript, nth: int) -> float:
    """Seconds into the transcript of the middle of its ``nth`` word (a moment with a caption on)."""
    words = list(transcript.words)
    word = words[min(nth, len(words) - 1)]
    return (word.start + word.end) / 2


def save_small(png: bytes, dest: Path, width: int) -> int:
    """Downscale to ``width`` and save; quantised to a palette when over :data:`MAX_BYTES`."""
    with Image.open(io.BytesIO(png)) as im:
        img = im.convert("RGB")
        img = img.resize((width, round(img.height * width / img.width)), Image.Resampling.LANCZOS)
        img.save(dest, optimize=True)
        if dest.stat().st_size > MAX_BYTES:
            img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(dest, optimize=True)
    return dest.stat().st_size


BADGE_NAMES = {"joe": "Joe Marsh", "slt": "Sally Tran", "rms": "Rob Stein"}


def badge_frames(
    out: Path, work: Path, preset: presets.Preset, settings: Settings, width: int
) -> list[tuple[str, int]]:
    """One frame of speaker badges with each visualiser, from the three-voice conversation."""
    from skimage import data

    conv = build_conversation("studio_three", work / "conversation")
    photo = work / "joe.png"
    Image.fromarray(data.astronaut()).crop((140, 20, 340, 220)).save(photo)
    speakers = tuple(Speaker(label, BADGE_NAMES[label]) for label in conv.speakers)
    segments = tuple(Segment(t.start, t.end, t.text, BADGE_NAMES[t.speaker]) for t in conv.turns)
    transcript = Transcript(duration=conv.duration, language="en", speakers=speakers, segments=segments)
    info = probe_media(conv.wav, settings)
    turn = next(t for t in conv.turns if t.speaker == "slt" and t.end - t.start > 1.0)
    written = []
    for style in audiogram.AUDIOGRAM_STYLES:
        spec = ClipSpec(
            source=conv.wav, info=info, start=0.0, end=conv.duration, preset=preset, transcript=transcript,
            caption_style=None, audiogram_style=style, title="Three voices, one channel", speaker_badges=True,
            speaker_photos={"joe": photo},
        )  # fmt: skip
        png = render_frame(spec, turn.start + 0.6 * (turn.end - turn.start), settings, work)
        dest = out / f"badges-{style}.png"
        written.append((dest.name, save_small(png, dest, width)))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "docs" / "gallery")
    parser.add_argument("--width", type=int, default=540)
    parser.add_argument("--platform", default="tiktok")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    preset = presets.get_preset(args.platform)
    jobs = [("caption", s) for s in captions.CAPTION_STYLES] + [("audiogram", s) for s in audiogram.AUDIOGRAM_STYLES]
    columns = (TextColumn("{task.description:<36}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with tempfile.TemporaryDirectory(prefix="spaceclip-gallery-") as tmp, Progress(*columns, console=console) as bar:
        work = Path(tmp)
        settings = Settings(data_dir=work / "data", _env_file=None)  # type: ignore[call-arg]
        task = bar.add_task("Speaking and transcribing the talk", total=1.0)
        wav = speak(TALK, work / "talk.wav")
        analysed = analyze_media(wav, work, settings, report=lambda _s, f, _m: bar.update(task, completed=f))
        transcript = analysed.transcript
        bar.update(task, description="Making the video source", completed=1.0)
        video = face_video(wav, work / "talk.mp4", work)
        sources = {"caption": (video, probe_media(video, settings)), "audiogram": (wav, analysed.info)}
        task = bar.add_task("Rendering frames", total=len(jobs))
        written: list[tuple[str, int]] = []
        for n, (kind, style) in enumerate(jobs):
            source, info = sources[kind]
            spec = ClipSpec(
                source=source,
                info=info,
                start=0.0,
                end=transcript.duration,
                preset=preset,
                transcript=transcript,
                caption_style=style if kind == "caption" else "karaoke",
                audiogram_style=style if kind == "audiogram" else None,
                title=TITLE if kind == "audiogram" else None,
                audio_path=analysed.audio_path,
            )
            at = moment(transcript, 5 + 3 * n)
            png = render_frame(spec, at, settings, work)
            dest = args.out / f"{kind}-{style}.png"
            written.append((dest.name, save_small(png, dest, args.width)))
            bar.update(task, advance=1, description=f"Rendered {dest.name}")
        video, info = sources["caption"]
        spec = ClipSpec(
            source=video, info=info, start=0.0, end=transcript.duration, preset=preset, transcript=transcript,
            caption_style="karaoke", emphasis=True, emoji=True, keywords=("small", "shops", "trust", "people"),
            audio_path=analysed.audio_path,
        )  # fmt: skip
        # "already": "people" (a keyword) in the accent, the spoken word in the highlight, "love" gives the ♥.
        already = next(i for i, w in enumerate(transcript.words) if w.word.strip(",.").lower() == "already")
        png = render_frame(spec, moment(transcript, already), settings, work)
        dest = args.out / "caption-emphasis.png"
        written.append((dest.name, save_small(png, dest, args.width)))
        bar.update(task, description="Rendering speaker badges")
        written += badge_frames(args.out, work, preset, settings, args.width)
    for name, size in written:
        console.print(f"[green]{args.out / name}[/green] {size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
