"""The keys a request may name for a platform preset, a caption style and an audiogram style.

They are enums so that the OpenAPI schema lists them: a client generated from it cannot send a key
the API refuses. The presets and styles themselves live in the pipeline
(``services/render/presets.PRESETS``, ``captions.styles.CAPTION_STYLES``,
``audiogram.AUDIOGRAM_STYLES``); ``tests/test_render_keys.py`` fails when these lists and those
tables differ.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AudiogramStyleKey", "CaptionStyleKey", "PlatformKey"]


class PlatformKey(StrEnum):
    instagram_reels = "instagram_reels"
    instagram_feed = "instagram_feed"
    tiktok = "tiktok"
    youtube_shorts = "youtube_shorts"
    linkedin_square = "linkedin_square"
    linkedin_landscape = "linkedin_landscape"
    x = "x"


class CaptionStyleKey(StrEnum):
    karaoke = "karaoke"
    pop = "pop"
    subtitle = "subtitle"
    boxed = "boxed"


class AudiogramStyleKey(StrEnum):
    bars = "bars"
    wave = "wave"
    radial = "radial"
