"""ffmpeg filtergraph syntax: escaping values and building long expressions. Pure.

A value inside a ``-filter_complex`` is parsed twice (``av_get_token`` rules): once as an option
value of its filter (``:`` separates options) and once as part of the graph (``[],;`` separate
filters and pads). Each level backslash-escapes backslash, quote and its own specials.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["EXPR_GROUP", "GRAPH_SPECIALS", "drawtext_escape", "filter_escape", "grouped_sum"]

#: What separates filters and pads in a graph.
GRAPH_SPECIALS = "[],;"

#: Terms per parenthesised group of a sum (ffmpeg's expression parser refuses a flat sum of ~100 terms).
EXPR_GROUP = 25


def filter_escape(value: str, specials: str, *, spaces: bool = True) -> str:
    """Backslash-escape ``value`` for one level of ffmpeg's filter syntax.

    Backslash, quote and the level's ``specials`` each get a backslash, and so does white space
    unless ``spaces`` is False (drawtext keeps its spaces as they are).
    """
    out = []
    for ch in value:
        if ch in "\\'" or ch in specials or (spaces and ch.isspace()):
            out.append("\\")
        out.append(ch)
    return "".join(out)


def drawtext_escape(value: str) -> str:
    """``value`` escaped for a drawtext option inside a filter_complex (option level, then graph level).

    Control characters become spaces: drawtext would draw them as boxes.
    """
    clean = "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in value)
    return filter_escape(filter_escape(clean, ":", spaces=False), GRAPH_SPECIALS, spaces=False)


def grouped_sum(terms: Sequence[str]) -> str:
    """``terms`` added up in parenthesised groups of :data:`EXPR_GROUP`, nested as needed."""
    if len(terms) <= EXPR_GROUP:
        return "+".join(terms)
    return grouped_sum([f"({'+'.join(terms[i : i + EXPR_GROUP])})" for i in range(0, len(terms), EXPR_GROUP)])
