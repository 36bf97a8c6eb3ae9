"""What the brand kit costs a render, and that every branded export still passes its platform check.

A 20 s clip of a 1280x720 face video (and of an audio-only source, as an audiogram) is rendered for
TikTok, Instagram Feed and LinkedIn 16:9 three ways: plain, with the watermark and the brand font
only, and with the whole kit (watermark, brand font and colours, a 2 s intro and a 1.5 s outro).
Prints per render: seconds, the file's length by ffprobe against the expected length, and the check.
Run from backend/::

    ../.venv/bin/python benchmarks/bench_brand.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BACKEND))

CLIP = (2.0, 22.0)
PLATFORMS = ("tiktok", "instagram_feed", "linkedin_landscape")


def main() -> None:
    from rich.console import Console

    from spaceclip.config import Settings
    from spaceclip.services.media.probe import probe_media
    from spaceclip.services.render import presets
    from spaceclip.services.render.brand import Card
    from spaceclip.services.render.render import render_clip
    from spaceclip.services.render.spec import ClipSpec
    from tests.render_media import made_up_transcript, make_face_video, make_talk_audio
    from tests.test_render_brand import brand_look

    console = Console()
    with tempfile.TemporaryDirectory(prefix="spaceclip-bench-brand-") as tmp:
        work = Path(tmp)
        settings = Settings(data_dir=work / "data", _env_file=None)  # type: ignore[call-arg]
        video = make_face_video(work / "face.mp4", seconds=24.0, size="1280x720")
        audio = make_talk_audio(work / "talk.m4a", seconds=24.0)
        full = replace(brand_look(work), intro=Card("Night Shift, episode 12", 2.0), outro=Card("Follow", 1.5))
        looks = {"plain": None, "watermark+font": replace(full, intro=None, outro=None), "whole kit": full}
        transcript = made_up_transcript(24.0)
        for source, kind in ((video, "video"), (audio, "audio")):
            info = probe_media(source, settings)
            for key in PLATFORMS if kind == "video" else ("tiktok",):
                for name, look in looks.items():
                    spec = ClipSpec(
                        source=source, info=info, start=CLIP[0], end=CLIP[1], preset=presets.get_preset(key),
                        transcript=transcript, caption_style="karaoke",
                        audiogram_style="bars" if kind == "audio" else None, brand=look,
                    )  # fmt: skip
                    out = work / f"{kind}-{key}-{name.replace('+', '-').replace(' ', '-')}"
                    t0 = time.perf_counter()
                    result = render_clip(spec, out, settings, thumbnail=False, subtitles_files=False)
                    took = time.perf_counter() - t0
                    expected = CLIP[1] - CLIP[0] + (0.0 if look is None else look.cards_seconds)
                    probed = probe_media(result.video, settings).duration_s
                    console.print(
                        f"{kind:5} {key:18} {name:15} {took:6.2f} s  length {probed:6.3f} s "
                        f"(expected {expected:.3f})  check {'passed' if result.passed else 'FAILED'}"
                    )


if __name__ == "__main__":
    main()
