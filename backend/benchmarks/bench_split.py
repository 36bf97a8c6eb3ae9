"""Split screen: a generated two-person shot rendered for 9:16, measured on the rendered file.

The shot (``tests/two_faces.py``): ``skimage.data.astronaut()`` (NASA, public domain) on the left and
``skimage.data.camera()`` (Lav Varshney, CC0) on the right, mouths moving on their turns, two espeak-ng
voices, a transcript of the turns: a quick exchange, a monologue by the left person, another exchange.
It is rendered by :func:`spaceclip.services.render.render.render_clip` (layout ``auto``, no captions so
the halves are measured bare), then the file is decoded and:

- faces: each half of every split frame (5 per second) is searched (frontal and profile cascades) for a
  face wholly inside it; single frames for a face wholly inside the frame;
- the active mark: read on every frame (the accent colour on the half's outer edge), its changes
  against the transcript's turn starts;
- the layout: split or single per frame (the divider across the middle), its runs and the shortest.

Then a one-face video with ``split`` asked for (the note it gets), and ``--gallery`` writes
``docs/gallery/layout-split.png``, a frame of the split look made by ``render_frame`` with karaoke
captions at their ``auto`` position, which is the divider while the split screen shows.
Run from backend/:

    ../.venv/bin/python benchmarks/bench_split.py [--platform tiktok] [--gallery]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.config import Settings
from spaceclip.services.media.probe import probe_media
from spaceclip.services.render import split
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.render import render_clip, render_frame
from spaceclip.services.render.spec import ClipSpec
from tests.render_media import make_face_video
from tests.two_faces import make_two_faces, measure_split

GALLERY = Path(__file__).resolve().parents[2] / "docs" / "gallery" / "layout-split.png"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", default="tiktok")
    parser.add_argument("--gallery", action="store_true", help=f"also write {GALLERY.name}")
    args = parser.parse_args()
    settings = Settings()
    preset = get_preset(args.platform)
    with tempfile.TemporaryDirectory(prefix="bench-split-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        shot = make_two_faces(work / "two.mp4")
        print(
            f"shot: {shot.duration:.1f} s 1280x720, {len(shot.turns)} turns, made in {time.perf_counter() - t0:.1f} s"
        )
        info = probe_media(shot.video, settings)
        spec = ClipSpec(
            source=shot.video, info=info, start=0.0, end=shot.duration, preset=preset,
            transcript=shot.transcript, caption_style=None,
        )  # fmt: skip
        result = render_clip(spec, work / "out", settings, thumbnail=False, subtitles_files=False)
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
        print(f"render {preset.key} {preset.width}x{preset.height}: layout {result.layout}, {timing}, check "
              f"{'passed' if result.passed else 'FAILED'}")  # fmt: skip
        figures = measure_split(result.video, preset.width, preset.height, shot.turns, {"Eileen": 0, "Lav": 1}, work)
        print(
            f"faces wholly inside their halves: {figures.both_faces_inside}/{figures.split_frames} split frames "
            f"({figures.inside_share:.1%}; top {figures.top_inside}, bottom {figures.bottom_inside}); "
            "lone speaker inside the single crop: "
            f"{figures.single_face_inside}/{figures.single_frames}"
        )
        delays = figures.mark_delays
        print(
            f"active mark: {len(delays)} speaker changes inside split stretches, mark moved "
            f"{min(delays):+.3f} to {max(delays):+.3f} s after the turn start (limit 0.5 s); "
            f"wrong half in {figures.mark_wrong:.1%} of split frames away from a change"
        )
        runs = ", ".join(f"{k} {a:.2f}-{b:.2f}" for a, b, k in figures.runs)
        print(f"layout in the file: {runs}")
        print(f"shortest layout run {figures.shortest_run:.2f} s (minimum {split.MIN_SEGMENT_S:g} s; "
              f"single after {split.LONE_S:g} s of one person alone)")  # fmt: skip

        face = make_face_video(work / "one-face.mp4", seconds=4.0)
        one = ClipSpec(
            source=face, info=probe_media(face, settings), start=0.0, end=4.0, preset=preset,
            caption_style=None, layout_mode="split",
        )  # fmt: skip
        alone = render_clip(one, work / "one", settings, thumbnail=False, subtitles_files=False)
        print(f"split asked for, one face: layout {alone.layout}; note: {alone.layout_note}")

        if args.gallery:
            look = ClipSpec(
                source=shot.video, info=info, start=0.0, end=shot.duration, preset=get_preset("tiktok"),
                transcript=shot.transcript, caption_style="karaoke",
            )  # fmt: skip
            GALLERY.write_bytes(render_frame(look, 4.6, settings, work / "frame"))
            print(f"wrote {GALLERY}")


if __name__ == "__main__":
    main()
