"""Filler words kept in the transcript and flagged (pure, apart from the prompt Whisper is given).

Whisper writes clean prose: it leaves out most "um"s and "uh"s, so nothing could cut them. Given
an initial prompt that itself is full of fillers (:data:`FILLER_PROMPT`), it writes them down; on
generated speech that says them, recall went from 1 in 10 to 8 in 10 (``benchmarks/bench_fillers.py``
has the figures). :func:`filler_flags` then marks, from the words and their punctuation:

- hesitations: "um", "uh", "erm", "er", "hmm", "mm" (and their spellings);
- "like" as a filler: set off by a comma ("just, like, wanted"), not "I like it";
- "you know" as a filler: between commas or ending a sentence ("Well, you know, ..."), not "do you know";
- false starts: a word said again straight away ("I, I mean"; "the, uh, the plan"), and a word cut
  off with a hyphen ("wh-").

The flag is ``Word.filler``; the words themselves stay in the transcript, with their times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from spaceclip.services.speech.transcript import Word

__all__ = ["FILLER_PROMPT", "HESITATIONS", "filler_flags", "mark_fillers"]

#: Whisper's initial prompt: text in the style it should write, fillers included.
FILLER_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking. Uh, so, um, yeah, you know."
HESITATIONS = frozenset({"um", "umm", "uh", "uhh", "uhm", "erm", "er", "err", "hmm", "hm", "mm", "mmm"})
_LIKE_AFTER = frozenset({"just", "was", "is", "so", "and", "it's", "really", "were", "be"})
_CORE = re.compile(r"[^\w'-]+")


def _core(token: str) -> str:
    return _CORE.sub("", token.lower()).strip("'")


def _ends_clause(token: str) -> bool:
    return token.rstrip().endswith((",", ".", "?", "!", ";", ":", "…"))


def filler_flags(tokens: Sequence[str]) -> list[bool]:
    """For each word as Whisper wrote it (with its punctuation), whether it is a filler."""
    cores = [_core(t) for t in tokens]
    flags = [c in HESITATIONS or (len(c) > 1 and c.endswith("-")) for c in cores]
    for i, core in enumerate(cores):
        before = tokens[i - 1] if i else ""
        if (
            core == "like"
            and tokens[i].rstrip().endswith(",")
            and (_ends_clause(before) or _core(before) in _LIKE_AFTER)
        ):
            flags[i] = True
        if (
            core == "you"
            and i + 1 < len(tokens)
            and cores[i + 1] == "know"
            and (i == 0 or _ends_clause(before))
            and (i + 2 == len(tokens) or _ends_clause(tokens[i + 1]))
        ):
            flags[i] = flags[i + 1] = True
    for i, core in enumerate(cores):  # false starts: the next word that is not a filler repeats it
        if not core or flags[i] or not tokens[i].rstrip().endswith(","):
            continue
        j = i + 1
        while j < len(cores) and flags[j]:
            j += 1
        if j < len(cores) and cores[j] == core:
            flags[i] = True
    return flags


def mark_fillers(words: Sequence[Word]) -> tuple[Word, ...]:
    """``words`` with ``filler`` set by :func:`filler_flags` (a word already flagged stays flagged)."""
    flags = filler_flags([w.word for w in words])
    return tuple(replace(w, filler=True) if f and not w.filler else w for w, f in zip(words, flags, strict=True))
