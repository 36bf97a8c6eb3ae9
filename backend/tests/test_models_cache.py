"""The one owner of loaded models: once per key, in parallel across keys, nothing kept on failure."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from spaceclip.errors import ModelMissing
from spaceclip.services.models_cache import ModelCache


def test_loads_once_per_key_and_keeps_it() -> None:
    cache = ModelCache()
    calls: list[str] = []

    def load(name: str) -> object:
        calls.append(name)
        return object()

    first = cache.get(("whisper", "/models/tiny", "cpu", "int8"), lambda: load("tiny"))
    assert cache.get(("whisper", "/models/tiny", "cpu", "int8"), lambda: load("tiny")) is first
    other = cache.get(("whisper", "/models/tiny", "cpu", "float32"), lambda: load("tiny-f32"))
    assert other is not first
    assert calls == ["tiny", "tiny-f32"]
    assert cache.keys() == [("whisper", "/models/tiny", "cpu", "int8"), ("whisper", "/models/tiny", "cpu", "float32")]
    assert ("whisper", "/models/tiny", "cpu", "int8") in cache


def test_concurrent_callers_share_one_load() -> None:
    cache = ModelCache()
    calls: list[int] = []
    results: list[object] = []
    gate = threading.Barrier(8)

    def load() -> object:
        calls.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while the load runs
        return object()

    def worker() -> None:
        gate.wait()
        results.append(cache.get("model", load))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_different_keys_load_in_parallel() -> None:
    cache = ModelCache()
    both_loading = threading.Barrier(2, timeout=5.0)

    def load(name: str) -> str:
        both_loading.wait()  # raises BrokenBarrierError if the second load waits for the first
        return name

    out: dict[str, str] = {}

    def worker(name: str) -> None:
        out[name] = cache.get(name, lambda: load(name))

    threads = [threading.Thread(target=worker, args=(name,)) for name in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {"a": "a", "b": "b"}


def test_a_failed_load_is_not_kept() -> None:
    cache = ModelCache()

    def missing() -> object:
        raise ModelMissing("The model is not on this machine.")

    with pytest.raises(ModelMissing, match="not on this machine"):
        cache.get("model", missing)
    assert "model" not in cache and cache.keys() == []
    assert cache.get("model", lambda: "loaded now") == "loaded now"  # the next call tries again


def test_clear_forgets_everything() -> None:
    cache = ModelCache()
    first = cache.get("model", object)
    cache.clear()
    assert cache.keys() == []
    assert cache.get("model", object) is not first


def test_nothing_is_loaded_at_import() -> None:
    code = (
        "import spaceclip.services.highlights.embeddings, spaceclip.services.speech.speakers, "
        "spaceclip.services.speech.transcribe\n"
        "from spaceclip.services.models_cache import MODELS\n"
        "assert MODELS.keys() == [], MODELS.keys()\n"
        "import sys\n"
        "assert not {'faster_whisper', 'resemblyzer', 'sentence_transformers'} & set(sys.modules)\n"
    )
    # A fresh interpreter: this one has loaded models already. Run from backend/, so -c finds spaceclip.
    backend = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60, cwd=backend)
