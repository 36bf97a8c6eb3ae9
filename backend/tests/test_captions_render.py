"""Captions burned in by real ffmpeg/libass: bundled font, safe-area placement, awkward paths, stills.

The font folder itself is tested in test_fonts.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from spaceclip.config import Settings
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render import fonts
from spaceclip.services.render.captions import CAPTION_STYLES, ass_filter, build_ass, caption_still, sample_words
from spaceclip.services.render.presets import PRESETS, SafeArea
from tests.ass_reader import parse_events

pytestmark = pytest.mark.slow

FONTSELECT = re.compile(r"fontselect: \((.+?), (\d+), (\d+)\) -> (.+?), \d+, (\S+)")


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int16)


def _burn_frame(tmp: Path, ass_text: str, size: tuple[int, int], at: float, *, name: str = "frame") -> Path:
    """One black frame of ``size`` with the captions as they stand at ``at`` seconds."""
    ass = tmp / f"{name}.ass"
    ass.write_text(ass_text, encoding="utf-8")
    out = tmp / f"{name}.png"
    w, h = size
    argv = ffmpeg_args(
        "-f", "lavfi", "-i", f"color=c=black:s={w}x{h}:r=30:d=1",
        "-vf", f"setpts=PTS+{at}/TB,{ass_filter(ass)}",
        "-frames:v", "1", "-update", "1", "-y", out,
    )  # fmt: skip
    run_process(argv, timeout_s=120, cwd=tmp)
    return out


# --- the bundled font in libass ------------------------------------------------------------------


def _font_log(tmp: Path, ass_text: str) -> list[tuple[str, str, str]]:
    """Render once with ``-report`` and return libass's font choices (family, file or path, name)."""
    for old in tmp.glob("ffmpeg-*.log"):
        old.unlink()
    ass = tmp / "font.ass"
    ass.write_text(ass_text, encoding="utf-8")
    argv = ffmpeg_args(
        "-report", "-f", "lavfi", "-i", "color=c=black:s=540x960:r=30:d=1",
        "-vf", f"setpts=PTS+1.1/TB,{ass_filter(ass)}",
        "-frames:v", "1", "-f", "null", "-",
    )  # fmt: skip
    run_process(argv, timeout_s=120, cwd=tmp)
    (log,) = tmp.glob("ffmpeg-*.log")
    return [(m.group(1), m.group(4), m.group(5)) for m in FONTSELECT.finditer(log.read_text(errors="replace"))]


@pytest.mark.parametrize("style", list(CAPTION_STYLES))
def test_libass_renders_with_the_bundled_font(tmp_path: Path, style: str) -> None:
    ass = build_ass(sample_words(), clip_start=0, clip_end=6, style=style, width=540, height=960,
                    safe=SafeArea(0, 0, 0, 0), speaker_names={"Speaker 1": "Maya"})  # fmt: skip
    chosen = _font_log(tmp_path, ass)
    assert chosen, "libass logged no font selection"
    for family, source, name in chosen:
        assert family in (fonts.FONT_FAMILY, fonts.FONT_FAMILY_BLACK)
        # memory fonts (from fontsdir) are logged by name; fontconfig's system fonts by their path
        assert "/" not in source and name.startswith("SourceSansPro-"), (family, source, name)
    if style == "pop":
        assert {name for _, _, name in chosen} == {"SourceSansPro-Black"}


def test_a_family_that_is_not_bundled_renders_differently(tmp_path: Path) -> None:
    ass = build_ass(sample_words(), clip_start=0, clip_end=6, style="subtitle", width=540, height=960,
                    safe=SafeArea(0, 0, 0, 0))  # fmt: skip
    ours = _pixels(_burn_frame(tmp_path, ass, (540, 960), 1.1, name="ours"))
    other = _pixels(_burn_frame(tmp_path, ass.replace("Source Sans Pro", "No Such Family"), (540, 960), 1.1, name="x"))
    assert (ours > 40).any()
    assert np.abs(ours - other).max() > 100  # different glyphs: the bundled font really was the one used


# --- placement on real frames --------------------------------------------------------------------


