"""The render snapshot an export stores, and the one step from a snapshot to a ClipSpec."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from spaceclip.errors import UserError
from spaceclip.services.edit.cuts import Cut, CutList
from spaceclip.services.media.probe import AudioStream, MediaInfo, VideoStream
from spaceclip.services.render.brand import BrandLook, Card
from spaceclip.services.render.presets import PRESETS
from spaceclip.services.render.spec import RenderSnapshot, clip_spec

SNAP = RenderSnapshot(
    platform="tiktok",
    start=1.5,
    end=9.25,
    title="Why small shops win",
    caption_style="pop",
    audiogram_style=None,
    speaker_colors=True,
)


def test_snapshot_round_trips_through_the_stored_json() -> None:
    data = SNAP.to_dict()
    # The keys (and their order) the export rows have always held, and the cuts since they came.
    assert list(data)[:8] == [
        "platform", "start", "end", "title", "caption_style", "audiogram_style", "speaker_colors", "cuts"
    ]  # fmt: skip
    # Later keys (brand kit, layout, the look choices) follow them; rows without them read as before.
    assert RenderSnapshot.from_dict(data) == SNAP
    cut = replace(SNAP, cuts=CutList(SNAP.start, SNAP.end, (Cut(SNAP.start + 1.0, SNAP.start + 1.5, "filler"),)))
    assert RenderSnapshot.from_dict(cut.to_dict()) == cut


def test_snapshot_keeps_the_brand_kit() -> None:
    assert SNAP.to_dict()["brand"] is None
    branded = replace(SNAP, brand=BrandLook(logo="brand/u/logo.png", intro=Card("Hi", 2.0)))
    assert branded.to_dict()["brand"]["intro"] == {"title": "Hi", "seconds": 2.0}
    assert RenderSnapshot.from_dict(branded.to_dict()) == branded


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        # A finished export: the render added how it framed the picture.
        (SNAP.to_dict() | {"layout": "crop:track"}, SNAP),
        # Only the range and the platform: no captions, the source's picture, one caption colour.
        (
            {"platform": "x", "start": 0, "end": "4.5"},
            RenderSnapshot("x", 0.0, 4.5, title=None, caption_style=None, audiogram_style=None, speaker_colors=False),
        ),
    ],
)
def test_snapshot_reads_rows_written_by_older_code(stored: dict[str, Any], expected: RenderSnapshot) -> None:
    assert RenderSnapshot.from_dict(stored) == expected


def test_snapshot_needs_the_range_and_the_platform() -> None:
    with pytest.raises(KeyError):
        RenderSnapshot.from_dict({"platform": "tiktok", "start": 1.0})


def _info(*, has_video: bool) -> MediaInfo:
    video = (VideoStream(index=0, codec="h264", width=1280, height=720),) if has_video else ()
    audio = (AudioStream(index=len(video), codec="aac", sample_rate=48_000, channels=2),)
    return MediaInfo("mov,mp4,m4a", "QuickTime / MOV", 12.0, 1000, video=video, audio=audio)


def test_clip_spec_takes_every_choice_of_the_snapshot(tmp_path: Path) -> None:
    source, audio = tmp_path / "talk.mp4", tmp_path / "audio.wav"
    spec = clip_spec(SNAP, source=source, info=_info(has_video=True), transcript=None, audio_path=audio)
    assert spec.preset is PRESETS["tiktok"]
    assert (spec.source, spec.start, spec.end, spec.audio_path) == (source, 1.5, 9.25, audio)
    assert (spec.title, spec.caption_style, spec.audiogram_style, spec.speaker_colors) == (
        "Why small shops win",
        "pop",
        None,
        True,
    )
    assert not spec.is_audiogram


def test_clip_spec_of_an_untitled_audio_only_snapshot(tmp_path: Path) -> None:
    snap = RenderSnapshot.from_dict({"platform": "x", "start": 0, "end": 3, "title": ""})
    spec = clip_spec(snap, source=tmp_path / "talk.m4a", info=_info(has_video=False), transcript=None)
    assert spec.title is None and spec.audio_path is None and spec.caption_style is None
    assert spec.is_audiogram and spec.style_of_audiogram == "bars"


def test_clip_spec_refuses_an_unknown_platform(tmp_path: Path) -> None:
    snap = RenderSnapshot.from_dict({"platform": "myspace", "start": 0, "end": 3})
    with pytest.raises(UserError, match="tiktok"):
        clip_spec(snap, source=tmp_path / "a.mp4", info=_info(has_video=True), transcript=None)
