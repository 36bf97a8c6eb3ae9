"""The brand kit's filter builders (tables) and the checks of uploaded fonts and logos (real files)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from spaceclip.errors import PayloadTooLarge, UnsupportedMedia, ValidationFailed
from spaceclip.services.media.filters import drawtext_escape
from spaceclip.services.render import brand, fonts
from spaceclip.services.render.brand import BrandLook, Card
from spaceclip.services.render.presets import SafeArea, get_preset

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SAFE = SafeArea(top=270, bottom=670, left=65, right=65)


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ("top-left", ("87", "292")),
        ("top-right", ("W-w-87", "292")),
        ("bottom-left", ("87", "H-h-692")),
        ("bottom-right", ("W-w-87", "H-h-692")),
    ],
)
def test_watermark_sits_in_a_corner_of_the_safe_area(position: brand.LogoPosition, expected: tuple[str, str]) -> None:
    # 2% of the shorter side (1080) = 22 px inside the safe area.
    assert brand.watermark_position(position, SAFE, 1080, 1920) == expected


@pytest.mark.parametrize(
    ("position", "logo", "expected"),
    [
        ("top-left", (172, 86), SafeArea(top=270 + 22 + 86 + 22, bottom=670, left=65, right=65)),
        ("top-right", (172, 86), SafeArea(top=400, bottom=670, left=65, right=65)),
        ("bottom-left", (172, 86), SafeArea(top=270, bottom=670 + 130, left=65, right=65)),
        ("bottom-right", (172, 400), SafeArea(top=270, bottom=670 + 384, left=65, right=65)),  # at most 20%
        ("bottom-right", None, SAFE),  # no logo: the whole safe area
    ],
)
def test_text_keeps_clear_of_the_watermarks_band(
    position: brand.LogoPosition, logo: tuple[int, int] | None, expected: SafeArea
) -> None:
    assert brand.text_safe_area(SAFE, position, logo, 1080, 1920) == expected


@pytest.mark.parametrize(
    ("outs", "expected"),
    [
        ([("wm", 173)], "[1:v]format=rgba,colorchannelmixer=aa=0.9,scale=172:-2[wm]"),  # 86.5 halves: ties to even
        (
            [("wm", 172), ("intro_logo", 432)],
            "[1:v]format=rgba,colorchannelmixer=aa=0.9,split=2[wm_src][intro_logo_src];"
            "[wm_src]scale=172:-2[wm];[intro_logo_src]scale=432:-2[intro_logo]",
        ),
    ],
)
def test_logo_chain(outs: list[tuple[str, int]], expected: str) -> None:
    assert brand.logo_chain("1:v", 0.9, outs) == expected


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        (["body"], "[body_v][body_a]concat=n=1:v=1:a=1[vout][aout]"),
        (
            ["intro", "body", "outro"],
            "[intro_v][intro_a][body_v][body_a][outro_v][outro_a]concat=n=3:v=1:a=1[vout][aout]",
        ),
    ],
)
def test_concat(segments: list[str], expected: str) -> None:
    assert brand.concat_filter(segments, "vout", "aout") == expected


def test_card_graph_draws_background_title_bar_and_silence() -> None:
    look = BrandLook(background="#102030", text="#FFEEDD", accent="#FF0000")
    graph = brand.card_graph(
        Card("Hello", 2.0), look, width=1080, height=1920, fps=30, audio_rate=48000, channels=2,
        logo=None, out="intro", lines=["Hello"], font_size=81,
    )  # fmt: skip
    assert graph.startswith("color=c=0x102030:s=1080x1920:r=30:d=2.000,format=yuv420p,drawtext=")
    assert ":fontcolor=0xFFEEDD:" in graph and "text=Hello:" in graph
    assert "drawbox=" in graph and "color=0xFF0000" in graph
    assert "fade=t=in:st=0:d=0.25,fade=t=out:st=1.750:d=0.25[intro_v]" in graph
    assert graph.endswith("anullsrc=r=48000:cl=stereo,atrim=duration=2.000,asetpts=PTS-STARTPTS[intro_a]")
    with_logo = brand.card_graph(
        Card("", 2.0), look, width=1080, height=1920, fps=30, audio_rate=48000, channels=1,
        logo="intro_logo", out="intro", lines=[], font_size=81,
    )  # fmt: skip
    assert "[intro_bg][intro_logo]overlay=x=(W-w)/2:y=(H-h)/2" in with_logo and "cl=mono" in with_logo


def test_card_title_is_escaped_for_the_graph() -> None:
    graph = brand.card_graph(
        Card("a:b;[c]", 1.0), BrandLook(), width=640, height=360, fps=25, audio_rate=48000, channels=2,
        logo=None, out="outro", lines=["a:b;[c]"], font_size=30,
    )  # fmt: skip
    assert "text=" + drawtext_escape("a:b;[c]") + ":" in graph and r"text=a\\:b\;\[c\]:" in graph


def test_brand_graph_without_cards_or_logo_passes_the_clip_on() -> None:
    preset = get_preset("tiktok")
    graph = brand.brand_graph(BrandLook(), preset, main_v="m", main_a="a", logo_input=None, out_v="vout", out_a="aout")
    assert graph == "[m]format=yuv420p,setsar=1[vout];[a]anull[aout]"


def test_brand_graph_orders_intro_clip_outro() -> None:
    preset = get_preset("instagram_reels")  # safe area as SAFE
    look = BrandLook(logo="/x/logo.png", intro=Card("Hi", 1.0), outro=Card("Bye", 2.0))
    graph = brand.brand_graph(
        look, preset, main_v="m", main_a="a", logo_input="2:v", out_v="vout", out_a="aout",
        titles={"intro": ["Hi"], "outro": ["Bye"]},
    )  # fmt: skip
    assert "split=3[wm_logo_src][intro_logo_src][outro_logo_src]" in graph
    assert "[m][wm_logo]overlay=x=W-w-87:y=292" in graph
    assert "[a]aformat=sample_rates=48000:channel_layouts=stereo[body_a]" in graph
    assert graph.endswith("[intro_v][intro_a][body_v][body_a][outro_v][outro_a]concat=n=3:v=1:a=1[vout][aout]")
    assert look.cards_seconds == 3.0


def test_look_round_trips_and_refuses_bad_colours() -> None:
    look = BrandLook(background="#abcdef", font="u/f.ttf", logo_position="bottom-left", intro=Card("x", 2.0))
    assert BrandLook.from_dict(look.to_dict()) == BrandLook(
        background="#ABCDEF", font="u/f.ttf", logo_position="bottom-left", intro=Card("x", 2.0)
    )
    with pytest.raises(ValidationFailed, match="#RRGGBB"):
        brand.hex_colour("red;drawtext")


def test_resolved_refuses_a_file_that_is_gone(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"x")
    look = BrandLook(logo="logo.png", font="gone.ttf")
    with pytest.raises(ValidationFailed, match="Export the clip again"):
        look.resolved(lambda rel: tmp_path / rel)
    assert BrandLook(logo="logo.png").resolved(lambda rel: tmp_path / rel).logo == str(tmp_path / "logo.png")


def test_card_lines_wrap_in_the_given_font() -> None:
    lines = brand.card_lines("Small shops win because they know every customer", DEJAVU, 80, 900)
    assert len(lines) > 1 and " ".join(lines) == "Small shops win because they know every customer"
    assert brand.card_lines("  ", DEJAVU, 80, 700) == []


# --- uploads ---------------------------------------------------------------------------------------


def test_real_fonts_are_accepted() -> None:
    ttf = brand.validate_font(DEJAVU.read_bytes())
    assert (ttf.family, ttf.extension) == ("DejaVu Sans", ".ttf") and ttf.glyphs > 1000
    otf = brand.validate_font((fonts.package_font_dir() / "SourceSansPro-Bold.otf").read_bytes())
    assert otf.extension == ".otf" and otf.family.startswith("Source Sans")


def _png(size: tuple[int, int] = (64, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (255, 0, 0, 128)).save(out, format="PNG")
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("font.ttf", DEJAVU.read_bytes()[:1000])
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (_png(), UnsupportedMedia, "not a TrueType or OpenType font"),  # a PNG named font.ttf
        (_zip(), UnsupportedMedia, "not a TrueType or OpenType font"),
        (DEJAVU.read_bytes()[:4000], UnsupportedMedia, "damaged or unreadable"),  # truncated
        (b"\x00\x01\x00\x00" + b"\x00" * 200, UnsupportedMedia, "no outlines"),  # a header, no tables
        (b"OTTO" + b"\xff" * (brand.MAX_FONT_BYTES), PayloadTooLarge, "at most 10 MB"),
        (b"", UnsupportedMedia, "not a TrueType"),
    ],
)
def test_bad_fonts_are_refused(data: bytes, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        brand.validate_font(data)


def test_a_font_without_latin_is_refused(tmp_path: Path) -> None:
    from fontTools import subset

    out = tmp_path / "greek.ttf"
    subset.main([str(DEJAVU), "--unicodes=U+0391-03C9", f"--output-file={out}"])
    with pytest.raises(UnsupportedMedia, match="does not draw ABC"):
        brand.validate_font(out.read_bytes())


def test_logos_are_re_encoded_as_png() -> None:
    jpeg = io.BytesIO()
    Image.new("RGB", (120, 60), (0, 128, 255)).save(jpeg, format="JPEG")
    info = brand.validate_logo(jpeg.getvalue())
    assert (info.format, info.width, info.height) == ("JPEG", 120, 60)
    with Image.open(io.BytesIO(info.png)) as im:
        assert (im.format, im.mode, im.size) == ("PNG", "RGBA", (120, 60))


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (DEJAVU.read_bytes()[:5000], UnsupportedMedia, "damaged or not an image"),  # a font named logo.png
        (_gif(), UnsupportedMedia, "not a PNG, JPEG or WebP"),
        (_png()[:60], UnsupportedMedia, "damaged or not an image"),  # truncated
        (_png((5000, 10)), PayloadTooLarge, "at most 4096 px"),
        (b"\x89PNG" + b"\x00" * brand.MAX_LOGO_BYTES, PayloadTooLarge, "at most 5 MB"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", UnsupportedMedia, "damaged or not an image"),
    ],
)
def test_bad_logos_are_refused(data: bytes, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        brand.validate_logo(data)
