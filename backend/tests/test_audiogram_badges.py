"""Speaker badges: initials and slots as tables, the pictures, and a rendered three-voice audiogram
whose lit badge follows the true speaker (frames decoded, see tests/badge_frames.py)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from spaceclip.config import Settings
from spaceclip.errors import GlyphsMissing
from spaceclip.services.media.probe import probe_media
from spaceclip.services.render import audiogram as ag
from spaceclip.services.render import fonts, glyphs
from spaceclip.services.render.audiogram.badges import Badge, badge_images, badge_slots, initials, pick_badges
from spaceclip.services.render.audiogram.layout import default_safe
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.render import make_picture, render_frame
from spaceclip.services.render.spec import ClipSpec
from spaceclip.services.speech.transcript import Speaker, Transcript, VoiceTurn
from tests.badge_frames import measure, turn_segments
from tests.conversations import MixedConversation, build_conversation


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", "AL"),
        ("Speaker 3", "S3"),
        ("joe", "J"),
        ("  ", "?"),
        ("Jean-Luc Picard", "JP"),
        ("Øyvind", "Ø"),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


@pytest.mark.parametrize(("count", "size"), [(1, (1080, 1920)), (2, (1080, 1920)), (3, (1080, 1920)),
                                             (4, (1080, 1920)), (3, (1920, 1080)), (4, (1080, 1080))])  # fmt: skip
def test_slots_stay_in_the_safe_area_and_apart(count: int, size: tuple[int, int]) -> None:
    w, h = size
    safe = default_safe(w, h)
    slots = badge_slots(count, w, h, safe)
    assert len(slots) == count
    for s in slots:
        assert safe.left <= s.x and s.x + s.d <= w - safe.right
        assert safe.top <= s.y and s.name_y + s.name_size <= h - safe.bottom
        assert s.d >= 0.08 * min(w, h)
    for i, a in enumerate(slots):
        for b in slots[i + 1 :]:
            assert ((a.cx - b.cx) ** 2 + (a.cy - b.cy) ** 2) ** 0.5 >= 1.4 * a.d  # discs and halos apart


def test_tall_frames_stack_three_badges_in_two_rows() -> None:
    slots = badge_slots(3, 1080, 1920, default_safe(1080, 1920))
    assert slots[0].cy == slots[1].cy < slots[2].cy
    assert len({s.cy for s in badge_slots(3, 1920, 1080, default_safe(1920, 1080))}) == 1


def test_pick_badges_keeps_the_four_who_talk_most() -> None:
    badges = [Badge(n, "#FFFFFF") for n in "ABCDE"]
    turns = {"A": [(0.0, 1.0)], "B": [(1.0, 5.0)], "C": [(5.0, 6.0)], "D": [(6.0, 9.0)], "E": [(9.0, 9.5)]}
    assert [b.name for b in pick_badges(badges, turns)] == ["A", "B", "C", "D"]
    assert [b.name for b in pick_badges(badges[:3], {"B": [(0.0, 1.0)]})] == ["A", "B", "C"]  # a preview's window


def test_badge_pictures_lit_brighter_than_dim_and_photo_used(tmp_path: Path) -> None:
    photo = tmp_path / "face.png"
    Image.new("RGB", (300, 200), (200, 40, 40)).save(photo)
    badges = [Badge("Ada Lovelace", "#3DDCFF"), Badge("Bob", "#FFD400", photo)]
    slots = badge_slots(2, 540, 960, default_safe(540, 960))
    images = badge_images(badges, slots, 540, 960)
    with Image.open(images.sheet) as sheet:
        assert sheet.size == (540, 960)
        dim = sheet.convert("RGB").getpixel((slots[1].cx, slots[1].cy + slots[1].d // 4))
    with Image.open(images.lit[1]) as lit:
        x, y = images.lit_at[1]
        bright = lit.convert("RGB").getpixel((slots[1].cx - x, slots[1].cy + slots[1].d // 4 - y))
    assert bright[0] > 180 and bright[1] < 80  # the photo's red, at full strength
    assert dim[0] < 0.5 * bright[0]
    assert badge_images(badges, slots, 540, 960) == images  # cached by content


def test_graph_has_a_badge_overlay_per_speaker_and_no_name_line() -> None:
    track = [(0.0, 1.0, "Ann"), (1.0, 2.0, "Bob"), (2.0, 3.0, "Cy")]
    badges = [Badge(n, "#FFD400") for n in ("Ann", "Bob", "Cy")]
    graph = ag.audiogram_graph("radial", width=540, height=960, fps=15, speaker_track=track, badges=badges)
    assert len(graph.extra_inputs) == 1 + 2 * 3
    assert "drawtext" not in graph.filter and graph.filter.count("alphamerge") == 3
    assert graph.filter.count("asplit=2") == 1


@pytest.fixture(scope="module")
def conversation(tmp_path_factory: pytest.TempPathFactory) -> MixedConversation:
    return build_conversation("studio_three", tmp_path_factory.mktemp("badges"))


@pytest.mark.parametrize("style", ["bars", "radial"])
def test_lit_badge_follows_the_true_speaker(conversation: MixedConversation, tmp_path: Path, style: str) -> None:
    score = measure(conversation, tmp_path, style=style, preset=get_preset("tiktok"))
    assert score.frames > 500
    assert score.accuracy >= 0.95, f"{style}: {score.right}/{score.frames} frames"
    assert score.silent_lit <= 0.05 * score.silent_frames
    if style == "bars":  # the halo pulses with the voice (the radial ring draws over the halo)
        assert score.pulse >= 0.4, score.pulse


def _spec(conv: MixedConversation, **kwargs: object) -> ClipSpec:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    names = conv.speakers
    transcript = Transcript(duration=conv.duration, language="en", speakers=tuple(Speaker(n) for n in names),
                            segments=tuple(turn_segments(conv)))  # fmt: skip
    args: dict[str, Any] = {"source": conv.wav, "info": probe_media(conv.wav, settings), "start": 0.0, "end": 6.0,
                            "preset": get_preset("tiktok"), "transcript": transcript, "caption_style": None,
                            "audiogram_style": "bars", "speaker_badges": True} | kwargs  # fmt: skip
    return ClipSpec(**args)


def test_a_speakers_photo_fills_their_badge(conversation: MixedConversation, tmp_path: Path) -> None:
    photo = tmp_path / "joe.png"
    Image.new("RGB", (64, 64), (220, 20, 20)).save(photo)
    first = conversation.turns[0]
    spec = _spec(conversation, speaker_photos={first.speaker: photo})
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    png = render_frame(spec, (first.start + first.end) / 2, settings, tmp_path)
    preset = spec.preset
    slots = badge_slots(3, preset.width, preset.height, preset.safe)
    index = conversation.speakers.index(first.speaker)
    with Image.open(io.BytesIO(png)) as im:
        rgb = im.convert("RGB")
        r, g, b = rgb.getpixel((slots[index].cx, slots[index].cy + slots[index].d // 4))
        others = [rgb.getpixel((s.cx, s.cy + s.d // 4)) for k, s in enumerate(slots) if k != index]
    assert r > 170 and g < 70 and b < 70  # the photo, lit
    assert all(sum(o) < 0.6 * 255 * 3 for o in others)  # the other two dim


def test_badges_light_from_the_voice_turns_over_the_words(conversation: MixedConversation, tmp_path: Path) -> None:
    """The transcript's segments all say the first speaker; its voice turns say who truly talks.
    The badge lit in a frame in the middle of each of three turns is that turn's speaker."""
    first = conversation.turns[0].speaker
    segments = tuple(replace(s, speaker=first) for s in turn_segments(conversation))
    voices = tuple(VoiceTurn(t.start, t.end, t.speaker) for t in conversation.turns)
    names = tuple(Speaker(n) for n in conversation.speakers)
    transcript = Transcript(conversation.duration, "en", speakers=names, segments=segments, turns=voices)
    spec = _spec(conversation, transcript=transcript, end=conversation.duration)
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    slots = badge_slots(3, spec.preset.width, spec.preset.height, spec.preset.safe)
    picked = [
        next(t for t in conversation.turns if t.speaker == n and t.end - t.start > 0.8) for n in conversation.speakers
    ]
    for turn in picked:
        frame = render_frame(spec, (turn.start + turn.end) / 2, settings, tmp_path)
        with Image.open(io.BytesIO(frame)) as im:
            grey = np.asarray(im.convert("L"), dtype=np.float32)
        yy, xx = np.mgrid[0 : grey.shape[0], 0 : grey.shape[1]]
        level = [float(grey[(xx - s.cx) ** 2 + (yy - s.cy) ** 2 <= (0.3 * s.d) ** 2].mean()) for s in slots]
        lit = int(np.argmax(level))
        assert conversation.speakers[lit] == turn.speaker, (turn, level)
        assert sorted(level)[-2] < 0.6 * level[lit]  # the others dim


