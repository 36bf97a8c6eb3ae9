"""Post text for a clip, per platform: from its highlight (the finder's or the LLM's hook,
description and hashtags), or from the clip's own words when it was made from a range."""

from __future__ import annotations

from sqlalchemy.orm import Session

from spaceclip.models.tables import Clip, Highlight
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.highlights import features, lexicon
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.publish.limits import POST_LIMITS, post_limits
from spaceclip.services.publish.post_text import PostInput, PostText, post_text
from spaceclip.usecases.clips import clip_words

__all__ = ["clip_post_input", "clip_posts"]


def _from_words(db: Session, clip: Clip) -> PostInput:
    words = [w for w in clip_words(db, clip) if clip.start <= (w.start + w.end) / 2 <= clip.end]
    meta = db.get(TranscriptRow, clip.project_id)
    word_lists = lexicon.covers(meta.language if meta is not None else "en")
    sentences = [s.text for s in split_sentences(words)]
    if not sentences:
        return PostInput(title=clip.title, hook=clip.title, description="", hashtags=())
    key = max(sentences[:4], key=lambda s: len(s.split()))
    text = " ".join(sentences)
    weights = features.keyword_weights(text, sentences, key_sentence=key, word_lists=word_lists)
    hook = clip.title or features.display_sentence(features.extractive_title(key, word_lists=word_lists))
    rest = " ".join(features.display_sentence(s) for s in sentences if s != key)
    return PostInput(title=clip.title or hook, hook=hook, description=rest, hashtags=features.pick_hashtags(weights))


def clip_post_input(db: Session, clip: Clip) -> PostInput:
    """What the post is written from."""
    row = db.get(Highlight, clip.highlight_id) if clip.highlight_id else None
    if row is None:
        return _from_words(db, clip)
    description = row.description or features.display_sentence(row.key_sentence or row.title)
    return PostInput(
        title=clip.title or row.title, hook=row.hook or clip.title or row.title, description=description,
        hashtags=tuple(row.hashtags or ()),
    )  # fmt: skip


def clip_posts(db: Session, clip: Clip, platform: str | None = None) -> list[PostText]:
    """The clip's post for ``platform`` (a preset key), or one per platform family."""
    item = clip_post_input(db, clip)
    if platform is not None:
        return [post_text(item, post_limits(platform))]
    return [post_text(item, limits) for limits in POST_LIMITS.values()]
