"""Cuts inside a clip, end to end on speech that says "um" and "uh" and pauses for up to 2.2 s.

Six sentences spoken by flite with four fillers and long silences between them are transcribed by
the real pipeline (tiny.en with the filler prompt), rendered for TikTok with the preset's default
cuts (fillers out, pauses over 0.6 s down to 0.3 s) and pop captions, and the render is transcribed
again. Prints: fillers before/after, the longest pause against Y, caption offsets, the largest
sample-to-sample step at the seams against the signal's own and against a hard cut, the picture's
and the sound's length against the cut list's; then the same seams on a continuous tone cut mid-wave
(the hard case). Run from backend/::

    ../.venv/bin/python benchmarks/bench_cuts.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BACKEND))


def _offsets(name: str, values: tuple[float, ...]) -> str:
    if not values:
        return f"{name}: none"
    within = sum(v <= 0.1 for v in values)
    return (
        f"{name}: {len(values)} pairs, max {max(values) * 1000:.0f} ms, mean {statistics.fmean(values) * 1000:.0f} ms, "
        f"median {statistics.median(values) * 1000:.0f} ms, within 100 ms {within}/{len(values)}"
    )


def main() -> None:
    from spaceclip.config import Settings
    from spaceclip.services.edit.cuts import CutList
    from spaceclip.services.media.probe import probe_media
    from spaceclip.services.render.presets import get_preset
    from spaceclip.services.render.render import render_clip
    from spaceclip.services.render.spec import ClipSpec
    from tests.cut_media import decode_mono, hard_cut, make_tone_source, measure_speech_cuts, seam_jumps
    from tests.test_render_cuts import TONE_CUTS

    with tempfile.TemporaryDirectory(prefix="bench-cuts-") as name:
        work = Path(name)
        started = time.perf_counter()
        f = measure_speech_cuts(work)
        seconds = time.perf_counter() - started
        reasons = {r: sum(1 for c in f.cuts.cuts if c.reason == r) for r in ("filler", "pause", "removed")}
        print(
            f"speech: {f.source_s:.2f} s -> {f.cuts.duration:.2f} s after {len(f.cuts.cuts)} cuts {reasons}; "
            f"round trip {seconds:.1f} s"
        )
        print(
            f"fillers: scripted {f.fillers_scripted}, flagged in the source {f.fillers_before}, removed "
            f"{f.fillers_removed}; flagged in the re-transcription {f.fillers_after}, of them where a removed one "
            f"was {f.removed_heard_again}"
        )
        print(
            f"pauses (10 ms frames under -40 dBFS): longest in the source {f.longest_pause_source:.2f} s, in the "
            f"render {f.longest_pause_out:.2f} s (Y = {f.pause_to_s:g} s, X = {f.pause_over_s:g} s); over Y: "
            f"{[round(b - a, 2) for a, b in f.pauses_out if b - a > f.pause_to_s]}"
        )
        print(
            "the source's pauses over X (source s -> render s): "
            + ", ".join(f"{a:.2f} -> {b:.2f}" for a, b in f.long_pauses)
        )
        print(_offsets("burned captions vs re-timed words", f.caption_offsets))
        print(_offsets("SRT cues vs the nearest re-timed word", f.srt_offsets))
        print(_offsets("re-timed words vs the re-transcription", f.heard_offsets))
        print(
            f"seams ({len(f.cuts.seams)}): largest step {f.jumps.worst:.4f}, the signal's own elsewhere "
            f"{f.jumps.elsewhere:.4f} (ratio {f.jumps.ratio:.2f}, threshold 1.5); hard cut {f.hard_jumps.worst:.4f} "
            f"(ratio {f.hard_jumps.ratio:.2f})"
        )
        frame = 1 / get_preset("tiktok").fps
        print(
            f"A/V: picture {f.picture_s:.4f} s, sound {f.sound_s:.4f} s, CutList.duration {f.cuts.duration:.4f} s "
            f"(one frame {frame:.4f} s); check {'passed' if f.result.passed else 'FAILED'}"
        )

        tone_dir = work / "tone"
        tone_dir.mkdir()
        source = make_tone_source(tone_dir, loud=(2.6, 2.9))
        settings = Settings(data_dir=tone_dir / "data", _env_file=None)
        cuts = CutList(0.0, 6.0, TONE_CUTS)
        spec = ClipSpec(source=source, info=probe_media(source, settings), start=0.0, end=6.0,
                        preset=get_preset("tiktok"), caption_style=None, cuts=cuts)  # fmt: skip
        result = render_clip(spec, tone_dir / "out", settings, subtitles_files=False)
        jumps = seam_jumps(decode_mono(result.video), cuts.seams)
        hard = seam_jumps(decode_mono(hard_cut(source, cuts.keeps, tone_dir / "hard.m4a")), cuts.seams)
        loud = {i["name"]: i["actual"] for i in result.check["items"]}
        print(
            f"tone cut mid-wave: largest seam step {jumps.worst:.4f} vs the tone's own {jumps.elsewhere:.4f} "
            f"(ratio {jumps.ratio:.2f}); hard cut {hard.worst:.4f} vs {hard.elsewhere:.4f} (ratio {hard.ratio:.2f}); "
            f"loudness with an 18 dB louder stretch cut out: {loud['Loudness']}"
        )


if __name__ == "__main__":
    main()
