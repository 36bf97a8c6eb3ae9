"""Exports with the brand kit (brand font, colours, logo watermark, intro and outro cards) pass their check.

Real renders through ffmpeg of a 3.5 s clip from small generated sources: every preset from video and
the audio-only audiogram for two presets (9:16 and 1:1), each with DejaVu Sans as the brand font, a
logo PNG made here and an intro of 1.5 s and an outro of 1.0 s. Each file is probed back by
``check_export`` (inside the render) and by ffprobe here: its length is the clip plus both cards, the
SRT starts after the intro, and the first and last frames are the cards' colour, the middle frame
carries the logo in its corner.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from spaceclip.config import Settings
from spaceclip.services.media.probe import MediaInfo, probe_media
from spaceclip.services.media.process import ffmpeg_args, media_input_args, run_process
from spaceclip.services.render import presets
from spaceclip.services.render.brand import BrandLook, Card, validate_logo
from spaceclip.services.render.render import RenderResult, render_card, render_clip, render_frame
from spaceclip.services.render.spec import ClipSpec
from spaceclip.services.speech.transcript import parse_srt
from tests import test_render_presets
from tests.render_media import made_up_transcript

SOURCE_S = test_render_presets.SOURCE_S
CLIP = (0.6, 4.1)
INTRO_S, OUTRO_S = 1.5, 1.0
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BACKGROUND = (0x1E, 0x3A, 0x8A)
# The same small generated sources and settings as every preset's render test.
render_settings = test_render_presets.render_settings
sources = test_render_presets.sources
CASES = [("video", key) for key in presets.PRESETS] + [("audio", "tiktok"), ("audio", "linkedin_square")]


def make_logo(path: Path, size: tuple[int, int] = (400, 200)) -> Path:
    """A logo PNG with a transparent background: an orange disc beside a white bar."""
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    from PIL import ImageDraw

    draw = ImageDraw.Draw(img)
    w, h = size
    draw.ellipse((0, 0, h, h), fill=(255, 140, 0, 255))
    draw.rectangle((h + 20, h // 3, w, 2 * h // 3), fill=(255, 255, 255, 255))
    raw = io.BytesIO()
    img.save(raw, format="PNG")
    path.write_bytes(validate_logo(raw.getvalue()).png)
    return path


def brand_look(folder: Path) -> BrandLook:
    return BrandLook(
        background="#1E3A8A",
        text="#FDE68A",
        accent="#F97316",
        font=str(DEJAVU),
        font_family="DejaVu Sans",
        logo=str(make_logo(folder / "logo.png")),
        logo_position="top-right",
        logo_scale=0.2,
        logo_opacity=1.0,
        intro=Card(title="Small shops, big ideas: episode 12", seconds=INTRO_S),
        outro=Card(title="Follow for more", seconds=OUTRO_S),
    )


@pytest.fixture(scope="module")
def look(tmp_path_factory: pytest.TempPathFactory) -> BrandLook:
    return brand_look(tmp_path_factory.mktemp("brand-kit"))


def _spec(kind: str, key: str, sources: dict[str, tuple[Path, MediaInfo]], look: BrandLook) -> ClipSpec:
    source, info = sources[kind]
    return ClipSpec(
        source=source,
        info=info,
        start=CLIP[0],
        end=CLIP[1],
        preset=presets.get_preset(key),
        transcript=made_up_transcript(SOURCE_S),
        caption_style="karaoke",
        audiogram_style="bars" if kind == "audio" else None,
        title="Why small shops win",
        brand=look,
    )


def _frame(video: Path, at: float, settings: Settings) -> Image.Image:
    argv = ffmpeg_args(
        "-ss", f"{at:.3f}", *media_input_args(video), "-frames:v", "1", "-c:v", "png", "-f", "image2", "pipe:1"
    )  # fmt: skip
    out = run_process(argv, timeout_s=60).stdout
    return Image.open(io.BytesIO(out)).convert("RGB")


def _close(a: tuple[int, ...], b: tuple[int, ...], tol: int = 24) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=False))


@pytest.mark.parametrize(("kind", "key"), CASES)
def test_branded_export_passes_its_check(
    kind: str,
    key: str,
    sources: dict[str, tuple[Path, MediaInfo]],
    look: BrandLook,
    render_settings: Settings,
    tmp_path: Path,
) -> None:
    preset = presets.get_preset(key)
    result: RenderResult = render_clip(_spec(kind, key, sources, look), tmp_path, render_settings, stem="b")
    failed = [i for i in result.check["items"] if not i["passed"]]
    assert result.passed and result.check["passed"], failed
    expected = CLIP[1] - CLIP[0] + INTRO_S + OUTRO_S
    assert result.duration == pytest.approx(expected, abs=0.01)
    info = probe_media(result.video, render_settings)
    assert info.duration_s == pytest.approx(expected, abs=0.1)
    video = info.primary_video
    assert video is not None and (video.width, video.height) == (preset.width, preset.height)
    assert info.primary_audio is not None
    # The intro and the outro are the brand's background; the clip shows the logo in its top-right corner.
    first = _frame(result.video, INTRO_S / 2, render_settings)
    last = _frame(result.video, expected - OUTRO_S / 2, render_settings)
    assert _close(first.getpixel((8, 8)), BACKGROUND), first.getpixel((8, 8))
    assert _close(last.getpixel((8, 8)), BACKGROUND), last.getpixel((8, 8))
    middle = _frame(result.video, INTRO_S + 1.5, render_settings)
    logo_w = round(preset.width * look.logo_scale)
    inset = round(min(preset.width, preset.height) * 0.02)
    # The disc's centre: a quarter of the logo's height in from its left edge, half its height down.
    cx = preset.width - preset.safe.right - inset - logo_w + logo_w // 4
    cy = preset.safe.top + inset + logo_w // 4
    assert _close(middle.getpixel((cx, cy)), (255, 140, 0), tol=40), middle.getpixel((cx, cy))
    assert result.srt is not None
    cues = parse_srt(result.srt.read_text())
    assert cues[0].start >= INTRO_S and cues[-1].end <= INTRO_S + CLIP[1] - CLIP[0] + 0.05


def test_preview_frame_and_card(
    sources: dict[str, tuple[Path, MediaInfo]], look: BrandLook, render_settings: Settings, tmp_path: Path
) -> None:
    """The editor's preview frame carries the watermark (no cards); the card preview is the card."""
    preset = presets.get_preset("tiktok")
    png = render_frame(_spec("video", "tiktok", sources, look), 1.0, render_settings, tmp_path)
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == (preset.width, preset.height)
    card = render_card(look, preset, "intro", render_settings, tmp_path)
    with Image.open(io.BytesIO(card)) as im:
        rgb = im.convert("RGB")
        assert _close(rgb.getpixel((8, 8)), BACKGROUND)
        # The title is drawn in the text colour somewhere in the middle band.
        band = rgb.crop((0, preset.height // 2 - 100, preset.width, preset.height // 2 + 300))
        assert any(_close(p, (0xFD, 0xE6, 0x8A), tol=30) for p in band.getdata())
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_captions_use_the_brand_font_and_accent(
    sources: dict[str, tuple[Path, MediaInfo]], look: BrandLook, render_settings: Settings, tmp_path: Path
) -> None:
    """With a brand font the captions are laid out, measured and burned in it, highlighted in the accent."""
    from spaceclip.services.render.render import caption_script, caption_style_of

    spec = _spec("video", "tiktok", sources, look)
    style = caption_style_of(spec)
    assert (style.font_family, style.font_weight, style.highlight_color) == ("DejaVu Sans", str(DEJAVU), "F97316")
    ass = caption_script(spec, CLIP[0], CLIP[1] - CLIP[0], {})
    assert ass is not None and "\nStyle: Default,DejaVu Sans," in ass
    plain = caption_script(replace(spec, brand=None), CLIP[0], CLIP[1] - CLIP[0], {})
    assert plain is not None and "\nStyle: Default,Source Sans Pro," in plain
    # The preview draws it with the font folder made for it, and leaves nothing behind.
    png = render_frame(spec, 1.0, render_settings, tmp_path)
    assert png[:4] == b"\x89PNG" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("position", ["top-right", "bottom-left"])
def test_captions_and_the_title_keep_clear_of_the_watermark(
    sources: dict[str, tuple[Path, MediaInfo]], look: BrandLook, position: str, tmp_path: Path
) -> None:
    """Captions at the bottom and the audiogram's title at the top stay out of the band of the logo's
    corner; the logo is where it always was. Read from the frame: no caption or title ink there."""
    from spaceclip.services.render.render import caption_script, make_picture, text_safe

    spec = replace(_spec("audio", "tiktok", sources, look), brand=replace(look, logo_position=position))
    preset = spec.preset
    with Image.open(look.logo) as im:
        logo_h = round(preset.width * look.logo_scale * im.height / im.width)
    inset = round(0.02 * preset.width)
    safe = text_safe(spec)
    if position.startswith("top"):
        logo_bottom = preset.safe.top + inset + logo_h
        assert safe.top >= logo_bottom and safe.bottom == preset.safe.bottom
        graph = make_picture(spec, CLIP[0], CLIP[1] - CLIP[0]).filter
        title_ys = [int(y) for y in re.findall(r"text=Why small shops win[^;,]*?:y=(\d+)", graph)]
        assert title_ys and min(title_ys) >= logo_bottom  # the title's top below the logo
    else:
        logo_top = preset.height - preset.safe.bottom - inset - logo_h
        assert safe.bottom >= preset.height - logo_top and safe.top == preset.safe.top
        spec = replace(spec, audiogram_style=None)
        ass = caption_script(replace(spec, caption_position="bottom"), CLIP[0], CLIP[1] - CLIP[0], {}) or ""
        ys = [int(y) for y in re.findall(r"\\an2\\pos\(\d+,(\d+)\)", ass)]
        assert ys and max(ys) <= logo_top  # bottom-anchored captions end above the logo
