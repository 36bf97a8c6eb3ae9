"""Editor export round trip: each format read back by the OpenTimelineIO adapters, and a render from the .otio.

A 12 s generated 1280x720 30 fps talk video and a hand-made transcript (tests/editor_edit.py) with two
fillers marked, two long pauses and a struck range; the clip 0.1-11.9 s is cut as a TikTok export cuts it
(fillers and pauses out, snapped to 30 fps). Each format is written by
:func:`spaceclip.services.edit.editor.export_edit` (with a tracked-crop plan and the captions) and read
back with ``opentimelineio.adapters.read_from_string``; the table prints, per format, the kept ranges
read back (video track), the largest source in/out error and the total duration error in frames against
the CutList, and what the format left out. Then the .otio's clips are rendered from the referenced media
by real ffmpeg (trim + concat) and ffprobe's video duration is compared with ``CutList.duration``.
Run from backend/:

    ../.venv/bin/python benchmarks/bench_editor.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table

from spaceclip.services.edit.editor import EDITOR_FORMATS, EditorSource, export_edit, read_cut_list
from spaceclip.services.render.crop_path import CropPlan, Keyframe
from spaceclip.services.render.presets import get_preset
from tests.editor_edit import SOURCE_S, cut_transcript, render_otio, several_cuts, video_duration
from tests.render_media import make_talk_video


def main() -> None:
    console = Console()
    with tempfile.TemporaryDirectory(prefix="bench-editor-") as tmp:
        source = make_talk_video(Path(tmp) / "talk.mp4", seconds=SOURCE_S, size="1280x720", fps=30)
        # On the 30 fps grid, then a clip starting between frames (its in/out points round to a frame).
        for start, end in ((0.1, 11.9), (0.115, 11.883)):
            bench_clip(console, source, start, end)


def bench_clip(console: Console, source: Path, start: float, end: float) -> None:
    preset = get_preset("tiktok")
    fps = float(preset.fps)
    transcript = cut_transcript()
    cuts = several_cuts(transcript, preset, start=start, end=end)
    captions = cuts.retime_transcript(transcript)
    crop = CropPlan("track", 1280, 720, 404, 720, (Keyframe(0.0, 200.0, 0.0), Keyframe(6.0, 700.0, 0.0)))
    reasons = ", ".join(f"{c.reason} {c.start:.3f}-{c.end:.3f}" for c in cuts.cuts)
    kept = f"{len(cuts.keeps)} kept ranges, {cuts.duration:.3f} s = {cuts.duration * fps:.2f} frames"
    console.print(f"Clip {cuts.start}-{cuts.end} s: {len(cuts.cuts)} cuts ({reasons}); {kept}")
    with tempfile.TemporaryDirectory(prefix="bench-editor-render-") as tmp:
        table = Table(title="Editor formats read back by the OpenTimelineIO adapters (errors in frames at 30 fps)")
        for column in ("format", "kept ranges", "max in/out error", "duration error", "write+read ms", "left out"):
            table.add_column(column)
        otio_text = ""
        for fmt in EDITOR_FORMATS:
            t0 = time.perf_counter()
            export = export_edit(
                fmt, "clip", EditorSource(source, SOURCE_S, True, 1280, 720), cuts, fps, captions=captions, crop=crop
            )
            video = read_cut_list(export.timeline, fmt, fps)["Video"]
            ms = (time.perf_counter() - t0) * 1000
            if fmt == "otio":
                otio_text = export.timeline.decode()
            pairs = list(zip(cuts.keeps, video, strict=False))
            err = max(max(abs(a - c), abs(b - d)) for (a, b), (c, d) in pairs) * fps
            dur = abs(sum(d - c for c, d in video) - cuts.duration) * fps
            left = "\n".join(export.left_out) or "nothing"
            table.add_row(fmt, f"{len(video)}/{len(cuts.keeps)}", f"{err:.3f}", f"{dur:.3f}", f"{ms:.1f}", left)
        console.print(table)
        t0 = time.perf_counter()
        rendered = render_otio(otio_text, Path(tmp) / "from-otio.mp4", fps=fps)
        seconds = time.perf_counter() - t0
        got = video_duration(rendered)
        apart = f"{abs(got - cuts.duration) * fps:.3f} frames apart (render {seconds:.1f} s)"
        console.print(f"ffmpeg render from the .otio: {got:.4f} s vs CutList.duration {cuts.duration:.4f} s: {apart}")


if __name__ == "__main__":
    main()
