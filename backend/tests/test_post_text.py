"""Post text per platform: counting as each platform counts, and every post inside its limit (tables)."""

from __future__ import annotations

import pytest

from spaceclip.services.publish.limits import POST_LIMITS, count, post_limits, x_weight
from spaceclip.services.publish.post_text import PostInput, hashtag, post_text
from spaceclip.services.render.presets import PRESETS


@pytest.mark.parametrize(
    ("text", "chars", "utf16", "x"),
    [
        ("hello", 5, 5, 5),
        ("café", 4, 4, 4),
        ("🎙️ on air", 9, 10, 11),  # U+1F399: two UTF-16 units, weight 2 on X; the variation selector U+FE0F: 2
        ("日本語", 3, 3, 6),
        ("see https://example.com/a/very/long/path/to/an/episode now", 58, 58, 31),  # a URL weighs 23
    ],
)
def test_counting(text: str, chars: int, utf16: int, x: int) -> None:
    assert count(text, "chars") == chars
    assert count(text, "utf16") == utf16
    assert x_weight(text) == x


@pytest.mark.parametrize(
    ("word", "tag"),
    [("pricing", "#Pricing"), ("side hustle", "#SideHustle"), ("#money", "#Money"), ("co-op", "#CoOp"), ("!!", "")],
)
def test_hashtag(word: str, tag: str) -> None:
    assert hashtag(word) == tag


LONG = PostInput(
    title="Why paying the smallest debt first works better than the maths says it should, for most people, "
    "and what one client with six credit cards taught a financial planner about motivation",
    hook="Paying the smallest debt first is mathematically wrong. It still works.",
    description=" ".join(["One client owed money on six cards and cleared the smallest first."] * 80),
    hashtags=[f"tag{i}" for i in range(40)],
)


def test_every_preset_has_cited_limits() -> None:
    for key in PRESETS:
        limits = post_limits(key)
        assert "https://" in limits.source and limits.caption_chars > 0


@pytest.mark.parametrize("platform", sorted(POST_LIMITS))
def test_a_long_post_is_cut_to_fit(platform: str) -> None:
    limits = POST_LIMITS[platform]
    post = post_text(LONG, limits)
    assert post.length == count(post.text, limits.counting) <= limits.caption_chars
    assert post.text.startswith(post.hook) and post.hook == LONG.hook  # the hook survives
    assert len(post.hashtags) <= min(limits.hashtags, limits.max_hashtags or 99)
    assert post.caption.endswith("…")  # the description was cut at a word
    if limits.title_chars:
        assert post.title and len(post.title) <= limits.title_chars and post.title.endswith("…")


def test_x_keeps_the_hook_and_drops_what_does_not_fit() -> None:
    post = post_text(LONG, POST_LIMITS["x"])
    assert post.length <= 280
    assert post.hashtags  # two short tags still fit beside a cut caption


def test_a_short_post_is_left_whole() -> None:
    item = PostInput(title="T", hook="A hook.", description="What was said.", hashtags=["money", "debt", "money"])
    post = post_text(item, POST_LIMITS["tiktok"])
    assert post.text == "A hook.\n\nWhat was said.\n\n#Money #Debt"
    assert post.length == len(post.text) and post.title is None


def test_a_description_equal_to_the_hook_is_not_repeated() -> None:
    item = PostInput(title="T", hook="Same line.", description="same line.", hashtags=[])
    assert post_text(item, POST_LIMITS["linkedin"]).text == "Same line."
