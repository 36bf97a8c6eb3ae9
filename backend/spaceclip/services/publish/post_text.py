"""A clip's post text for one platform: a hook, a caption and hashtags, inside the platform's limits.

:func:`post_text` is pure: it takes what the highlight finder (or the LLM) wrote for the clip and
fits it to :class:`~.limits.PostLimits`, shortening in this order until it fits — hashtags beyond
the platform's count, the description (cut at a word, with an ellipsis), more hashtags, the hook.
The result says its length as the platform counts it and the limit, so the UI can show both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spaceclip.services.publish.limits import PostLimits, count

__all__ = ["PostInput", "PostText", "hashtag", "post_text"]

_TAG = re.compile(r"[^\w]+", re.UNICODE)


def hashtag(word: str) -> str:
    """``#CamelCase`` of a keyword or phrase ("" when nothing is left of it)."""
    parts = [p for p in _TAG.split(word.lstrip("#")) if p]
    joined = "".join(p[:1].upper() + p[1:] for p in parts)
    return f"#{joined}" if joined else ""


@dataclass(frozen=True, slots=True)
class PostInput:
    """What is known about the clip: its title, a hook line, a description and keywords/hashtags."""

    title: str
    hook: str
    description: str
    hashtags: Sequence[str]


@dataclass(frozen=True, slots=True)
class PostText:
    """The text to paste, its parts, and its length as the platform counts it."""

    platform: str
    text: str
    hook: str
    caption: str
    hashtags: tuple[str, ...]
    title: str | None
    length: int
    limit: int
    source: str


def _cut(text: str, budget: int, counting: str) -> str:
    """``text`` cut at a word so that it and an ellipsis fit ``budget`` (counted as the platform does)."""
    if count(text, counting) <= budget:  # type: ignore[arg-type]
        return text
    words = text.split()
    while words and count(" ".join(words) + "…", counting) > budget:  # type: ignore[arg-type]
        words.pop()
    return (" ".join(words).rstrip(",;:—- ") + "…") if words else ""


def _plain(text: str) -> str:
    return " ".join(_TAG.split(text.lower())).strip()


def _join(hook: str, caption: str, tags: Sequence[str]) -> str:
    parts = [p for p in (hook.strip(), caption.strip(), " ".join(tags)) if p]
    return "\n\n".join(parts)


def post_text(item: PostInput, limits: PostLimits) -> PostText:
    """The post for ``limits``' platform, as long as it may be and no longer."""
    tags: list[str] = []
    for raw in item.hashtags:
        tag = hashtag(raw)
        if tag and tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
    tags = tags[: min(limits.hashtags, limits.max_hashtags or limits.hashtags)]
    hook = " ".join(item.hook.split())
    caption = " ".join(item.description.split())
    if _plain(caption) == _plain(hook):
        caption = ""
    c = limits.counting
    limit = limits.caption_chars

    def size(h: str, cap: str, t: Sequence[str]) -> int:
        return count(_join(h, cap, t), c)

    if size(hook, caption, tags) > limit:
        fixed = size(hook, "", tags) + (2 if hook or tags else 0)
        caption = _cut(caption, max(0, limit - fixed), c)
    while tags and size(hook, caption, tags) > limit:
        tags.pop()
    if size(hook, caption, tags) > limit:
        hook = _cut(hook, limit - (size("", caption, tags) + 2 if caption or tags else 0), c)
    text = _join(hook, caption, tags)
    title = None
    if limits.title_chars is not None:
        title = _cut(" ".join((item.title or hook).split()), limits.title_chars, "chars")
    return PostText(
        platform=limits.platform, text=text, hook=hook, caption=caption, hashtags=tuple(tags), title=title,
        length=count(text, c), limit=limit, source=limits.source,
    )  # fmt: skip
