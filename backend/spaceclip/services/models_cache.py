"""The one owner of loaded models: each is loaded once per process, on first use, never at import.

Models (Whisper, the voice encoder, the sentence embedder, ...) take seconds and hundreds of MB to
load, so every stage asks :data:`MODELS` for them instead of keeping its own global::

    model = MODELS.get(("whisper", model_dir, DEVICE, COMPUTE_TYPE), lambda: WhisperModel(...))

The key names what identifies the model (kind, name or path, device, compute type): two settings
that resolve to the same files share one copy, and a different device or precision gets its own.
A loader that raises leaves nothing behind, so the next call tries again (the user may have fixed
the setting). Loads of different keys run in parallel; callers of one key wait for its one load.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

__all__ = ["MODELS", "ModelCache"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class ModelCache:
    """Loaded objects by key, each loaded at most once at a time and kept until :meth:`clear`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the two dicts, never held while loading
        self._loaded: dict[Hashable, object] = {}
        self._loading: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The object kept under ``key``, made by ``load()`` on the first call (its errors propagate)."""
        with self._lock:
            if key in self._loaded:
                return cast(T, self._loaded[key])
            key_lock = self._loading.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._loaded:  # loaded by the caller this one waited for
                    return cast(T, self._loaded[key])
            value = load()
            with self._lock:
                self._loaded[key] = value
        return value

    def keys(self) -> list[Hashable]:
        """The keys of what is loaded now, oldest first."""
        with self._lock:
            return list(self._loaded)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._loaded

    def clear(self) -> None:
        """Forget every loaded object (tests; the memory goes once no caller holds them)."""
        with self._lock:
            count = len(self._loaded)
            self._loaded.clear()
            self._loading.clear()
        log.debug("model cache cleared (%d models)", count)


#: The process-wide cache every stage loads its models through.
MODELS = ModelCache()