def test_badge_names_no_font_draws_are_refused_before_rendering(conversation: MixedConversation) -> None:
    spec = _spec(conversation)
    assert spec.transcript is not None
    who = (Speaker(conversation.speakers[0], "Ann \U0010fffd"),)
    odd = Transcript(duration=spec.transcript.duration, language="en", speakers=who, segments=spec.transcript.segments)
    with pytest.raises(GlyphsMissing, match=r"names on the badges.*U\+10FFFD.*Rename the speaker"):
        make_picture(replace(spec, transcript=odd), 0.0, 6.0)


def test_badge_names_outside_the_bundled_font_are_drawn_from_a_system_font(conversation: MixedConversation) -> None:
    spec = _spec(conversation)
    assert spec.transcript is not None
    georgian = "ნინო"  # not in Source Sans Pro; DejaVu Sans has it
    who = (Speaker(conversation.speakers[0], georgian),)
    named = Transcript(
        duration=spec.transcript.duration, language="en", speakers=who, segments=spec.transcript.segments
    )
    missing = glyphs.missing_chars(georgian, fonts.font_file("bold"))
    drawn, undrawn = glyphs.assign_fallbacks(missing, glyphs.system_fonts(timeout_s=30))
    picture = make_picture(replace(spec, transcript=named), 0.0, 6.0)  # no error: some installed font draws it
    assert not undrawn and set(drawn) == set(missing) and picture.layout == "audiogram:bars"


def test_a_badge_silent_in_the_stretch_still_has_its_pictures_consumed() -> None:
    badges = [Badge(n, "#FFD400") for n in ("Ann", "Bob")]
    graph = ag.audiogram_graph("bars", width=540, height=960, fps=15, speaker_track=[(0.0, 1.0, "Ann")], badges=badges)
    used = {int(m) for m in re.findall(r"\[(\d+):v\]", graph.filter)}
    assert used == set(range(1, 1 + len(graph.extra_inputs)))  # every looped picture is read
