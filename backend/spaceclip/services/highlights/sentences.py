"""Sentences from the transcript's words, each snapped to its first and last word (never mid-word).

Whisper punctuates its words, but not reliably: on fast or synthetic speech it often joins whole
sentences with commas ("we had eleven hundred dollars left, so we tried one crazy thing, we stayed
open..."). So the split works in three passes, all pure:

1. hard breaks: a word ending in ``.``/``?``/``!`` (or the Chinese and Japanese full stop and
   full-width marks, the Arabic question mark, the Devanagari danda; not an abbreviation such as
   "Dr."), a change of speaker, or a pause of ``pause_s`` or more;
2. comma splices: a long sentence (``long_words`` or more) is cut at commas/semicolons that open a
   new main clause, that is where the next word does not continue the sentence ("who", "and",
   "because", "not"...) and the clause before the comma is not a fronted subordinate clause
   ("If they will not pay, | they will not pay" stays whole), keeping pieces of ``min_piece`` words.
   Those words are English: for a transcript in another language (``comma_splices=False``) this pass
   is skipped, and its sentences end where Whisper punctuated them, at turns and pauses;
3. run-ons: anything still over ``max_words`` is cut at its longest pause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spaceclip.services.highlights.types import Sentence
from spaceclip.services.speech.transcript import Word

__all__ = [
    "SplitOptions",
    "clean_token",
    "ends_sentence",
    "is_clause_break",
    "split_sentences",
]

_TRAILING_CLOSERS = "\"')]}”\u2019»"
_SENTENCE_ENDS = ".?!…\u3002\uff01\uff1f\u061f\u0964"  # and CJK, Arabic, Devanagari ends
_EDGE_PUNCTUATION = ".,;:!?-\u2013\u2014…\"'()[]“\u2018«"
_ABBREVIATIONS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "vs.", "jr.", "sr.", "e.g.", "i.e.", "inc.", "ltd.", "co.", "no."}
)
# Words that, right after a comma, carry the same sentence on (the comma does not end a clause).
CONTINUATION_WORDS = frozenset(
    {
        "who",
        "whom",
        "whose",
        "which",
        "where",
        "when",
        "while",
        "whereas",
        "and",
        "or",
        "nor",
        "but",
        "yet",
        "because",
        "since",
        "though",
        "although",
        "unless",
        "until",
        "than",
        "as",
        "like",
        "that",
        "if",
        "whether",
        "including",
        "especially",
        "except",
        "such",
        "not",
        "too",
        "either",
        "neither",
        "plus",
        "rather",
        "instead",
        "of",
        "to",
        "for",
        "with",
        "without",
        "from",
        "into",
        "per",
        "respectively",
        "etc",
        "right",
        "please",
    }
)
# A clause opened by one of these is subordinate: the comma after it leads into the main clause.
SUBORDINATORS = frozenset(
    {"if", "when", "whenever", "because", "although", "though", "while", "since", "unless", "once", "after", "before"}
)


@dataclass(frozen=True, slots=True)
class SplitOptions:
    """Tuning of :func:`split_sentences` (seconds and word counts)."""

    pause_s: float = 1.5
    long_words: int = 14
    min_piece: int = 4
    max_words: int = 45
    comma_splices: bool = True  # pass 2 (English continuation words); off for other languages


def clean_token(text: str) -> str:
    """A word as compared against word lists: lower case, no surrounding punctuation."""
    return text.strip().strip(_TRAILING_CLOSERS).strip(_EDGE_PUNCTUATION).lower()


def ends_sentence(text: str) -> bool:
    """Whether a recognised word closes its sentence (``"up."``, ``"why?"``, ``"wow!\\""``)."""
    token = text.strip().rstrip(_TRAILING_CLOSERS)
    if not token or token[-1] not in _SENTENCE_ENDS:
        return False
    if token.lower() in _ABBREVIATIONS:
        return False
    # a single initial ("J.") is a name, not a sentence end
    return not (len(token) == 2 and token[0].isalpha() and token[0].isupper() and token[1] == ".")


def _ends_clause(text: str) -> bool:
    token = text.strip().rstrip(_TRAILING_CLOSERS)
    return bool(token) and token[-1] in ",;:\u2013\u2014"


def is_clause_break(prev_clause: Sequence[str], next_word: str) -> bool:
    """Whether a comma between ``prev_clause`` (its words) and ``next_word`` starts a new main clause.

    Pure; tested as a table. ``prev_clause`` is the text between the previous comma (or the
    sentence start) and this comma.
    """
    following = clean_token(next_word)
    if not following or following in CONTINUATION_WORDS:
        return False
    if not any(c.isalpha() for c in following):
        return False  # "400 ,000": a number Whisper split at its thousands comma
    opener = clean_token(prev_clause[0]) if prev_clause else ""
    return opener not in SUBORDINATORS


def _hard_breaks(words: Sequence[Word], indices: Sequence[int], pause_s: float) -> list[list[int]]:
    groups: list[list[int]] = []
    current: list[int] = []
    for pos, i in enumerate(indices):
        word = words[i]
        if current:
            prev = words[current[-1]]
            speaker_change = prev.speaker is not None and word.speaker is not None and prev.speaker != word.speaker
            if speaker_change or word.start - prev.end >= pause_s:
                groups.append(current)
                current = []
        current.append(i)
        is_last = pos == len(indices) - 1
        if ends_sentence(word.word) and not is_last:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _split_splices(words: Sequence[Word], group: list[int], options: SplitOptions) -> list[list[int]]:
    if len(group) < options.long_words:
        return [group]
    pieces: list[list[int]] = []
    piece_start = 0
    clause_start = 0
    for k in range(len(group) - 1):
        if not _ends_clause(words[group[k]].word):
            continue
        clause = [words[i].word for i in group[clause_start : k + 1]]
        next_word = words[group[k + 1]].word
        if (
            is_clause_break(clause, next_word)
            and k + 1 - piece_start >= options.min_piece
            and len(group) - (k + 1) >= options.min_piece
        ):
            pieces.append(group[piece_start : k + 1])
            piece_start = k + 1
        clause_start = k + 1
    pieces.append(group[piece_start:])
    return pieces


def _split_run_on(words: Sequence[Word], group: list[int], max_words: int) -> list[list[int]]:
    if len(group) <= max_words:
        return [group]
    lo, hi = max_words // 3, len(group) - max_words // 3
    # the longest pause in the middle part; a comma before it counts as an extra 0.2 s
    best = max(
        range(lo, hi),
        key=lambda k: (
            words[group[k]].start - words[group[k - 1]].end + (0.2 if _ends_clause(words[group[k - 1]].word) else 0.0),
            -k,
        ),
    )
    return _split_run_on(words, group[:best], max_words) + _split_run_on(words, group[best:], max_words)


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")


def _join(words: Sequence[Word], group: Sequence[int]) -> str:
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(words[i].word.strip() for i in group))


def split_sentences(words: Sequence[Word], options: SplitOptions | None = None) -> list[Sentence]:
    """Split the transcript's flat word list into sentences (pure).

    Args:
        words: every word of the transcript in time order (``list(transcript.words)``).
        options: thresholds; the defaults suit Whisper output.

    Returns:
        Sentences in time order; ``word_start``/``word_end`` index ``words``, ``start``/``end`` are
        the first word's start and the last word's end. Empty words are skipped.
    """
    opts = options or SplitOptions()
    indices = [i for i, w in enumerate(words) if w.word.strip()]
    groups: list[list[int]] = []
    for group in _hard_breaks(words, indices, opts.pause_s):
        for piece in _split_splices(words, group, opts) if opts.comma_splices else [group]:
            groups.extend(_split_run_on(words, piece, opts.max_words))
    sentences: list[Sentence] = []
    for group in groups:
        first, last = words[group[0]], words[group[-1]]
        sentences.append(
            Sentence(
                idx=len(sentences),
                start=first.start,
                end=max(last.end, first.start),
                text=_join(words, group),
                speaker=first.speaker,
                word_start=group[0],
                word_end=group[-1] + 1,
            )
        )
    return sentences
