"""``spaceclip clean`` at episode scale: hundreds of cuts in one ffmpeg pass.

A generated recording (a voice-like tone that rises and falls; ``--video`` adds a 640x360 picture)
with a transcript of a word every 0.35 s, a filler every ~8 s and a 1.5 s pause every ~20 s, so a
60-minute episode has several hundred cuts. Prints the cut count, the wall time of the clean-up and
its share of real time, ffmpeg's peak memory (``ru_maxrss`` of the children), and the written
file's length (ffprobe) against the cut list's. Run from backend/::

    ../.venv/bin/python benchmarks/bench_clean.py --minutes 60
    ../.venv/bin/python benchmarks/bench_clean.py --minutes 10 --video
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BACKEND))


def _transcript(seconds: float) -> object:
    from spaceclip.services.speech.transcript import Segment, Transcript, Word

    words: list[Word] = []
    t, n = 0.5, 0
    while t < seconds - 1.0:
        n += 1
        filler = n % 23 == 0
        words.append(Word(start=round(t, 3), end=round(t + 0.25, 3), word=" um" if filler else " word",
                          probability=0.9, filler=filler))  # fmt: skip
        t += 0.35
        if n % 57 == 0:
            t += 1.5  # a long pause
    segments = []
    for i in range(0, len(words), 20):
        chunk = words[i : i + 20]
        segments.append(Segment(start=chunk[0].start, end=chunk[-1].end, text="".join(w.word for w in chunk).strip(),
                                speaker="SPEAKER_00", words=chunk))  # fmt: skip
    return Transcript(language="en", duration=seconds, segments=segments)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--video", action="store_true")
    args = parser.parse_args()

    from spaceclip.config import Settings
    from spaceclip.services.edit.clean import clean_episode
    from spaceclip.services.edit.cuts import CutSettings
    from spaceclip.services.media.probe import probe_media
    from spaceclip.services.media.process import ffmpeg_args, run_process

    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory(prefix="bench-clean-") as name:
        work = Path(name)
        settings = Settings(data_dir=work / "data", process_timeout_s=7200)
        source = work / ("episode.mp4" if args.video else "episode.m4a")
        tone = f"sine=frequency=220:sample_rate=48000:duration={seconds},volume='0.2+0.8*abs(sin(2*t))':eval=frame"
        inputs = ["-f", "lavfi", "-i", tone]
        if args.video:
            inputs += ["-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=30:duration={seconds}"]
        t0 = time.perf_counter()
        run_process(ffmpeg_args(
            *inputs, *(["-map", "1:v", "-map", "0:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
                       if args.video else []),
            "-c:a", "aac", "-b:a", "128k", "-y", source,
        ), timeout_s=7200)  # fmt: skip
        kind = "video" if args.video else "audio"
        print(f"source: {args.minutes:g} min {kind} made in {time.perf_counter() - t0:.0f} s")
        info = probe_media(source, settings)
        transcript = _transcript(info.duration_s or seconds)
        out = work / ("out.clean.mp4" if args.video else "out.clean.m4a")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t1 = time.perf_counter()
        result = clean_episode(
            source,
            info,
            transcript,
            CutSettings(remove_fillers=True, shorten_pauses=True),
            out,
            settings,  # type: ignore[arg-type]
        )
        wall = time.perf_counter() - t1
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        written = probe_media(out, settings).duration_s or 0.0
        summary = result.summary()
        print(f"cuts: {summary['cuts']} ({summary['removed_s']}), {summary['duration_before']:.1f} s -> "
              f"{summary['duration_after']:.1f} s")  # fmt: skip
        share = wall / seconds * 100
        plan, encode = result.seconds["plan"], result.seconds["encode"]
        print(f"clean-up: {wall:.1f} s wall ({share:.1f}% of real time); plan {plan:.2f} s, encode {encode:.1f} s")
        print(f"ffmpeg peak memory: {peak / 1024:.0f} MiB (children's max RSS; before: {before / 1024:.0f} MiB)")
        frame = 1 / 30
        off = abs(written - result.cuts.duration)
        print(
            f"written {written:.3f} s vs cut list {result.cuts.duration:.3f} s: "
            f"off by {off:.3f} s ({off / frame:.2f} frames)"
        )


if __name__ == "__main__":
    main()