@pytest.mark.parametrize("key", ["tiktok", "instagram_feed", "linkedin_landscape", "x"])
@pytest.mark.parametrize("style", list(CAPTION_STYLES))
def test_burned_captions_stay_inside_the_safe_area(tmp_path: Path, key: str, style: str) -> None:
    preset = PRESETS[key]
    words = sample_words("Honestly, the best ideas come from talking it through with people who disagree.")
    ass = build_ass(words, clip_start=0, clip_end=6, style=style, width=preset.width, height=preset.height,
                    safe=preset.safe, speaker_names={"Speaker 1": "Maya"}, speaker_colors=True)  # fmt: skip
    events = parse_events(ass)
    at = events[min(2, len(events) - 1)].start + 0.2  # mid-word, after the pop settled
    frame = _pixels(_burn_frame(tmp_path, ass, (preset.width, preset.height), at))
    assert frame.shape[:2] == (preset.height, preset.width)
    lit = frame.max(axis=2) > 24
    ys, xs = np.nonzero(lit)
    assert len(ys) > 500, "no captions were drawn"
    x0, y0, x1, y1 = preset.safe.box(preset.width, preset.height)
    assert x0 <= xs.min() and xs.max() < x1, (xs.min(), xs.max(), x0, x1)
    assert y0 <= ys.min() and ys.max() < y1, (ys.min(), ys.max(), y0, y1)


def test_captions_change_the_video_only_inside_the_safe_area(tmp_path: Path) -> None:
    # A 360x640 test pattern (a third of 1080x1920) with TikTok's safe area scaled to match.
    w, h = 360, 640
    safe = SafeArea(top=83, bottom=153, left=22, right=60)
    ass = tmp_path / "c.ass"
    ass.write_text(build_ass(sample_words(), clip_start=0, clip_end=6, style="karaoke", width=w, height=h, safe=safe),
                   encoding="utf-8")  # fmt: skip
    src = f"testsrc=size={w}x{h}:rate=30:duration=1.2"
    frames = {}
    for name, chain in (("plain", "trim=start_frame=15"), ("captioned", f"trim=start_frame=15,{ass_filter(ass)}")):
        out = tmp_path / f"{name}.png"
        run_process(ffmpeg_args("-f", "lavfi", "-i", src, "-vf", chain, "-frames:v", "1", "-y", out), timeout_s=120)
        frames[name] = _pixels(out)
    changed = np.abs(frames["plain"] - frames["captioned"]).max(axis=2) > 0
    x0, y0, x1, y1 = safe.box(w, h)
    inside = np.zeros_like(changed)
    inside[y0:y1, x0:x1] = True
    assert changed[inside].sum() > 200  # captions drawn at frame 15 (t = 0.5 s, the second word)
    assert not changed[~inside].any()  # and nothing outside the uncovered area touched


# --- awkward file names --------------------------------------------------------------------------

AWKWARD = ["plain", "with space", "colon:name", "quote's", "comma,semi;colon", "[brackets]", "back\\slash",
           "eq=pct%", "ünïcödé", "-dash"]  # fmt: skip


@pytest.mark.parametrize("name", AWKWARD)
def test_ass_filter_opens_awkward_paths(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    folder.mkdir()
    font_folder = tmp_path / f"fonts {name}"
    font_folder.mkdir()
    for file in fonts.font_dir().iterdir():
        (font_folder / file.name).symlink_to(file.resolve())
    ass_path = folder / f"{name}.ass"
    ass_path.write_text(build_ass(sample_words(), clip_start=0, clip_end=6, style="pop", width=320, height=240,
                                  safe=SafeArea(0, 0, 0, 0)), encoding="utf-8")  # fmt: skip
    out = tmp_path / "out.png"
    argv = ffmpeg_args(
        "-report", "-f", "lavfi", "-i", "color=c=black:s=320x240:r=30:d=1",
        "-vf", f"setpts=PTS+1.2/TB,{ass_filter(ass_path, font_folder=font_folder)}",
        "-frames:v", "1", "-update", "1", "-y", out,
    )  # fmt: skip
    run_process(argv, timeout_s=120, cwd=tmp_path)
    assert (_pixels(out) > 40).any()  # the script was found and drawn
    (log,) = tmp_path.glob("ffmpeg-*.log")
    text = log.read_text(errors="replace")
    assert f"Loading font file '{font_folder}/SourceSansPro-Black.ttf'" in text  # the font folder too


# --- stills for the style pickers and the gallery ------------------------------------------------


def test_caption_still_renders_every_style(tmp_path: Path, settings: Settings) -> None:
    preset = PRESETS["x"]
    background = tmp_path / "bg.png"
    Image.new("RGB", (400, 300), (30, 60, 90)).save(background)
    images = {}
    for key in CAPTION_STYLES:
        out = caption_still(tmp_path / f"{key}.png", style=key, preset=preset, settings=settings, background=background)
        images[key] = _pixels(out)
        assert images[key].shape[:2] == (preset.height, preset.width)
        assert (images[key].max(axis=2) > 200).sum() > 300  # white caption text over the dark background
    keys = list(images)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            assert np.abs(images[a] - images[b]).max() > 100, (a, b)  # each style looks different
