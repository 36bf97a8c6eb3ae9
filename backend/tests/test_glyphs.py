"""Which caption characters the bundled font lacks, and which system font draws them (real fc-match).

The renders that burn such captions in are in test_glyphs_render.py.
"""

# ruff: noqa: RUF001  (letters of many scripts, and typographic punctuation, on purpose)

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageFont

from spaceclip.errors import GlyphsMissing, ToolMissing
from spaceclip.services.render import fonts
from spaceclip.services.render.captions import caption_text, sample_words
from spaceclip.services.render.glyphs import (
    SystemFont,
    assign_fallbacks,
    caption_fallbacks,
    missing_chars,
    needs_glyph,
    parse_charset,
    parse_fc_fonts,
    system_fonts,
)
from tests.system_fonts import DEJAVU_SANS, use_fonts

BOLD = fonts.font_file("bold")

COVERED = {
    "spanish": "¿Qué pasó, señor? ¡Año nuevo, vida nueva! Ñandú, pingüino, acción.",
    "french": "Ça coûte très cher : l'œuvre, le cœur, Noël, naïve, « déjà vu », Œdipe, où, ÿ.",
    "german": "Größe, Fußgänger, Straße, Äpfel, Öl, Übermaß — GROẞE.",
    "portuguese": "Não, coração, avós, à tarde, pêssego.",
    "polish_czech": "Zażółć gęślą jaźń; Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "turkish_romanian": "Işık, İstanbul, ğ, ş; Știință, țară, Ț.",
    "icelandic": "Þetta er ðað, Þór.",
    "vietnamese": "Tiếng Việt có dấu: người, được, những, phở, Đà Nẵng, ỹ, ự.",
    "greek": "Καλημέρα, τι κάνεις; Ελλάδα, ΆΈΉΊΌΎΏ, ΐ ΰ.",
    "russian": "Привет, как дела? Съешь же ещё этих мягких французских булок, Ёж.",
    "ukrainian": "Їжак, ґанок, єнот, і.",
    "punctuation": "“quotes” ‘single’ – — … € £ ¥ № ° ½ ©",
}

NOT_COVERED = {
    "chinese": ("我们开了一家店。", ("我", "们", "开", "了", "一", "家", "店", "。")),
    "japanese": ("こんにちは、世界", ("こ", "ん", "に", "ち", "は", "、", "世", "界")),
    "korean": ("안녕하세요", ("안", "녕", "하", "세", "요")),
    "emoji": ("Great 😀 👍 🎉 😀", ("😀", "👍", "🎉")),
    "mixed": ("Hola 世界, hola 世界", ("世", "界")),
    "georgian": ("გამარჯობა", ("გ", "ა", "მ", "რ", "ჯ", "ო", "ბ")),
    "hebrew": ("שלום", ("ש", "ל", "ו", "ם")),
    "arabic": ("مرحبا", ("م", "ر", "ح", "ب", "ا")),
    "devanagari": ("नमस्ते", ("न", "म", "स", "्", "त", "े")),
    "thai": ("สวัสดี", ("ส", "ว", "ั", "ด", "ี")),
}


@pytest.mark.parametrize("weight", ["bold", "black", "regular"])
@pytest.mark.parametrize("language", list(COVERED))
def test_the_bundled_font_draws_latin_greek_and_cyrillic(language: str, weight: str) -> None:
    assert missing_chars(COVERED[language], fonts.font_file(weight)) == ()
    assert missing_chars(COVERED[language].upper(), fonts.font_file(weight)) == ()  # the pop style's capitals


@pytest.mark.parametrize("language", list(NOT_COVERED))
def test_characters_the_bundled_font_lacks_are_named_once_in_order(language: str) -> None:
    text, expected = NOT_COVERED[language]
    assert missing_chars(text, BOLD) == expected


@pytest.mark.parametrize(
    ("char", "drawn"),
    [
        ("a", True),
        ("中", True),
        ("😀", True),
        ("\U0001f3fd", True),  # a skin-tone modifier is a glyph of its own
        (" ", False),
        ("\u00a0", False),  # no-break space
        ("\t", False),
        ("\u200d", False),  # zero-width joiner (emoji sequences)
        ("\u2060", False),  # word joiner (ass_escape puts one after a backslash)
        ("\u200f", False),  # right-to-left mark
        ("\ufe0f", False),  # emoji variation selector
        ("\U000e0100", False),  # ideographic variation selector
        ("\u034f", False),  # combining grapheme joiner
        ("\u0301", True),  # a combining accent is drawn
    ],
)
def test_needs_glyph(char: str, drawn: bool) -> None:
    assert needs_glyph(char) is drawn


