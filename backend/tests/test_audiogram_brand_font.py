"""The brand kit's font on speaker audiograms: the title, the name line and the badges are drawn in it,
characters it lacks in a fallback font, and an export asked for with it names those characters.

Real fonts: DejaVu Serif Bold as the brand font (Debian ``fonts-dejavu-core``; it has Latin, Greek and
Cyrillic but no Hebrew), the bundled Source Sans Pro, and DejaVu Sans as the only system font
(:func:`tests.system_fonts.use_fonts`), which has Hebrew. Real ffmpeg: single frames of a 3 s sound.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from fontTools import subset
from PIL import Image

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Clip
from spaceclip.services.media.probe import probe_media
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render import audiogram as ag
from spaceclip.services.render import fonts, glyphs
from spaceclip.services.render.audiogram.badges import Badge, badge_images, badge_slots
from spaceclip.services.render.audiogram.layout import default_safe
from spaceclip.services.render.brand import BrandLook
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.render import make_picture, picture_fallbacks, render_frame
from spaceclip.services.render.spec import ClipSpec
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript
from tests.factories import UserFactory
from tests.render_media import make_talk_video
from tests.system_fonts import DEJAVU_SANS, use_fonts
from tests.test_exports_api import _ready_clip

SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")
SANS_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
HEBREW = "שלום"
W, H = 540, 960
TIMEOUT = 120.0


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("brand-font") / "tone.wav"
    src = "sine=f=220:d=3:r=48000,volume=0.5"
    run_process(ffmpeg_args("-f", "lavfi", "-i", src, "-c:a", "pcm_s16le", "-y", path), timeout_s=TIMEOUT)
    return path


@pytest.fixture
def system_sans(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """DejaVu Sans as the only system font; returns the folder fontconfig lists it from."""
    return use_fonts(monkeypatch, tmp_path / "fc", [DEJAVU_SANS])


def _spec(sound: Path, *, title: str, brand: BrandLook | None, badges: bool = False) -> ClipSpec:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    speakers = (Speaker("Speaker 1", "Ann Lee"), Speaker("Speaker 2", "Bob Roy"))
    segments = (Segment(0.0, 1.5, "Hello there.", "Ann Lee"), Segment(1.5, 3.0, "Hi back.", "Bob Roy"))
    transcript = Transcript(duration=3.0, language="en", speakers=speakers, segments=segments)
    return ClipSpec(
        source=sound, info=probe_media(sound, settings), start=0.0, end=3.0, preset=get_preset("tiktok"),
        transcript=transcript, caption_style=None, audiogram_style="bars", title=title, brand=brand,
        speaker_badges=badges,
    )  # fmt: skip


def _still(sound: Path, graph: ag.FilterGraph, at: float = 0.5) -> np.ndarray:
    """The frame ``at`` s into the audiogram ``graph`` draws over ``sound``, as RGB (int16)."""
    argv = ffmpeg_args(
        "-i", sound, *[a for extra in graph.extra_inputs for a in extra], "-filter_complex", graph.filter,
        "-map", f"[{graph.out_label}]", "-ss", f"{at}", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24",
        "pipe:1",
    )  # fmt: skip
    data = run_process(argv, timeout_s=TIMEOUT).stdout
    return np.frombuffer(data, dtype=np.uint8).reshape(H, W, 3).astype(np.int16)


def _title_band(frame: np.ndarray) -> np.ndarray:
    lay = ag.layout_for(W, H, default_safe(W, H))
    return frame[lay.title_y - 4 : lay.title_y + round(lay.title_size * 1.4)]


def _ink_columns(band: np.ndarray) -> tuple[int, int]:
    """The first and last column holding white title ink."""
    cols = np.flatnonzero((band.min(axis=2) > 200).any(axis=0))
    return int(cols[0]), int(cols[-1])


def _mismatch(a: np.ndarray, b: np.ndarray, slack: int = 2) -> float:
    """How much the white ink of two bands differs, as a share of ``a``'s ink, at the best shift of up
    to ``slack`` px (Pillow's width, which places a run, and ffmpeg's may differ by a pixel)."""
    ink_a, ink_b = a.min(axis=2) > 200, b.min(axis=2) > 200
    best = min(
        int((ink_a ^ np.roll(ink_b, (dy, dx), axis=(0, 1))).sum())
        for dy in range(-slack, slack + 1)
        for dx in range(-slack, slack + 1)
    )
    return best / max(1, int(ink_a.sum()))


def _title_graph(title: str, **kwargs: object) -> ag.FilterGraph:
    return ag.audiogram_graph("bars", width=W, height=H, fps=10, title=title, **kwargs)  # type: ignore[arg-type]


# --- the filter graph -----------------------------------------------------------------------------


def test_title_and_name_line_name_the_brand_font() -> None:
    track = [(0.0, 1.0, "Ann"), (1.0, 2.0, "Bob")]
    branded = _title_graph("Brand fonts matter", speaker_track=track, font=SERIF).filter
    assert branded.count(f"fontfile={SERIF}") == 3 and "SourceSansPro" not in branded  # title + two names
    plain = _title_graph("Brand fonts matter", speaker_track=track).filter
    assert plain.count(f"fontfile={fonts.font_file('bold')}") == 3 and str(SERIF) not in plain


def test_a_line_with_characters_the_font_lacks_is_drawn_in_runs_on_one_baseline() -> None:
    fallback = dict.fromkeys(HEBREW, DEJAVU_SANS)
    graph = _title_graph(f"Shalom {HEBREW} friends", font=SERIF, fallback=fallback).filter
    runs = [part for part in graph.split(",") if part.startswith("drawtext=")]
    assert len(runs) == 3
    assert f"fontfile={SERIF}" in runs[0] and "text=Shalom " in runs[0]
    assert f"fontfile={DEJAVU_SANS}" in runs[1] and f"text={HEBREW}:" in runs[1]
    # The filter parser would drop the run's leading space: it is in the run's offset instead.
    assert f"fontfile={SERIF}" in runs[2] and "text=friends:" in runs[2]
    size = ag.layout_for(W, H, default_safe(W, H)).title_size
    offsets = [float(r.split(":x=")[1].split(":")[0].rsplit("+", 1)[1]) for r in runs]
    hebrew, space = fonts.pillow_font(str(DEJAVU_SANS), size), fonts.pillow_font(str(SERIF), size)
    after = hebrew.getlength(HEBREW) + space.getlength(" ")
    assert offsets[2] == pytest.approx(offsets[1] + after, abs=0.11)
    assert all("-ascent" in r for r in runs)  # each run's own ascent off a shared baseline
    # A line the font draws whole stays one drawtext centred by ffmpeg.
    assert _title_graph("Shalom", font=SERIF, fallback=fallback).filter.count("x=(w-text_w)/2") == 1


def test_picture_fallbacks_prefer_the_bundled_font_then_a_system_font(system_sans: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.ttf"  # a brand font with Latin letters and digits only
    subset.main([str(SERIF), "--unicodes=U+0020-007E", f"--output-file={latin}"])
    found = picture_fallbacks(f"Жанна {HEBREW}", latin)
    assert {found[c] for c in "Жанна"} == {fonts.font_file("bold")}  # Source Sans Pro has Cyrillic
    assert {found[c] for c in HEBREW} == {system_sans / DEJAVU_SANS.name}  # only DejaVu Sans has Hebrew
    assert picture_fallbacks("Plain words", latin) == {}


# --- rendered frames ------------------------------------------------------------------------------


def test_the_rendered_title_is_in_the_brand_font(sound: Path, tmp_path: Path) -> None:
    title = "Brand fonts matter"
    branded_spec = _spec(sound, title=title, brand=BrandLook(font=str(SERIF)))
    assert f"fontfile={SERIF}" in make_picture(branded_spec, 0.0, 3.0).filter
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    frames = []
    for spec in (branded_spec, replace(branded_spec, brand=None)):
        with Image.open(io.BytesIO(render_frame(spec, 1.0, settings, tmp_path))) as im:
            frames.append(np.asarray(im.convert("RGB")).astype(np.int16))
    preset = branded_spec.preset
    lay = ag.layout_for(preset.width, preset.height, preset.safe)
    band = slice(lay.title_y - 4, lay.title_y + round(lay.title_size * 1.4))
    branded, plain = (f[band] for f in frames)
    assert (np.abs(branded - plain).max(axis=2) > 100).sum() > 1000  # different letters
    # The ink is as wide as the brand font sets the title, not as wide as the bundled font does.
    want = {
        path: fonts.pillow_font(str(path), lay.title_size).getbbox(title) for path in (SERIF, fonts.font_file("bold"))
    }
    for frame_band, path in ((branded, SERIF), (plain, fonts.font_file("bold"))):
        first, last = _ink_columns(frame_band)
        other = next(p for p in want if p != path)
        width = last - first + 1
        assert abs(width - (want[path][2] - want[path][0])) < abs(width - (want[other][2] - want[other][0])) / 4


def test_characters_the_brand_font_lacks_are_drawn_in_the_fallback(sound: Path, system_sans: Path) -> None:
    fallback = dict.fromkeys(HEBREW, DEJAVU_SANS)
    via_fallback = _title_band(_still(sound, _title_graph(HEBREW, font=SERIF, fallback=fallback)))
    in_sans = _title_band(_still(sound, _title_graph(HEBREW, font=DEJAVU_SANS)))
    boxes = _title_band(_still(sound, _title_graph(HEBREW, font=SERIF)))  # no fallback: .notdef boxes
    near, far = _mismatch(via_fallback, in_sans), _mismatch(via_fallback, boxes)
    assert near < 0.15 and far > 0.5, (near, far)  # the letters themselves, not empty boxes
    # Through the render: the brand spec finds DejaVu Sans for the Hebrew of its title itself.
    spec = _spec(sound, title=f"Shalom {HEBREW}", brand=BrandLook(font=str(SERIF)))
    picture = make_picture(spec, 0.0, 3.0).filter
    assert f"fontfile={system_sans / DEJAVU_SANS.name}" in picture and f"text={HEBREW}" in picture
    assert glyphs.missing_chars(spec.title or "", SERIF) == tuple(HEBREW)


def _two(font: Path | None) -> list[Badge]:
    return [Badge("Ann Lee", "#3DDCFF", font=font), Badge("Bob Roy", "#FFD400", font=font)]


def test_badges_are_drawn_in_the_brand_font_and_redrawn_when_it_changes(tmp_path: Path) -> None:
    slots = badge_slots(2, W, H, default_safe(W, H))
    font = tmp_path / "brand.ttf"
    shutil.copy(SERIF, font)
    plain = badge_images([Badge("Ann Lee", "#3DDCFF"), Badge("Bob Roy", "#FFD400")], slots, W, H)
    branded = badge_images(
        [Badge("Ann Lee", "#3DDCFF", font=font), Badge("Bob Roy", "#FFD400", font=font)], slots, W, H
    )
    assert branded.sheet != plain.sheet and branded.lit != plain.lit

    def pixels(path: Path) -> np.ndarray:
        with Image.open(path) as im:
            return np.asarray(im.convert("RGBA")).astype(np.int16)

    assert (np.abs(pixels(branded.lit[0]) - pixels(plain.lit[0])).max(axis=2) > 100).sum() > 200
    # A new font file under the same name: drawn again, not taken from the cache.
    shutil.copy(SANS_BOLD, font)
    again = badge_images(_two(font), slots, W, H)
    assert again.sheet != branded.sheet
    assert (np.abs(pixels(again.lit[0]) - pixels(branded.lit[0])).max(axis=2) > 100).sum() > 200


def _pngs(picture: object) -> set[Path]:
    return {Path(args[-1].removeprefix("file:")) for args in picture.extra_inputs}  # type: ignore[attr-defined]


def test_the_render_gives_the_badges_the_brand_font(sound: Path, system_sans: Path) -> None:
    spec = _spec(sound, title="", brand=BrandLook(font=str(SERIF)), badges=True)
    branded, plain = _pngs(make_picture(spec, 0.0, 3.0)), _pngs(make_picture(replace(spec, brand=None), 0.0, 3.0))
    # Sheet, two lit badges and two halos; only the halos (no text) are the same pictures.
    assert len(branded) == len(plain) == 5 and len(branded & plain) == 2
    # A name with Hebrew: the badge draws it from DejaVu Sans (found by the render), no error.
    assert spec.transcript is not None
    who = (Speaker("Speaker 1", f"Ann {HEBREW}"), Speaker("Speaker 2", "Bob Roy"))
    segments = tuple(
        replace(s, speaker=f"Ann {HEBREW}") if s.speaker == "Ann Lee" else s for s in spec.transcript.segments
    )
    hebrew = replace(spec, transcript=replace(spec.transcript, speakers=who, segments=segments))
    assert len(_pngs(make_picture(hebrew, 0.0, 3.0)) - branded) == 3  # the sheet and both lit badges


# --- the export note ------------------------------------------------------------------------------


def test_an_export_names_the_characters_the_brand_font_lacks(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, tmp_path: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    source = make_talk_video(tmp_path / "talk.mp4", seconds=5.0)
    _, clip_id = _ready_clip(database, settings, owner, source, start=0.6, end=4.1)
    with database.session() as db:
        clip = db.get(Clip, clip_id)
        assert clip is not None
        clip.title = f"Shalom {HEBREW} friends"
    saved = client.put("/api/brand", json={"enabled": True, "background": "#111827", "text_color": "#FFFFFF",
                                           "accent": "#F59E0B", "logo_position": "top-right", "logo_scale": 0.16,
                                           "logo_opacity": 0.9, "intro": {"enabled": False, "seconds": 2},
                                           "outro": {"enabled": False, "seconds": 2}, "version": 0})  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert client.put("/api/brand/font", content=SERIF.read_bytes()).status_code == 200
    created = client.post(f"/api/clips/{clip_id}/exports", json={"platform": "tiktok"})
    assert created.status_code == 202, created.text
    note = created.json()["export"]["settings"]["font_note"]
    named = ", ".join(f"{c} (U+{ord(c):04X})" for c in HEBREW)
    assert note.startswith(f"DejaVu Serif cannot draw {named} in this clip's captions"), note
    assert "upload a font that has them" in note
    again = client.get(f"/api/exports/{created.json()['export']['id']}").json()
    assert again["settings"]["font_note"] == note
    # A font that has every character: the note says nothing.
    assert client.put("/api/brand/font", content=DEJAVU_SANS.read_bytes()).status_code == 200
    covered = client.post(f"/api/clips/{clip_id}/exports", json={"platform": "tiktok"}).json()
    assert covered["export"]["settings"]["font_note"] is None
