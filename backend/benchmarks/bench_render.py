"""Render speed: SpaceClip's captioned 1080x1920 render and its audiogram vs bare ffmpeg one-liners.

One run, on the same generated 60 s source (1280x720 30 fps, a real face drifting across the frame
as in a talking-head video, with a voice-like tone; the same kind of sound as an audio-only M4A),
with the same encoder settings (``presets.encoder_args`` of the TikTok preset) on both sides:

- SpaceClip video: :func:`spaceclip.services.render.render.render_clip` (reframe plan, karaoke captions
  burned in, encode, thumbnail, SRT/VTT, the platform check), against a bare
  ``ffmpeg -ss -t -i SRC -vf crop,scale ENCODER_ARGS`` (cut + scale + encode). Goal: ratio <= 1.3.
- SpaceClip audiogram (``bars``, title, speaker name, captions) against
  ``ffmpeg -i SRC -filter_complex showwaves ENCODER_ARGS``. Goal: ratio <= 1.5.

The pairs alternate ``--rounds`` times and the best of each is kept, because this machine is shared;
CPU seconds (this process and its ffmpeg children) are printed too, as they suffer less from other load.
Run from backend/:

    ../.venv/bin/python benchmarks/bench_render.py [--seconds 60] [--rounds 1]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.config import Settings
from spaceclip.services.media.probe import probe_media
from spaceclip.services.media.process import ffmpeg_args, media_input_args, run_process
from spaceclip.services.render import presets
from spaceclip.services.render.render import RenderResult, render_clip
from spaceclip.services.render.spec import ClipSpec
from tests.render_media import made_up_transcript, make_face_video, make_talk_audio


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg): robust to other load on the machine."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``fn()``."""
    start, cpu = time.perf_counter(), cpu_seconds()
    fn()
    return time.perf_counter() - start, cpu_seconds() - cpu


def bare_video(src: Path, out: Path, start: float, length: float, preset: presets.Preset) -> None:
    vf = f"crop=trunc(ih*{preset.width}/{preset.height}/2)*2:ih,scale={preset.width}:{preset.height}"
    argv = ffmpeg_args(
        "-ss", f"{start:.3f}", "-t", f"{length:.3f}", *media_input_args(src), "-vf", vf,
        *presets.encoder_args(preset, duration_s=length), "-y", out,
    )  # fmt: skip
    run_process(argv, timeout_s=3600)


def bare_showwaves(src: Path, out: Path, start: float, length: float, preset: presets.Preset) -> None:
    graph = f"[0:a]showwaves=s={preset.width}x{preset.height}:mode=cline:rate={preset.fps},format=yuv420p[v]"
    argv = ffmpeg_args(
        "-ss", f"{start:.3f}", "-t", f"{length:.3f}", *media_input_args(src), "-filter_complex", graph,
        "-map", "[v]", "-map", "0:a", *presets.encoder_args(preset, duration_s=length), "-y", out,
    )  # fmt: skip
    run_process(argv, timeout_s=3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="source length")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    preset = presets.get_preset("tiktok")
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        work = Path(tmp)
        settings = Settings(data_dir=work / "data", _env_file=None)  # type: ignore[call-arg]
        print(f"Generating a {args.seconds:.0f} s source ...", flush=True)
        video = make_face_video(work / "talk.mp4", seconds=args.seconds, size="1280x720", fps=30)
        audio = make_talk_audio(work / "talk.m4a", seconds=args.seconds)
        transcript = made_up_transcript(args.seconds)
        start, end = 0.0, args.seconds
        length = end - start
        video_spec = ClipSpec(
            source=video, info=probe_media(video, settings), start=start, end=end, preset=preset,
            transcript=transcript, caption_style="karaoke", title="Benchmark",
        )  # fmt: skip
        audio_spec = ClipSpec(
            source=audio, info=probe_media(audio, settings), start=start, end=end, preset=preset,
            transcript=transcript, caption_style="karaoke", audiogram_style="bars", title="Benchmark",
        )  # fmt: skip
        best: dict[str, float] = {}
        best_cpu: dict[str, float] = {}
        results: dict[str, RenderResult] = {}
        for rnd in range(1, args.rounds + 1):
            runs: dict[str, Callable[[], object]] = {
                "bare video": lambda: bare_video(video, work / "bare.mp4", start, length, preset),
                "spaceclip video": lambda: results.__setitem__(
                    "video", render_clip(video_spec, work / "out", settings, stem="video")
                ),
                "bare showwaves": lambda: bare_showwaves(audio, work / "bare-waves.mp4", start, length, preset),
                "spaceclip audiogram": lambda: results.__setitem__(
                    "audiogram", render_clip(audio_spec, work / "out", settings, stem="audiogram")
                ),
            }
            for name, fn in runs.items():
                seconds, cpu = timed(fn)
                best[name] = min(best.get(name, seconds), seconds)
                best_cpu[name] = min(best_cpu.get(name, cpu), cpu)
                print(f"  round {rnd}: {name:<20} {seconds:7.2f} s wall, {cpu:7.2f} s CPU", flush=True)
    video_ratio = best["spaceclip video"] / best["bare video"]
    audio_ratio = best["spaceclip audiogram"] / best["bare showwaves"]
    video_cpu = best_cpu["spaceclip video"] / best_cpu["bare video"]
    audio_cpu = best_cpu["spaceclip audiogram"] / best_cpu["bare showwaves"]
    print()
    print(f"Source {args.seconds:.0f} s, clip {length:.0f} s, {preset.width}x{preset.height} @ {preset.fps} fps, "
          f"x264 {preset.x264_preset}, best of {args.rounds}")  # fmt: skip
    for key in ("video", "audiogram"):
        res = results[key]
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in res.seconds.items())
        print(f"SpaceClip {key}: layout {res.layout}, check {'passed' if res.passed else 'FAILED'}; {parts}")
    print(f"SpaceClip captioned render:               {best['spaceclip video']:7.2f} s")
    print(f"bare ffmpeg cut+crop+scale+encode:        {best['bare video']:7.2f} s")
    print(f"  wall ratio {video_ratio:.2f}x (goal <= 1.3x) {'OK' if video_ratio <= 1.3 else 'OVER'}")
    print(f"  CPU ratio  {video_cpu:.2f}x ({best_cpu['spaceclip video']:.1f} s vs {best_cpu['bare video']:.1f} s)")
    print(f"SpaceClip audiogram (bars, captions):     {best['spaceclip audiogram']:7.2f} s")
    print(f"bare ffmpeg showwaves one-liner:          {best['bare showwaves']:7.2f} s")
    print(f"  wall ratio {audio_ratio:.2f}x (goal <= 1.5x) {'OK' if audio_ratio <= 1.5 else 'OVER'}")
    print(
        f"  CPU ratio  {audio_cpu:.2f}x ({best_cpu['spaceclip audiogram']:.1f} s vs {best_cpu['bare showwaves']:.1f} s)"
    )


if __name__ == "__main__":
    main()
