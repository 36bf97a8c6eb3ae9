"""Loudness of every export: each preset x {video, audio-only source}, measured on the encoded file.

The sources are generated speech (espeak-ng), put at ``--source-lufs`` (default -34, 20 dB under the
target) or driven into clipping with ``--clip`` (stereo 16-bit, +20 dB over the speech's own level):
a 640x360 H.264 + AAC MP4, and the same sound as an audio-only M4A (rendered as an audiogram). Each is
rendered by :func:`spaceclip.services.render.render.render_clip` (no captions), and the encoded MP4
is measured by ffmpeg ``ebur128`` (``peak=true``: BS.1770 integrated loudness, 4x oversampled true
peak). Prints one row per render: integrated LUFS, true peak, and whether the platform check passed.
Run from backend/:

    ../.venv/bin/python benchmarks/bench_loudness.py [--source-lufs -34] [--clip]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.config import Settings
from spaceclip.services.media.probe import probe_media
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render import presets
from spaceclip.services.render.loudness import measure_loudness
from spaceclip.services.render.render import render_clip
from spaceclip.services.render.spec import ClipSpec
from tests.media import make_speech

TIMEOUT_S = 600.0
SPEECH = (
    "Small shops win because they know every customer by name, and that trust is worth more than any ad. "
    "So start with the people who already love you."
)


def _sources(folder: Path, level_filter: str) -> dict[str, Path]:
    speech = make_speech(folder / "speech.wav", SPEECH)
    audio = f"aresample=48000,aformat=channel_layouts=stereo,{level_filter},aformat=sample_fmts=s16"
    video, m4a = folder / "talk.mp4", folder / "talk.m4a"
    run_process(
        ffmpeg_args(
            "-i", speech, "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
            "-map", "1:v", "-map", "0:a", "-af", audio, "-shortest",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k",
            "-y", video,
        ),
        timeout_s=TIMEOUT_S,
    )  # fmt: skip
    run_process(ffmpeg_args("-i", speech, "-af", audio, "-c:a", "aac", "-b:a", "192k", "-y", m4a),
                timeout_s=TIMEOUT_S)  # fmt: skip
    return {"video": video, "audio-only": m4a}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-lufs", type=float, default=-34.0, help="integrated level of the source")
    parser.add_argument("--clip", action="store_true", help="drive the source 20 dB over its level, clipping")
    args = parser.parse_args()
    any_preset = presets.PRESETS["tiktok"]
    with tempfile.TemporaryDirectory(prefix="bench-loudness-") as tmp:
        folder = Path(tmp)
        settings = Settings(data_dir=folder / "data", _env_file=None)  # type: ignore[call-arg]
        speech = make_speech(folder / "probe.wav", SPEECH)
        own = measure_loudness(speech, any_preset, timeout_s=TIMEOUT_S).integrated_lufs
        gain = 20.0 if args.clip else args.source_lufs - own
        sources = _sources(folder, f"volume={gain:.2f}dB")
        print(f"speech (espeak-ng) {own:.1f} LUFS; source gain {gain:+.1f} dB{' (clipping)' if args.clip else ''}")
        print(f"{'preset':<20} {'source':<11} {'src LUFS':>9} {'src dBTP':>9} {'LUFS':>7} {'dBTP':>6}  check")
        for kind, path in sources.items():
            info = probe_media(path, settings)
            for key, preset in presets.PRESETS.items():
                src = measure_loudness(path, preset, timeout_s=TIMEOUT_S)
                spec = ClipSpec(source=path, info=info, start=0.0, end=min(info.duration_s, 8.0), preset=preset,
                                caption_style=None)  # fmt: skip
                out = render_clip(spec, folder / "out", settings, stem=f"{kind}-{key}", thumbnail=False,
                                  subtitles_files=False)  # fmt: skip
                got = measure_loudness(out.video, preset, timeout_s=TIMEOUT_S)
                print(
                    f"{key:<20} {kind:<11} {src.integrated_lufs:>9.1f} {src.true_peak_db:>9.1f} "
                    f"{got.integrated_lufs:>7.1f} {got.true_peak_db:>6.1f}  {'passed' if out.passed else 'FAILED'}"
                )
        print(f"target {any_preset.loudness_lufs:g} LUFS +/- {any_preset.loudness_tolerance_lu:g} LU, "
              f"true peak <= {any_preset.true_peak_db:g} dBTP")  # fmt: skip


if __name__ == "__main__":
    main()
