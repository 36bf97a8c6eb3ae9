"""Ask a local LLM about the best built-in candidates: a rating, a title, a hook, a description, hashtags.

One request per candidate: small local models follow a short, single-passage prompt far better than a
batch, and a bad answer then costs only its own candidate. The server turns the JSON schema into a
grammar (structured output), and every answer is checked again here.

Failures never stop the highlights:

* a bad answer (not JSON, cut off, off-schema, empty title) → that candidate keeps its built-in result
  and a note; after ``MAX_BAD_IN_A_ROW`` bad answers in a row the model is not asked again;
* a server failure (dead port, timeout, HTTP error, missing model) → nothing more is asked, and the
  run's note says "LLM unavailable: <reason>";
* ``budget_s`` bounds the whole re-rank; candidates left when it runs out keep their built-in result.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spaceclip.errors import LlmBadAnswer, LlmUnavailable
from spaceclip.services.highlights.llm import LlmClient
from spaceclip.services.highlights.types import LlmSuggestion, ScoredCandidate

__all__ = [
    "MAX_CLIP_CHARS",
    "MAX_TOKENS",
    "SUGGESTION_SCHEMA",
    "RerankOutcome",
    "build_messages",
    "clean_hashtags",
    "parse_suggestion",
    "rerank",
]

log = logging.getLogger(__name__)

MAX_CLIP_CHARS = 1500  # about 300 words: a 90 s clip, and still small for a 2k-token context
MAX_TOKENS = 256
MAX_BAD_IN_A_ROW = 3
UNAVAILABLE = "LLM unavailable: "

SUGGESTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rating": {"type": "integer", "minimum": 0, "maximum": 100},
        "title": {"type": "string", "minLength": 3, "maxLength": 70},
        "hook": {"type": "string", "minLength": 3, "maxLength": 140},
        "description": {"type": "string", "minLength": 3, "maxLength": 240},
        "hashtags": {
            "type": "array",
            "items": {"type": "string", "minLength": 2, "maxLength": 30},
            "minItems": 3,
            "maxItems": 5,
        },
    },
    "required": ["rating", "title", "hook", "description", "hashtags"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = (
    "You are a video editor who picks moments from podcasts and talks to post as short social media clips. "
    "Judge whether a passage works on its own: a strong opening line, one complete thought, concrete "
    "specifics, surprise, emotion or a quotable line. Answer only with JSON."
)


@dataclass(frozen=True, slots=True)
class RerankOutcome:
    """What the LLM said, by position in the list it was given.

    ``note`` is set when the LLM was asked and could not be used (fully or for some candidates);
    ``notes`` holds the per-candidate reason a built-in result was kept.
    """

    suggestions: dict[int, LlmSuggestion] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    note: str | None = None
    model: str | None = None
    seconds: list[float] = field(default_factory=list)  # per answered request, for the benchmark


def _bounded(text: str, limit: int = MAX_CLIP_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def build_messages(sc: ScoredCandidate) -> list[dict[str, str]]:
    """The chat messages for one candidate (its text bounded to ``MAX_CLIP_CHARS``)."""
    c = sc.candidate
    speakers = ", ".join(c.speakers) or "unknown"
    user = (
        f"Passage ({c.end - c.start:.0f} seconds, speakers: {speakers}):\n"
        f'"""\n{_bounded(c.text)}\n"""\n\n'
        "Reply with JSON: rating (0-100, how well it works as a stand-alone clip), title (at most 8 words), "
        "hook (one line that opens the post), description (one or two sentences), "
        "hashtags (3 to 5 single words, each starting with #)."
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


_TAG_CHARS = re.compile(r"[^0-9A-Za-z_]")


def clean_hashtags(tags: Sequence[str], fallback: Sequence[str] = ()) -> tuple[str, ...]:
    """Up to 5 ``#Word`` hashtags: the model's usable ones, topped up to 3 from ``fallback``.

    A tag is usable when, stripped of ``#``, spaces and punctuation, it has 2 to 30 characters and is
    not just digits. Duplicates (ignoring case) are dropped.
    """
    out: list[str] = []
    seen: set[str] = set()

    def add(raw: str) -> None:
        word = _TAG_CHARS.sub("", raw.strip().lstrip("#"))
        if 2 <= len(word) <= 30 and not word.isdigit() and word.lower() not in seen:
            seen.add(word.lower())
            out.append("#" + word)

    for raw in tags:
        if len(out) < 5:
            add(raw)
    for raw in fallback:
        if len(out) < 3:
            add(raw)
    return tuple(out)


def _one_line(text: Any, limit: int) -> str:
    return " ".join(str(text).split())[:limit].strip()


def parse_suggestion(answer: Any, fallback_tags: Sequence[str] = ()) -> LlmSuggestion:
    """An :class:`LlmSuggestion` from an answer that passed ``SUGGESTION_SCHEMA``.

    Raises:
        LlmBadAnswer: a text field is blank once whitespace is removed.
    """
    title = _one_line(answer["title"], 70)
    hook = _one_line(answer["hook"], 140)
    description = _one_line(answer["description"], 240)
    if len(title) < 3 or len(hook) < 3 or len(description) < 3:
        raise LlmBadAnswer("The model left the title, hook or description blank.")
    rating = min(100.0, max(0.0, float(answer["rating"])))
    tags = clean_hashtags([str(t) for t in answer["hashtags"]], fallback_tags)
    return LlmSuggestion(rating=rating, title=title, hook=hook, description=description, hashtags=tags)


def rerank(
    client: LlmClient,
    scored: Sequence[ScoredCandidate],
    *,
    limit: int,
    budget_s: float,
    max_tokens: int = MAX_TOKENS,
    progress: Callable[[int, int], None] | None = None,
) -> RerankOutcome:
    """Ask the LLM about ``scored[:limit]``, one candidate per request. Never raises for LLM trouble.

    Args:
        client: the LLM client.
        scored: built-in candidates, best first.
        limit: how many to ask about.
        budget_s: the most time the whole re-rank may take (checked before each request).
        max_tokens: the answer's token limit.
        progress: called with (done, total) after each request.
    """
    todo = list(scored[: max(0, limit)])
    if not todo:
        return RerankOutcome()
    status = client.status()
    if not status.available:
        return RerankOutcome(note=UNAVAILABLE + status.message)
    started = time.monotonic()
    suggestions: dict[int, LlmSuggestion] = {}
    notes: dict[int, str] = {}
    seconds: list[float] = []
    note: str | None = None
    bad_in_a_row = 0
    last_bad = ""
    for i, sc in enumerate(todo):
        if time.monotonic() - started > budget_s:
            note = (
                f"LLM time budget of {budget_s:g} s used up after {i} of {len(todo)} clips; the rest keep the "
                "built-in result. Raise OLLAMA_BUDGET_S or lower OLLAMA_MAX_CANDIDATES."
            )
            break
        t0 = time.monotonic()
        try:
            answer = client.chat_json(build_messages(sc), SUGGESTION_SCHEMA, max_tokens=max_tokens)
            suggestions[i] = parse_suggestion(answer, sc.hashtags)
            bad_in_a_row = 0
        except LlmBadAnswer as exc:
            last_bad = exc.user_message
            notes[i] = f"LLM answer unusable ({exc.user_message}); built-in result kept."
            bad_in_a_row += 1
            log.debug("LLM answer for candidate %d unusable: %s", i, exc)
        except LlmUnavailable as exc:
            note = UNAVAILABLE + exc.user_message
            log.debug("LLM failed on candidate %d: %s", i, exc)
            break
        finally:
            seconds.append(time.monotonic() - t0)
            if progress is not None:
                progress(i + 1, len(todo))
        if bad_in_a_row >= MAX_BAD_IN_A_ROW and not suggestions:
            note = f"{UNAVAILABLE}the model gave {bad_in_a_row} unusable answers in a row (last: {last_bad})"
            break
    if note is None and notes and not suggestions:
        note = f"{UNAVAILABLE}the model's answers were unusable (last: {last_bad})"
    elif note is None and notes:
        note = f"LLM answers were unusable for {len(notes)} of {len(todo)} clips; those keep the built-in result."
    return RerankOutcome(
        suggestions=suggestions,
        notes=notes,
        note=note,
        model=client.model if suggestions else None,
        seconds=seconds,
    )
