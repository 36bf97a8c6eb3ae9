"""Each platform's published limits on a post's text, with their sources, and how each counts.

Counting differs: TikTok counts UTF-16 code units ("runes" in its API), Instagram, YouTube and
LinkedIn count characters (code points), X weighs them (most Latin text 1, CJK and emoji 2, every
URL 23; :func:`x_weight`). The limits apply to the text as posted, hashtags included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["POST_LIMITS", "PostLimits", "count", "post_limits", "x_weight"]

Counting = Literal["chars", "utf16", "x"]


@dataclass(frozen=True, slots=True)
class PostLimits:
    """The text one platform takes with a video."""

    platform: str  # the family: tiktok, instagram, youtube, linkedin, x
    caption_chars: int
    counting: Counting
    source: str
    #: YouTube's video title (the clip's title goes there, the caption into the description).
    title_chars: int | None = None
    #: Hashtags beyond this are refused (Instagram) or make the platform ignore them all (YouTube).
    max_hashtags: int | None = None
    #: How many hashtags read well on the platform (fewer are used when the text is long).
    hashtags: int = 3


POST_LIMITS: dict[str, PostLimits] = {
    "tiktok": PostLimits(
        "tiktok", 2200, "utf16", hashtags=5,
        source="TikTok Content Posting API, post_info.title: at most 2200 UTF-16 runes "
        "(https://developers.tiktok.com/doc/content-posting-api-reference-direct-post)",
    ),
    "instagram": PostLimits(
        "instagram", 2200, "chars", max_hashtags=30, hashtags=5,
        source="Instagram Graph API, IG User Media caption: at most 2200 characters, 30 hashtags and 20 @ tags "
        "(https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media)",
    ),
    "youtube": PostLimits(
        "youtube", 5000, "chars", title_chars=100, max_hashtags=60, hashtags=3,
        source="YouTube Data API, videos snippet.title at most 100 characters, snippet.description at most 5000 "
        "bytes (https://developers.google.com/youtube/v3/docs/videos); more than 60 hashtags and YouTube ignores "
        "them all (https://support.google.com/youtube/answer/6390658)",
    ),
    "linkedin": PostLimits(
        "linkedin", 3000, "chars", hashtags=3,
        source="LinkedIn Posts API, commentary: at most 3000 characters "
        "(https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api)",
    ),
    "x": PostLimits(
        "x", 280, "x", hashtags=2,
        source="X: 280 weighted characters, URLs 23, CJK and emoji 2 (https://docs.x.com/resources/fundamentals/"
        "counting-characters)",
    ),
}  # fmt: skip

_FAMILY = {
    "tiktok": "tiktok",
    "instagram_reels": "instagram",
    "instagram_feed": "instagram",
    "youtube_shorts": "youtube",
    "linkedin_square": "linkedin",
    "linkedin_landscape": "linkedin",
    "x": "x",
}


def post_limits(preset_key: str) -> PostLimits:
    """The post limits for a render preset's platform (KeyError for an unknown preset)."""
    return POST_LIMITS[_FAMILY[preset_key]]


_URL = re.compile(r"https?://\S+")
#: twitter-text v3: code points in these ranges weigh 1, every other weighs 2.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def x_weight(text: str) -> int:
    """X's weighted length: each URL 23, code points in the light ranges 1, the rest 2."""
    total = 0
    rest = text
    for url in _URL.findall(text):
        total += 23
        rest = rest.replace(url, "", 1)
    for ch in rest:
        cp = ord(ch)
        total += 1 if any(lo <= cp <= hi for lo, hi in _LIGHT) else 2
    return total


def count(text: str, counting: Counting) -> int:
    """``text``'s length as the platform counts it."""
    if counting == "utf16":
        return len(text.encode("utf-16-le")) // 2
    if counting == "x":
        return x_weight(text)
    return len(text)
