"""Highlights: the moments of a transcript worth sharing as short clips.

Built-in path (no LLM, always available, deterministic), one module per stage:

- :mod:`.sentences` - the words cut into sentences, snapped to word times;
- :mod:`.embeddings` / :mod:`.topics` - all-MiniLM-L6-v2 sentence vectors and TextTiling topic shifts;
- :mod:`.candidates` - windows of whole sentences within the length limits, opening stand-alone;
- :mod:`.features` / :mod:`.audio_features` - explainable per-sentence text features, energy, pace
  (the word lists they match are the data table :mod:`.lexicon`);
- :mod:`.scorer` - window features combined into a 0-100 score with fixed, documented weights;
- :mod:`.select` - best first, no two overlapping by more than 30 % of the shorter;
- :mod:`.builtin` - the entry points ``rank_candidates``, ``select`` and ``as_highlight``.

:mod:`.pipeline` adds the optional LLM re-rank (:mod:`.rerank`) on top and is what callers use.
"""
