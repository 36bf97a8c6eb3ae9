"""Explainable text features of single sentences, and the extractive title and hashtags (all pure).

Each feature is a plain function of the sentence text, 0..1 unless it is a count, so a score can
always be traced back to the words that earned it. The word lists it matches live in
:mod:`.lexicon`; they are English, and with ``word_lists=False`` (a transcript in a language they do
not know) every function keeps only what it measures without them: question marks, digits, sentence
length, repeated phrasing, very short sentences. Words are found in any script (:func:`tokens`).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from spaceclip.services.highlights.lexicon import (
    ABSOLUTES,
    BACKCHANNEL,
    CONCLUSION_PHRASES,
    CONTRAST_PHRASES,
    EMOTION_WORDS,
    FILLER_WORDS,
    FIRST_PERSON,
    GENERIC_WORDS,
    HOOK_PHRASES,
    HOUSEKEEPING_PHRASES,
    IMPERATIVE_VERBS,
    LEADING_NOISE,
    NARRATIVE_ANCHORS,
    NUMBER_WORDS,
    PAST_VERBS,
    QUESTION_OPENERS,
    STALLING_PHRASES,
    STOPWORDS,
    SUPERLATIVES,
    TRAILING_WEAK,
    UNIT_WORDS,
)
from spaceclip.services.highlights.sentences import clean_token

__all__ = [
    "SentenceFeatures",
    "contrast_hits",
    "display_sentence",
    "extractive_title",
    "filler_score",
    "has_phrase",
    "hashtags",
    "hook_score",
    "is_question",
    "keyword_weights",
    "lower_text",
    "pick_hashtags",
    "quotability",
    "sentence_features",
    "specifics",
    "story_score",
    "tokens",
    "trim_title",
    "weigh_by_relevance",
]

#: What ends a question: "?", the full-width U+FF1F (Chinese, Japanese) and the Arabic U+061F.
QUESTION_MARKS = ("?", "\uff1f", "\u061f")
#: Without word lists, a keyword found in more than this share of the transcript's sentences (and in
#: more than two) is taken for one of the language's function words ("de", "und", "что").
FREQUENT_SHARE = 0.1

#: With embeddings, a keyword's weight is scaled by this plus its similarity to the window (0..1).
RELEVANCE_FLOOR = 0.25


@functools.cache
def _marks() -> str:
    """A regex class body of every combining mark (Devanagari vowel signs, Thai tone marks, accents
    typed apart), from the Unicode database; built once, on first use."""
    codes = [c for c in range(0x300, 0x20000) if unicodedata.category(chr(c)).startswith("M")]
    codes += range(0xE0100, 0xE01F0)  # variation selectors supplement
    spans: list[list[int]] = []
    for code in codes:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in spans)


_ASCII_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'%.,-]*")  # the same on ASCII text, twice as fast


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    # A letter or digit of any script, then letters, digits, marks and the joiners of "3,000", "it's"
    # (the underscore that \w also matches is taken out of the text first: one class is faster).
    return re.compile(rf"[^\W_][\w{_marks()}'\u2019%.,-]*")


def _is_word(text: str) -> bool:
    """Only letters (of any script) and combining marks."""
    return bool(text) and all(c.isalpha() or unicodedata.category(c).startswith("M") for c in text)


def tokens(text: str) -> list[str]:
    """Words of ``text`` with their case, surrounding punctuation removed (digits kept: ``"3,000"``).

    Words of every script count (``"Größe"``, ``"что"``, ``"नमस्ते"``); on ASCII text this is
    ``[A-Za-z0-9][A-Za-z0-9'\u2019%.,-]*``.
    """
    out = []
    found = _ASCII_WORD.findall(text) if text.isascii() else _word_pattern().findall(text.replace("_", " "))
    for raw in found:
        token = raw.strip(".,-'\u2019")
        if token:
            out.append(token)
    return out


def lower_text(text: str) -> str:
    """``text`` as lower-case tokens without edge punctuation, padded with spaces (for :func:`has_phrase`)."""
    return " " + " ".join(clean_token(t) for t in text.split()) + " "


def has_phrase(lowered: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs as whole words in ``lowered`` (from :func:`lower_text`)."""
    return f" {phrase} " in lowered


def _count_phrases(lowered: str, phrases: Iterable[str]) -> int:
    return sum(lowered.count(f" {p} ") for p in phrases)


def is_question(text: str) -> bool:
    """Whether a sentence ends with a question mark (:data:`QUESTION_MARKS`)."""
    return text.rstrip().endswith(QUESTION_MARKS)


def _is_number(token: str, word_lists: bool = True) -> bool:
    lowered = token.lower()
    return any(c.isdigit() for c in token) or (word_lists and lowered in NUMBER_WORDS)


def specifics(text: str, *, first_in_sentence: bool = True, word_lists: bool = True) -> tuple[float, int, int]:
    """Concrete details in a sentence: (weight, numbers, names).

    A number counts 1 (1.5 with a unit right after it: "forty minutes", "60 percent"), a name
    (a capitalised word not opening the sentence, not "I") 0.7. Spelled-out numbers that run
    together ("eleven hundred") count once. Without word lists only numbers written in digits
    count, without the unit bonus, and no names (German writes every noun with a capital).
    """
    words = tokens(text)
    weight = 0.0
    numbers = names = 0
    previous_number = False
    for k, word in enumerate(words):
        if _is_number(word, word_lists):
            if not previous_number:
                numbers += 1
                unit = word_lists and k + 1 < len(words) and words[k + 1].lower() in UNIT_WORDS
                weight += 1.5 if unit else 1.0
            previous_number = True
            continue
        previous_number = False
        opener = k == 0 and first_in_sentence
        if (
            word_lists
            and not opener
            and word[0].isupper()
            and word not in ("I", "I'm", "I've", "I'd", "I'll")
            and len(word) > 1
        ):
            names += 1
            weight += 0.7
    return weight, numbers, names


def hook_score(text: str, *, word_lists: bool = True) -> float:
    """How strongly a sentence grabs attention as the first line of a clip (0..1).

    Questions, announcing phrases ("here's what nobody tells you", "the secret"), numbers, bold
    claims (superlatives, never/always/nobody), imperatives and short declaratives score; greetings
    and housekeeping score nothing. Without word lists: a question mark, digits and a short
    declarative (at most 0.65).
    """
    lowered = lower_text(text)
    words = [clean_token(t) for t in text.split() if clean_token(t)]
    if not words or filler_score(text, word_lists=word_lists) >= 0.6:
        return 0.0
    question = is_question(text)
    score = 0.0
    if word_lists and any(has_phrase(lowered, p) for p in HOOK_PHRASES):
        score += 0.55
    first = words[0]
    if question or (word_lists and first in QUESTION_OPENERS and len(words) > 3 and "?" in text):
        score += 0.35
    if any(_is_number(w, word_lists) for w in tokens(text)):
        score += 0.2
    if word_lists and (any(w in SUPERLATIVES for w in words) or any(w in ABSOLUTES for w in words)):
        score += 0.2
    if word_lists and first in IMPERATIVE_VERBS and not question:
        score += 0.3
    if 4 <= len(words) <= 12 and not question:
        score += 0.1
    if word_lists and first in FIRST_PERSON and any(w in PAST_VERBS for w in words[1:4]):
        score += 0.1  # "I was...", "We opened...": a story starting
    return min(1.0, score)


def contrast_hits(text: str) -> int:
    """Markers of contrast and surprise ("but", "actually", "turns out", superlatives...)."""
    lowered = lower_text(text)
    hits = _count_phrases(lowered, CONTRAST_PHRASES)
    hits += sum(1 for w in lowered.split() if w in SUPERLATIVES)
    return hits


def story_score(text: str) -> float:
    """First-person past narrative and emotion (0..1)."""
    lowered = lower_text(text)
    words = lowered.split()
    score = 0.0
    narrative = any(w in FIRST_PERSON for w in words) and any(w in PAST_VERBS or w.endswith("ed") for w in words)
    if narrative:
        score += 0.5
    if any(has_phrase(lowered, p) for p in NARRATIVE_ANCHORS):
        score += 0.25
    emotions = sum(1 for w in words if w in EMOTION_WORDS)
    score += min(0.5, 0.25 * emotions)
    return min(1.0, score)


def _parallelism(words: Sequence[str]) -> float:
    """Repeated structure: the same two-word opening in several clauses ("not your shoes, not your
    socks"), or content words said twice ("if they will not pay..., they will not pay...")."""
    if len(words) < 6:
        return 0.0
    bigrams = Counter(itertools.pairwise(words))
    repeated = sum(c - 1 for c in bigrams.values() if c > 1)
    return min(1.0, repeated / 3)


def quotability(text: str, *, word_lists: bool = True) -> float:
    """How well a sentence stands on its own as a line to quote (0..1): short and punchy,
    general ("every", "never", "you"), rhythmic (parallel clauses). Without word lists: length
    and repeated phrasing."""
    words = [clean_token(t) for t in text.split() if clean_token(t)]
    if not words or filler_score(text, word_lists=word_lists) >= 0.5:
        return 0.0
    score = 0.0
    if 5 <= len(words) <= 16:
        score += 0.35
    elif len(words) <= 24:
        score += 0.15
    if word_lists:
        general = sum(1 for w in words if w in ABSOLUTES or w in ("you", "your", "rule", "simple", "secret", "beats"))
        score += min(0.35, 0.15 * general)
    score += 0.4 * _parallelism(words)
    if is_question(text):
        score *= 0.5
    return min(1.0, score)


def conclusion_score(text: str, *, word_lists: bool = True) -> float:
    """Whether a sentence sounds like a landing: a lesson, a result, a rule (0..1). Without word
    lists: a number in digits."""
    lowered = lower_text(text)
    if is_question(text):
        return 0.0
    hits = _count_phrases(lowered, CONCLUSION_PHRASES) if word_lists else 0
    return min(1.0, 0.4 * hits + (0.2 if specifics(text, word_lists=word_lists)[1] else 0.0))


def filler_score(text: str, *, word_lists: bool = True) -> float:
    """Small talk, housekeeping and back-channel (0 = content, 1 = pure filler). Without word
    lists: only a sentence of five words or fewer without a number (0.35)."""
    lowered = lower_text(text)
    words = lowered.split()
    if not words:
        return 1.0
    score = 0.0
    if word_lists:
        hits = _count_phrases(lowered, HOUSEKEEPING_PHRASES)
        score = 0.0 if hits == 0 else (0.7 if hits == 1 else 1.0)
        if any(has_phrase(lowered, p) for p in STALLING_PHRASES):
            score = max(score, 0.6)
    if word_lists and len(words) <= 8 and all(w in BACKCHANNEL for w in words):
        score = max(score, 0.8)
    elif len(words) <= 5 and not any(_is_number(w, word_lists) for w in words):
        score = max(score, 0.35)
    fillers = sum(1 for w in words if w in FILLER_WORDS) if word_lists else 0
    return min(1.0, score + min(0.3, fillers / len(words)))


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """Per-sentence inputs to the scorer."""

    words: int
    question: bool
    hook: float
    specifics: float
    numbers: int
    names: int
    contrast: int
    story: float
    quotable: float
    conclusion: float
    filler: float

    @property
    def salience(self) -> float:
        """How much this sentence alone carries the clip (picks the key sentence)."""
        return (
            0.35 * self.hook
            + 0.25 * min(1.0, self.specifics / 2)
            + 0.15 * min(1.0, self.contrast / 2)
            + 0.2 * self.story
            + 0.25 * self.quotable
            - 0.8 * self.filler
            - (0.2 if self.question else 0.0)
        )


def sentence_features(text: str, *, word_lists: bool = True) -> SentenceFeatures:
    """All text features of one sentence; without word lists, contrast and story are 0 (they are
    nothing but word lists) and the others keep their parts that need none."""
    weight, numbers, names = specifics(text, word_lists=word_lists)
    return SentenceFeatures(
        words=max(1, len(tokens(text))),
        question=is_question(text),
        hook=hook_score(text, word_lists=word_lists),
        specifics=weight,
        numbers=numbers,
        names=names,
        contrast=contrast_hits(text) if word_lists else 0,
        story=story_score(text) if word_lists else 0.0,
        quotable=quotability(text, word_lists=word_lists),
        conclusion=conclusion_score(text, word_lists=word_lists),
        filler=filler_score(text, word_lists=word_lists),
    )


# --- title and hashtags --------------------------------------------------------------------------


def trim_title(text: str, limit: int = 70, *, word_lists: bool = True) -> str:
    """A title from a sentence: leading fillers/conjunctions dropped, first letter capitalised, the
    end's period dropped, and at most ``limit`` characters, cut on a word boundary (at a clause
    comma when one leaves at least 25 characters) with an ellipsis when something was cut. Without
    word lists no word is dropped for being a filler or a weak ending."""
    words = text.split()
    while word_lists and words and clean_token(words[0]) in LEADING_NOISE and len(words) > 3:
        words = words[1:]
    title = " ".join(words).strip().rstrip(",;:")
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    title = title[:1].upper() + title[1:]
    if len(title) <= limit:
        return title
    head = title[: limit - 1]
    comma = max(head.rfind(", "), head.rfind("; "))
    if comma >= 25:
        return head[:comma]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    parts = cut.split()
    while word_lists and len(parts) > 1 and clean_token(parts[-1]) in TRAILING_WEAK:
        parts.pop()
    return " ".join(parts).rstrip(",;:.") + "…"


def display_sentence(text: str) -> str:
    """A transcript sentence as quoted to people: first letter capitalised, a dangling comma turned
    into a full stop ("within two months, those hours made half our revenue," → "Within … revenue.")."""
    quote = " ".join(text.split()).rstrip(",;:—- ")
    if quote and quote[-1] not in '.?!…"”':
        quote += "."
    return quote[:1].upper() + quote[1:]


def extractive_title(key_sentence: str, *, word_lists: bool = True) -> str:
    """The extractive title of a highlight: its key sentence, trimmed to 70 characters."""
    return trim_title(key_sentence, 70, word_lists=word_lists)


def _keyword_form(token: str, word_lists: bool = True) -> str | None:
    """The lower-case keyword a token counts as, or None for short words and numbers, and (with
    word lists) stopwords and generic words."""
    lowered = token.lower().replace("\u2019", "'")
    if len(lowered) < 3 or not _is_word(lowered):
        return None
    if word_lists and (lowered in STOPWORDS or lowered in NUMBER_WORDS or lowered in GENERIC_WORDS):
        return None
    return lowered


def keyword_weights(
    window_text: str, document_sentences: Sequence[str], *, key_sentence: str = "", word_lists: bool = True
) -> dict[str, float]:
    """Salient words of a window: frequency in the window times inverse sentence frequency over the
    whole transcript. Names (capitalised mid-sentence) count double, words of the key sentence
    half as much again; verb forms in -ed/-ing count half; plurals join their singular.
    Keys are lower case.

    Without word lists (another language) there are no stopwords to leave out: words found in more
    than :data:`FREQUENT_SHARE` of the sentences (and more than two) are, and the English rules
    (capitals, -ed/-ing, plural -s) are not applied.
    """
    doc_freq: Counter[str] = Counter()
    for sentence in document_sentences:
        doc_freq.update({t.lower() for t in tokens(sentence)})
    total = max(1, len(document_sentences))
    frequent = max(2.0, FREQUENT_SHARE * total)
    counts: Counter[str] = Counter()
    capitalised: set[str] = set()
    for k, token in enumerate(tokens(window_text)):
        word = _keyword_form(token, word_lists)
        if word is None or (not word_lists and doc_freq.get(word, 0) > frequent):
            continue
        counts[word] += 1
        if word_lists and k > 0 and token[0].isupper():
            capitalised.add(word)
    plural = "s" if word_lists else ""  # English plurals join their singular
    if word_lists:
        for word in sorted(counts):
            if word.endswith("ies") and word[:-3] + "y" in counts:
                counts[word[:-3] + "y"] += counts.pop(word)
            elif word.endswith("s") and word[:-1] in counts:
                counts[word[:-1]] += counts.pop(word)
    key_words = {t.lower() for t in tokens(key_sentence)}
    weights: dict[str, float] = {}
    for word, count in counts.items():
        also = doc_freq.get(word + plural, 0) if plural else 0
        idf = math.log((1 + total) / (1 + doc_freq.get(word, 0) + also)) + 1.0
        weight = count * idf
        if word in capitalised:
            weight *= 2.0
        elif word_lists and word.endswith(("ed", "ing")):
            weight *= 0.5
        if word in key_words or (plural and word + plural in key_words):
            weight *= 1.5
        weights[word] = weight
    return weights


def weigh_by_relevance(weights: Mapping[str, float], relevance: Mapping[str, float]) -> dict[str, float]:
    """Keyword weights scaled by ``RELEVANCE_FLOOR + relevance`` (a word's cosine similarity to the
    whole window, from sentence embeddings; negative counts as 0): words about what the clip is
    about ("sleep", "phone") rise above words that merely occur in it ("best", "arrive")."""
    return {w: v * (RELEVANCE_FLOOR + max(0.0, relevance.get(w, 0.0))) for w, v in weights.items()}


def _camel(word: str) -> str:
    parts = re.split(rf"(?:[^\w{_marks()}]|_)+", word)
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def hashtags(
    window_text: str,
    document_sentences: Sequence[str],
    *,
    key_sentence: str = "",
    relevance: Mapping[str, float] | None = None,
    low: int = 3,
    high: int = 5,
    word_lists: bool = True,
) -> tuple[str, ...]:
    """3-5 CamelCase hashtags from the window's salient keywords (:func:`keyword_weights`, then
    :func:`weigh_by_relevance` when ``relevance`` is given); see :func:`pick_hashtags`."""
    weights = keyword_weights(window_text, document_sentences, key_sentence=key_sentence, word_lists=word_lists)
    if relevance is not None:
        weights = weigh_by_relevance(weights, relevance)
    return pick_hashtags(weights, low=low, high=high)


def pick_hashtags(weights: Mapping[str, float], *, low: int = 3, high: int = 5) -> tuple[str, ...]:
    """CamelCase hashtags of the heaviest keywords (deterministic: ties by word).

    Words with at least half the top weight are taken up to ``high``; then the next best are added
    until there are ``low`` (fewer only when there are fewer distinct keywords).
    """
    ranked = sorted(weights.items(), key=lambda kv: (-round(kv[1], 6), kv[0]))
    if not ranked:
        return ()
    top = ranked[0][1]
    chosen = [w for w, v in ranked[:high] if v >= top / 2]
    for word, _ in ranked:
        if len(chosen) >= low:
            break
        if word not in chosen:
            chosen.append(word)
    return tuple("#" + _camel(w) for w in chosen)
