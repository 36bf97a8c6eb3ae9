"""Caption emphasis: which words are drawn in the accent colour, and which emoji a line may end with.

Key words (:func:`key_words`, pure) are numbers (digits, or number words such as "million"), names
(the speakers' names, and capitalised words that do not start a sentence) and the highlight's
keywords. The emoji come from a small hand-made lexicon shipped in the package
(``data/emoji.json``, :func:`load_lexicon`), never from the network; :func:`line_emoji` (pure) picks
the first word of a line that has one. :func:`drawable_lexicon` keeps only the emoji that the
bundled font or an installed outline font draws (:mod:`spaceclip.services.render.glyphs`), so an
emoji no font has is left out rather than burned in as an empty box.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from spaceclip.services.render import glyphs

__all__ = [
    "NUMBER_WORDS",
    "Emphasis",
    "drawable_lexicon",
    "emphasis_color",
    "hashtag_words",
    "key_words",
    "line_emoji",
    "load_lexicon",
    "usable_lexicon",
    "word_key",
]

log = logging.getLogger(__name__)

NUMBER_WORDS = frozenset(
    {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion",
        "trillion", "half", "double", "triple", "percent", "first", "second", "third", "once", "twice",
    }
)  # fmt: skip
_SENTENCE_END = (".", "!", "?", "…")
_STRIP = "\"'()[]{}.,;:!?-\u2018\u2019\u201c\u201d\u2026\u2013\u2014"


def word_key(text: str) -> str:
    """``text`` as the lexicon and the keywords compare it: lower case, outer punctuation off. Pure."""
    key = text.strip(_STRIP).lower()
    return key[:-2] if key.endswith(("'s", "\u2019s")) else key


@dataclass(frozen=True, slots=True)
class Emphasis:
    """What a caption script emphasises: ``keywords`` and ``names`` (compared with :func:`word_key`)
    in ``color`` (``RRGGBB``), and, when given, an ``emoji`` lexicon (word key -> emoji); with
    ``marks`` False no word is coloured (emoji only)."""

    keywords: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    color: str = "3DDCFF"
    emoji: Mapping[str, str] = field(default_factory=dict)
    marks: bool = True  # False: emoji only, no key words

    @classmethod
    def of(
        cls, keywords: Iterable[str] = (), names: Iterable[str] = (), *, color: str = "3DDCFF",
        emoji: Mapping[str, str] | None = None,
    ) -> Emphasis:  # fmt: skip
        """Keywords and names split into words and keyed (a keyword "small shops" marks both words)."""
        keys = {word_key(w) for k in keywords for w in k.split()}
        name_keys = {word_key(w) for n in names for w in n.split()}
        return cls(frozenset(keys - {""}), frozenset(name_keys - {""}), color, dict(emoji or {}))


def _is_number(text: str, key: str) -> bool:
    return any(c.isdigit() for c in text) or key in NUMBER_WORDS


def key_words(words: Sequence[str], emphasis: Emphasis, *, after_sentence: bool = True) -> list[bool]:
    """For each of ``words`` (a run of caption words in order), whether it is a key word. Pure.

    ``after_sentence``: the first word starts a sentence, so its capital letter does not make it a name.
    """
    if not emphasis.marks:
        return [False] * len(words)
    out: list[bool] = []
    starts = after_sentence
    for text in words:
        key = word_key(text)
        core = text.strip(_STRIP)
        proper = not starts and core[:1].isupper() and key != "i" and len(core) > 1
        out.append(bool(key) and (_is_number(text, key) or key in emphasis.keywords or key in emphasis.names or proper))
        starts = text.endswith(_SENTENCE_END)
    return out


def line_emoji(words: Sequence[str], lexicon: Mapping[str, str]) -> str | None:
    """The emoji of the first word of ``words`` the lexicon has (also without a plural ``s``). Pure."""
    for text in words:
        key = word_key(text)
        for candidate in (key, key[:-1] if key.endswith("s") else None):
            if candidate and candidate in lexicon:
                return lexicon[candidate]
    return None


@functools.lru_cache(maxsize=1)
def _packaged() -> tuple[tuple[str, str], ...]:
    raw = resources.files("spaceclip.services.render.captions").joinpath("data/emoji.json").read_text("utf-8")
    data = json.loads(raw)
    return tuple((str(k), str(v)) for k, v in data.items() if not k.startswith("_"))


def load_lexicon() -> dict[str, str]:
    """The packaged emoji lexicon: word key -> emoji."""
    return dict(_packaged())


def drawable_lexicon(
    lexicon: Mapping[str, str], font: Path, *, timeout_s: float
) -> tuple[dict[str, str], dict[str, Path]]:
    """The entries of ``lexicon`` whose emoji ``font`` or an installed outline font draws, and the
    system font file for each emoji character ``font`` lacks (for libass and the line measure).

    Emoji no font draws are left out (logged once per call), never an error: they are decoration.
    """
    chars = "".join(sorted(set("".join(lexicon.values()))))
    missing = glyphs.missing_chars(chars, font)
    if not missing:
        return dict(lexicon), {}
    drawn, undrawn = glyphs.assign_fallbacks(missing, glyphs.system_fonts(timeout_s=timeout_s))
    if undrawn:
        log.info("Caption emoji left out, no installed font draws them: %s", " ".join(undrawn))
    keep = {k: v for k, v in lexicon.items() if not any(c in undrawn for c in v)}
    return keep, {c: f.file for c, f in drawn.items()}


def usable_lexicon(lexicon: Mapping[str, str], font: Path, fallback: Mapping[str, Path]) -> dict[str, str]:
    """The entries whose every emoji character ``font`` has or ``fallback`` names a font for."""
    return {k: v for k, v in lexicon.items() if all(c in fallback for c in glyphs.missing_chars(v, font))}


def emphasis_color(highlight: str) -> str:
    """The key-word colour for a style whose spoken-word highlight is ``highlight``: yellow, or cyan
    where yellow is the highlight already."""
    return "3DDCFF" if highlight.upper() == "FFD400" else "FFD400"


_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def hashtag_words(tags: Iterable[str]) -> list[str]:
    """The words of CamelCase hashtags (how highlights keep their keywords): "#SmallShops" -> small, shops. Pure."""
    return [w.lower() for tag in tags for w in _CAMEL.findall(tag.lstrip("#"))]
