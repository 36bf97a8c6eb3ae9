"""Speaker audiograms: does the lit badge follow the true speaker? Figures per visualiser style.

Builds the three-voice one-channel conversation ``studio_three`` of :mod:`tests.conversations`
(piper, festival and flite voices, short turns with overlaps, a room), renders it as a TikTok
speaker audiogram in each style with the true turns as the speaker track, decodes every frame and
checks which badge is lit against who truly talks (:mod:`tests.badge_frames`). Prints, per style,
the share of speaking frames whose lit badge is right (goal >= 95 %), the silent frames with a badge
still lit, the correlation of the lit badge's halo brightness with the sound's level frame by
frame (the pulse; the radial ring also draws there), and the render time.

With the true turns this measures the picture alone. ``--diarized`` also renders with SpaceClip's own
analysis (Whisper tiny.en and the speaker stage, told the number of speakers), each found speaker
named after the true one it overlaps most: what a creator gets, diarization errors included. The
badges follow the speaker stage's voice turns (``Transcript.turns``), not Whisper's word times.

Run from backend/: ``python benchmarks/bench_badges.py [--conversation studio_three] [--platform tiktok]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.services.render.audiogram import AUDIOGRAM_STYLES
from spaceclip.services.render.presets import get_preset
from spaceclip.services.speech.transcript import Transcript
from tests.badge_frames import diarized_transcript, measure
from tests.conversations import RECIPES, build_conversation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversation", default="studio_three", choices=sorted(RECIPES))
    parser.add_argument("--platform", default="tiktok")
    parser.add_argument("--diarized", action="store_true", help="also score SpaceClip's own speaker track")
    parser.add_argument("--diarized-only", action="store_true", help="only SpaceClip's own speaker track (bars)")
    args = parser.parse_args()
    preset = get_preset(args.platform)
    with tempfile.TemporaryDirectory(prefix="bench-badges-") as tmp:
        conv = build_conversation(args.conversation, Path(tmp))
        print(
            f"{conv.name}: {conv.duration:.1f} s, {len(conv.speakers)} speakers, {len(conv.turns)} turns, "
            f"{conv.overlap_seconds():.1f} s overlap; {preset.key} {preset.width}x{preset.height} @ {preset.fps:g} fps"
        )
        runs: list[tuple[str, str, Transcript | None]] = []
        if not args.diarized_only:
            runs += [("true turns", s, None) for s in AUDIOGRAM_STYLES]
        if args.diarized or args.diarized_only:
            runs.append(("diarized", "bars", diarized_transcript(conv, Path(tmp) / "diarized")))
        for track, style, transcript in runs:
            score = measure(conv, Path(tmp) / f"{track}-{style}", style=style, preset=preset, transcript=transcript)
            print(
                f"  {track:<10} {style:<7} lit badge right in {score.right}/{score.frames} speaking frames "
                f"({100 * score.accuracy:.2f} %, goal >= 95 %); silent frames with a badge lit "
                f"{score.silent_lit}/{score.silent_frames}; halo vs sound level r = {score.pulse:.2f}; "
                f"render {score.render_s:.1f} s"
            )


if __name__ == "__main__":
    main()
