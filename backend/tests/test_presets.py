"""Platform presets as data and the encoder arguments they imply."""

from __future__ import annotations

import pytest

from spaceclip.errors import UserError
from spaceclip.services.render import presets
from spaceclip.services.render.presets import (
    PRESETS,
    Preset,
    SafeArea,
    encoder_args,
    get_preset,
    video_bitrate_for,
)

EXPECTED_KEYS = {
    "instagram_reels",
    "instagram_feed",
    "tiktok",
    "youtube_shorts",
    "linkedin_square",
    "linkedin_landscape",
    "x",
}


# --- presets as data -----------------------------------------------------------------------------


def test_preset_keys_are_the_contracts() -> None:
    assert set(PRESETS) == EXPECTED_KEYS
    for key, preset in PRESETS.items():
        assert preset.key == key


@pytest.mark.parametrize(
    ("key", "size", "aspect"),
    [
        ("instagram_reels", (1080, 1920), "9:16"),
        ("instagram_feed", (1080, 1350), "4:5"),
        ("tiktok", (1080, 1920), "9:16"),
        ("youtube_shorts", (1080, 1920), "9:16"),
        ("linkedin_square", (1080, 1080), "1:1"),
        ("linkedin_landscape", (1920, 1080), "16:9"),
        ("x", (720, 1280), "9:16"),
    ],
)
def test_preset_frames(key: str, size: tuple[int, int], aspect: str) -> None:
    preset = PRESETS[key]
    assert (preset.width, preset.height) == size
    assert preset.aspect == aspect


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_preset_invariants(preset: Preset) -> None:
    x0, y0, x1, y1 = preset.safe.box(preset.width, preset.height)
    # The uncovered area is a real rectangle holding at least half of each side.
    assert x1 - x0 >= preset.width // 2
    assert y1 - y0 >= preset.height // 3
    assert 0 < preset.min_duration < preset.max_duration
    assert preset.video_bitrate <= preset.max_bitrate
    assert (preset.fps, preset.video_codec, preset.profile, preset.pix_fmt) == (30, "h264", "high", "yuv420p")
    assert (preset.audio_codec, preset.audio_rate, preset.faststart) == ("aac", 48_000, True)
    assert preset.gop_frames == 60
    data = preset.to_dict()
    assert data["key"] == preset.key and data["safe"] == preset.safe.to_dict()


def test_platform_limits_follow_the_safer_source_values() -> None:
    assert PRESETS["youtube_shorts"].max_duration == 180
    assert PRESETS["instagram_reels"].max_size_bytes == 300_000_000  # "300 MB or 1 GB"
    assert PRESETS["tiktok"].safe.top == 250 and PRESETS["tiktok"].safe.bottom == 460  # "150-250", "320-460"
    assert PRESETS["instagram_reels"].safe == SafeArea(top=270, bottom=670, left=65, right=65)


def test_get_preset_unknown_lists_the_valid_keys() -> None:
    assert get_preset("tiktok") is PRESETS["tiktok"]
    with pytest.raises(UserError) as err:
        get_preset("myspace")
    for key in EXPECTED_KEYS:
        assert key in err.value.user_message


@pytest.mark.parametrize(
    ("key", "duration", "expected"),
    [
        ("instagram_reels", None, (8_000_000, 12_000_000)),
        ("instagram_reels", 60.0, (8_000_000, 12_000_000)),
        # 300 MB over 15 minutes: 0.9 * 300e6 * 8 / 900 - 128k = 2.272 Mbps
        ("instagram_reels", 900.0, (2_272_000, 2_272_000)),
        ("x", 30.0, (4_000_000, 5_000_000)),
        ("linkedin_square", 1800.0, (1_872_000, 1_872_000)),
        # absurdly long: never below the floor (the size check then tells the user)
        ("instagram_reels", 1e7, (presets.MIN_VIDEO_BITRATE, presets.MIN_VIDEO_BITRATE)),
    ],
)
def test_video_bitrate_keeps_long_clips_under_the_size_limit(
    key: str, duration: float | None, expected: tuple[int, int]
) -> None:
    assert video_bitrate_for(PRESETS[key], duration) == expected


def test_encoder_args_carry_the_recipe() -> None:
    args = encoder_args(PRESETS["tiktok"])

    def value(flag: str) -> str:
        return args[args.index(flag) + 1]

    assert value("-c:v") == "libx264" and value("-profile:v") == "high" and value("-pix_fmt") == "yuv420p"
    assert value("-r") == "30" and value("-fps_mode") == "cfr" and value("-g") == "60"
    assert value("-sc_threshold") == "0" and value("-flags") == "+cgop"
    assert value("-maxrate") == "12000000" and value("-c:a") == "aac" and value("-profile:a") == "aac_low"
    assert value("-ar") == "48000" and value("-movflags") == "+faststart"
    long = encoder_args(PRESETS["instagram_reels"], duration_s=900.0)
    assert long[long.index("-maxrate") + 1] == "2272000"
    assert long[long.index("-bufsize") + 1] == "4544000"
