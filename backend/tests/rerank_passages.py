"""Passages of talk to re-rank: stories with a hook and a payoff, the kind an LLM should score high.

Shared by tests/test_highlights_llm_rerank.py (which adds weak passages to rank below them) and
benchmarks/bench_llm.py (which adds more stories of the same kind).
"""

from __future__ import annotations

STORIES = [
    "We were about to run out of money. So we did the unthinkable: we fired our biggest customer, the one "
    "paying forty percent of our bills. Within three years revenue went from two million to forty million.",
    "Honestly the best advice I got was from my grandmother. She said never sign anything on a Friday. "
    "I laughed, but two of my worst contracts were signed on Friday afternoons.",
    "Most people think running a marathon is about the legs. It is not. Mile twenty is entirely in your "
    "head, and the training is really about teaching your brain to keep going.",
]
