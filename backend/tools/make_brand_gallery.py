"""Make the README's brand kit frames: a clip frame with the kit applied, its intro card, a speaker audiogram.

Both come from SpaceClip's render code: :func:`spaceclip.services.render.render.render_frame` (the
pipeline of the exports and the editor's preview) draws a TikTok frame of a face video with the
logo watermark and karaoke captions in the brand font (DejaVu Sans) and accent colour, and
:func:`~spaceclip.services.render.render.render_card` draws the intro card with the export's own
filters. The video is the astronaut of ``skimage.data`` (NASA, public domain) drifting across a
wide frame; the transcript is made up (``tests/render_media.py``); the logo is drawn here.

A third frame is a speaker audiogram of a generated talk (``tests/render_media.py``) with the kit: its
title and the speaker badges' initials and names in the brand font.

Run from backend/ (writes ``../docs/gallery/brand-frame.png``, ``brand-intro.png`` and ``brand-badges.png``)::

    ../.venv/bin/python tools/make_brand_gallery.py [--out ../docs/gallery] [--width 540]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw
from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.config import Settings
from spaceclip.services.media.probe import probe_media
from spaceclip.services.render import presets
from spaceclip.services.render.brand import BrandLook, Card, validate_font, validate_logo
from spaceclip.services.render.render import render_card, render_frame
from spaceclip.services.render.spec import ClipSpec
from tests.render_media import made_up_transcript, make_face_video, make_talk_audio
from tools.make_gallery import save_small

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
console = Console()


def make_logo(dest: Path) -> Path:
    """A wordmark logo on a transparent background, stored as the brand kit stores uploads."""
    img = Image.new("RGBA", (520, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, 519, 159), radius=36, fill=(17, 24, 39, 220))
    draw.ellipse((24, 24, 136, 136), fill=(249, 115, 22, 255))
    from PIL import ImageFont

    draw.text((160, 38), "NIGHT", font=ImageFont.truetype(str(FONT), 72), fill=(253, 230, 138, 255))
    raw = io.BytesIO()
    img.save(raw, format="PNG")
    dest.write_bytes(validate_logo(raw.getvalue()).png)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("../docs/gallery"))
    parser.add_argument("--width", type=int, default=540)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="spaceclip-brand-gallery-") as tmp:
        work = Path(tmp)
        settings = Settings(data_dir=work / "data", _env_file=None)  # type: ignore[call-arg]
        validate_font(FONT.read_bytes())
        look = BrandLook(
            background="#1E3A8A",
            text="#FDE68A",
            accent="#F97316",
            font=str(FONT),
            font_family="DejaVu Sans",
            logo=str(make_logo(work / "logo.png")),
            logo_position="top-left",
            logo_scale=0.3,
            logo_opacity=0.95,
            intro=Card(title="Night Shift, episode 12: small shops win", seconds=2.0),
            outro=Card(title="Follow for more", seconds=1.5),
        )
        video = make_face_video(work / "face.mp4", seconds=8.0, size="1920x1080")
        info = probe_media(video, settings)
        preset = presets.get_preset("tiktok")
        spec = ClipSpec(
            source=video, info=info, start=1.0, end=7.0, preset=preset,
            transcript=made_up_transcript(info.duration_s), caption_style="karaoke", brand=look,
        )  # fmt: skip
        frame = render_frame(spec, 2.3, settings, work / "frames")
        card = render_card(look, preset, "intro", settings, work / "frames")
        # A speaker audiogram of a talk with the kit: title, badge initials and names in the brand font,
        # the title below the logo's band (render.text_safe).
        audio = make_talk_audio(work / "talk.wav", seconds=8.0)
        audio_info = probe_media(audio, settings)
        badges = ClipSpec(
            source=audio, info=audio_info, start=1.0, end=7.0, preset=preset,
            transcript=made_up_transcript(audio_info.duration_s), caption_style="karaoke",
            brand=look, audiogram_style="bars", speaker_badges=True,
            title="Night Shift: why small shops win",
        )  # fmt: skip
        badge_frame = render_frame(badges, 1.2, settings, work / "frames")
    shots = (("brand-frame.png", frame), ("brand-intro.png", card), ("brand-badges.png", badge_frame))
    for name, png in shots:
        size = save_small(png, args.out / name, args.width)
        console.print(f"{args.out / name}: {size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