def test_joiners_and_selectors_of_emoji_sequences_are_not_counted() -> None:
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # woman ZWJ woman ZWJ girl
    assert missing_chars(f"{family} \u2764\ufe0f", BOLD) == ("\U0001f469", "\U0001f467", "\u2764")


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("20-7e a0 3a3-3ce", ((0x20, 0x7E), (0xA0, 0xA0), (0x3A3, 0x3CE))),
        ("4e00-9fff 20-7e", ((0x20, 0x7E), (0x4E00, 0x9FFF))),
        ("1f600-1f64f", ((0x1F600, 0x1F64F),)),
        ("zz 5-3 10-g 41", ((0x41, 0x41),)),
        ("", ()),
    ],
)
def test_parse_charset(text: str, ranges: tuple[tuple[int, int], ...]) -> None:
    assert parse_charset(text) == ranges


def test_a_font_has_exactly_the_characters_of_its_ranges() -> None:
    font = SystemFont("X", Path("/x.ttf"), True, ((0x41, 0x43), (0x4E00, 0x4E00)))
    assert [font.has(c) for c in "@ABCD"] == [False, True, True, True, False]
    assert font.has("\u4e00") and not font.has("\u4e01") and not font.has("\u0000")


def test_parse_fc_fonts_keeps_order_and_skips_what_does_not_parse() -> None:
    out = (
        "True\t20-7e 10d0-10ff\tDejaVu Sans\t/usr/share/fonts/DejaVuSans.ttf\n"
        "not a font line\n"
        "False\t1f600-1f64f\tNoto Color Emoji\t/usr/share/fonts/NotoColorEmoji.ttf\n"
        "True\t4e00-9fff\tTab\tFamily\t/odd/na\tme.ttf\n"
        "True\t20-7e\tNo File\t\n"
    )
    found = parse_fc_fonts(out)
    assert [(f.family, str(f.file), f.outline) for f in found] == [
        ("DejaVu Sans", "/usr/share/fonts/DejaVuSans.ttf", True),
        ("Noto Color Emoji", "/usr/share/fonts/NotoColorEmoji.ttf", False),
        ("Tab", "Family\t/odd/na\tme.ttf", True),  # a tab in the file name stays in it (the last field)
    ]
    assert found[0].has("ა") and not found[0].has("中")


def _font(name: str, ranges: tuple[tuple[int, int], ...], *, outline: bool = True) -> SystemFont:
    return SystemFont(name, Path(f"/fonts/{name}.ttf"), outline, ranges)


GEORGIAN = _font("Georgian", ((0x10D0, 0x10FF),))
CJK = _font("CJK", ((0x3000, 0x30FF), (0x4E00, 0x9FFF)))
WIDE = _font("Wide", ((0x10D0, 0x10FF), (0x4E00, 0x9FFF)))
COLOUR_EMOJI = _font("Colour Emoji", ((0x1F600, 0x1F64F),), outline=False)
MONO_EMOJI = _font("Mono Emoji", ((0x1F600, 0x1F64F),))


@pytest.mark.parametrize(
    ("chars", "order", "drawn", "undrawn"),
    [
        ("ა中", [GEORGIAN, CJK], {"ა": "Georgian", "中": "CJK"}, ""),
        ("ა中", [WIDE, GEORGIAN, CJK], {"ა": "Wide", "中": "Wide"}, ""),  # the first in fallback order
        ("ა中", [CJK, WIDE], {"ა": "Wide", "中": "CJK"}, ""),
        ("ა中😀", [GEORGIAN], {"ა": "Georgian"}, "中😀"),
        ("😀", [COLOUR_EMOJI, MONO_EMOJI], {}, "😀"),  # libass takes the first, and cannot load a bitmap font
        ("😀", [MONO_EMOJI, COLOUR_EMOJI], {"😀": "Mono Emoji"}, ""),
        ("中", [], {}, "中"),
    ],
)
def test_assign_fallbacks_follows_libass(
    chars: str, order: list[SystemFont], drawn: dict[str, str], undrawn: str
) -> None:
    got, missing = assign_fallbacks(chars, order)
    assert {c: f.family for c, f in got.items()} == drawn
    assert missing == tuple(undrawn)


def test_caption_text_is_what_the_style_draws() -> None:
    words = sample_words("straße  größe\tß", start=0.0)
    assert caption_text(words, clip_start=0.0, clip_end=5.0, style="karaoke") == "straße größe ß"
    assert caption_text(words, clip_start=0.0, clip_end=5.0, style="pop") == "STRASSE GRÖSSE SS"  # capitals
    assert caption_text(words, clip_start=0.4, clip_end=5.0, style="subtitle") == "größe ß"  # only the clip's words
    named = caption_text(words, clip_start=0.0, clip_end=5.0, style="pop", speaker_names={"Speaker 1": "Łukasz\n"})
    assert named == "STRASSE GRÖSSE SS Łukasz"  # names are drawn as written


