"""Caption emphasis: key words and emoji as tables, the packaged lexicon against the installed fonts,
the ASS they give, caption sizes and positions inside the safe area, and a burned still."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from spaceclip.config import Settings
from spaceclip.services.render import fonts, glyphs
from spaceclip.services.render.captions import CAPTION_STYLES, build_ass, caption_still, placement, sample_words
from spaceclip.services.render.captions.emphasis import (
    Emphasis,
    drawable_lexicon,
    emphasis_color,
    key_words,
    line_emoji,
    load_lexicon,
    usable_lexicon,
    word_key,
)
from spaceclip.services.render.captions.layout import CAPTION_POSITIONS, CAPTION_SIZES
from spaceclip.services.render.presets import PRESETS, get_preset

EMPH = Emphasis.of(["small shops"], ["Ada Lovelace"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Shops,", "shops"), ("\u201cAda\u2019s", "ada"), ("(42%)", "42%"), ("—", ""), ("don't", "don't")],
)
def test_word_key(text: str, expected: str) -> None:
    assert word_key(text) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["We", "sold", "42", "boxes"], [False, False, True, False]),
        (["It", "took", "three", "million", "tries"], [False, False, True, True, False]),
        (["Small", "shops", "win."], [True, True, False]),  # keyword words, the capital starts a sentence
        (["I", "asked", "Ada", "yesterday."], [False, False, True, False]),  # "I" is no name
        (["Then", "we", "met", "Berlin.", "Then"], [False, False, False, True, False]),  # a proper noun mid-sentence
        (["lovelace", "said", "so"], [True, False, False]),  # a speaker's name in lower case
    ],
)
def test_key_words(words: list[str], expected: list[bool]) -> None:
    assert key_words(words, EMPH) == expected
    assert key_words(words, Emphasis(marks=False)) == [False] * len(words)


@pytest.mark.parametrize(
    ("words", "expected"),
    [(["I", "love", "coffee"], "♥"), (["Two", "boats"], "⚓"), (["Nothing", "here"], None), ([], None)],
)
def test_line_emoji(words: list[str], expected: str | None) -> None:
    assert line_emoji(words, {"love": "♥", "coffee": "☕", "boat": "⚓"}) == expected


def test_packaged_lexicon_against_the_installed_fonts() -> None:
    lexicon = load_lexicon()
    assert len(lexicon) >= 80 and all(k == k.lower() for k in lexicon)
    font = fonts.font_file("bold")
    kept, extra = drawable_lexicon(lexicon, font, timeout_s=30)
    undrawn = set(glyphs.assign_fallbacks(glyphs.missing_chars("".join(lexicon.values()), font),
                                          glyphs.system_fonts(timeout_s=30))[1])  # fmt: skip
    assert kept, "some emoji must be drawable (the bundled font has ✓ and ♪)"
    for word, mark in lexicon.items():
        drawable = not any(c in undrawn for c in mark)
        assert (word in kept) == drawable
    for mark in kept.values():  # every kept emoji: in the bundled font or in a font libass falls back to
        assert all(c in extra for c in glyphs.missing_chars(mark, font))
    assert usable_lexicon(lexicon, font, extra) == kept
    assert usable_lexicon({"x": "\U0010fffd"}, font, extra) == {}


def _events(ass: str) -> list[str]:
    return [line.split(",", 9)[9] for line in ass.splitlines() if line.startswith("Dialogue:")]


@pytest.mark.parametrize("style", list(CAPTION_STYLES))
def test_script_colours_key_words_and_ends_lines_with_emoji(style: str) -> None:
    words = sample_words("Ada sold 42 coffee mugs to small shops today.")
    emph = Emphasis.of(["shops"], ["Ada"], color=emphasis_color(CAPTION_STYLES[style].highlight_color),
                       emoji={"coffee": "☕"})  # fmt: skip
    preset = get_preset("tiktok")
    ass = build_ass(words, clip_start=0, clip_end=6, style=style, width=preset.width, height=preset.height,
                    safe=preset.safe, emphasis=emph)  # fmt: skip
    key = "&H00" + emph.color[4:6] + emph.color[2:4] + emph.color[0:2]
    events = _events(ass)
    if style == "pop":
        coloured = [e for e in events if key in e]
        assert [re.sub(r"\{[^}]*\}", "", e).upper().split()[0] for e in coloured] == ["ADA", "42", "SHOPS"]
        assert any("COFFEE ☕" in e for e in events)
    else:
        last = events[-1]
        for word in ("Ada", "42", "shops"):
            assert re.search(r"\{\\1c" + re.escape(key) + r"\}" + word, last, re.IGNORECASE), (word, last)
        assert "sold" in last and not re.search(re.escape(key) + r"\}sold", last)
        assert "☕" in last and last.count("☕") == 1
    plain = build_ass(words, clip_start=0, clip_end=6, style=style, width=preset.width, height=preset.height,
                      safe=preset.safe)  # fmt: skip
    assert key not in "".join(_events(plain)).replace(CAPTION_STYLES[style].highlight_color, "") or style != "pop"
    assert "☕" not in plain


@pytest.mark.parametrize("preset_key", list(PRESETS))
@pytest.mark.parametrize("style", list(CAPTION_STYLES))
def test_sizes_and_positions_stay_inside_the_safe_area(preset_key: str, style: str) -> None:
    preset = PRESETS[preset_key]
    x0, y0, x1, y1 = preset.safe.box(preset.width, preset.height)
    st = CAPTION_STYLES[style]
    base = placement(st, preset.width, preset.height, preset.safe).font_size
    for size in CAPTION_SIZES:
        for position in CAPTION_POSITIONS:
            p = placement(st, preset.width, preset.height, preset.safe, size=size, position=position)
            block = p.font_size * (st.max_lines + 0.5)  # the lines and the speaker's name line
            top = {8: p.y, 5: p.y - block / 2, 2: p.y - block}[p.align]
            assert y0 <= top and top + block <= y1, (size, position, p)
            assert x0 <= p.x - p.max_width / 2 and p.x + p.max_width / 2 <= x1
        assert placement(st, preset.width, preset.height, preset.safe, size=size).font_size == pytest.approx(
            base * CAPTION_SIZES[size], abs=1
        )


def test_emphasis_still_burns_the_accent(tmp_path: Path, settings: Settings) -> None:
    preset = get_preset("tiktok")
    words = sample_words("We sold 42 mugs to small shops")
    out = caption_still(tmp_path / "still.png", style="subtitle", preset=preset, settings=settings, words=words,
                        at=1.0, emphasis=Emphasis.of(["shops"], color="FFD400"))  # fmt: skip
    with Image.open(out) as im:
        rgb = im.convert("RGB")
        yellow = sum(1 for r, g, b in rgb.getdata() if r > 200 and g > 170 and b < 80)
    assert yellow > 500  # "42", "small" and "shops" drawn in the accent