# --- measuring text drawn from a fallback font ---------------------------------------------------


def test_characters_from_a_fallback_font_are_measured_in_it() -> None:
    word = "გამარჯობა"
    size = 60
    fallback = dict.fromkeys(word, DEJAVU_SANS)
    ascent, descent = ImageFont.truetype(str(DEJAVU_SANS), 100).getmetrics()
    dejavu = ImageFont.truetype(str(DEJAVU_SANS), round(size * 100 / (ascent + descent)))
    assert fonts.text_width(word, "bold", size, fallback) == pytest.approx(dejavu.getlength(word))
    mixed = fonts.text_width(f"Hi {word}!", "bold", size, fallback)
    parts = fonts.text_width("Hi ", "bold", size) + dejavu.getlength(word) + fonts.text_width("!", "bold", size)
    assert mixed == pytest.approx(parts)
    # Without the fallback every Georgian letter measures as the bundled font's one empty box.
    tofu = fonts.text_width(word, "bold", size)
    assert tofu == pytest.approx(len(word) * fonts.text_width("ა", "bold", size))
    assert abs(tofu - dejavu.getlength(word)) > 0.05 * tofu
    assert fonts.text_width("Señor", "bold", size, fallback) == fonts.text_width("Señor", "bold", size)


# --- real fc-match on a known set of fonts -------------------------------------------------------


def test_system_fonts_lists_what_fontconfig_has(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = use_fonts(monkeypatch, tmp_path, [DEJAVU_SANS])
    (found,) = system_fonts(timeout_s=60)
    assert (found.family, found.file, found.outline) == ("DejaVu Sans", folder / DEJAVU_SANS.name, True)
    assert all(found.has(c) for c in "Aა Աש") and not found.has("中")


def test_system_fonts_is_empty_when_fontconfig_has_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_fonts(monkeypatch, tmp_path, [])
    assert system_fonts(timeout_s=60) == []


def test_text_the_bundled_font_draws_needs_no_system_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # fc-match could not even start
    assert caption_fallbacks(COVERED["vietnamese"] + COVERED["greek"] + COVERED["german"], BOLD, timeout_s=60) == {}


def test_a_system_font_that_has_the_characters_draws_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = use_fonts(monkeypatch, tmp_path, [DEJAVU_SANS])
    got = caption_fallbacks("Gamarjoba: გამარჯობა! Shalom: שלום", BOLD, timeout_s=60)
    assert got == dict.fromkeys("გამრჯობשלום", folder / DEJAVU_SANS.name)


def test_characters_no_font_has_are_refused_by_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_fonts(monkeypatch, tmp_path, [DEJAVU_SANS])
    with pytest.raises(GlyphsMissing) as caught:
        caption_fallbacks("გამარჯობა 😀, 我们开了一家店 🎉", BOLD, timeout_s=60)
    assert caught.value.chars == ("我", "们", "开", "了", "一", "家", "店", "🎉")  # DejaVu has 😀, not 🎉
    message = caught.value.user_message
    assert "我 (U+6211)" in message and "🎉 (U+1F389)" in message and "ა" not in message and "😀" not in message
    assert "fonts-noto-cjk" in message and "edit the transcript" in message
    assert caught.value.status_code == 422 and caught.value.code == "glyphs_missing"


def test_a_long_list_of_characters_is_cut_short(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_fonts(monkeypatch, tmp_path, [])
    with pytest.raises(GlyphsMissing) as caught:
        caption_fallbacks("我们开了一家店, 生意很好, 每天都有客人", BOLD, timeout_s=60)
    assert len(caught.value.chars) == 17
    assert caught.value.user_message.count("(U+") == 12 and "and 5 more" in caught.value.user_message


def test_an_unassigned_code_point_is_refused_on_this_machine_too() -> None:
    # U+0378 is unassigned in Unicode, so no installed font can have it (the machine's own fontconfig).
    with pytest.raises(GlyphsMissing) as caught:
        caption_fallbacks("Καλημέρα \u0378", BOLD, timeout_s=60)
    assert caught.value.chars == ("\u0378",)


def test_without_fc_match_the_creator_is_told_to_install_fontconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolMissing) as caught:
        caption_fallbacks("გამარჯობა", BOLD, timeout_s=60)
    assert "apt-get install fontconfig" in caught.value.user_message
