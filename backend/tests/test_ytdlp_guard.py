"""yt-dlp's guarded networking on its own: connections pinned to vetted addresses, native downloaders only.

The servers are on loopback; the guard's full matrix, through ``download_url``, is in ``test_download.py``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from spaceclip.config import Settings
from spaceclip.services.ingest.download_errors import state_problem
from spaceclip.services.ingest.urlguard import UrlGuard
from spaceclip.services.ingest.ytdlp_guard import GuardedYoutubeDL
from spaceclip.services.ingest.ytdlp_options import LogAdapter
from spaceclip.services.ingest.ytdlp_state import Abort, GuardRefusal
from tests.ingest import LoopbackServer, download_state

pytestmark = pytest.mark.slow


class CountingGuard(UrlGuard):
    """The real guard, also noting every host it resolves for a connection."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resolved: list[tuple[str, int]] = []

    def resolve(self, host: str, port: int) -> Any:
        self.resolved.append((host, port))
        return super().resolve(host, port)


def test_https_connections_are_pinned_too(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    server = LoopbackServer({"/hello": (b"hello over tls", "text/plain")}, tls=(cert, key))
    try:
        # Test-only trust: the certificate is self-signed (yt-dlp verifies against certifi).
        params = {"quiet": True, "nocheckcertificate": True}
        guard = CountingGuard(allow_loopback=True)
        state = download_state(guard=guard)
        with GuardedYoutubeDL({**params, "logger": LogAdapter(state)}, state) as ydl:
            body = ydl.urlopen(f"https://127.0.0.1:{server.port}/hello").read()
        assert body == b"hello over tls"
        assert guard.resolved == [("127.0.0.1", server.port)]

        strict = download_state()
        with (
            GuardedYoutubeDL({**params, "logger": LogAdapter(strict)}, strict) as ydl,
            pytest.raises(GuardRefusal),
        ):
            ydl.urlopen(f"https://localhost:{server.port}/hello")
        assert server.hits == ["GET /hello"]
    finally:
        server.close()


def test_only_native_downloaders_run(tmp_path: Path) -> None:
    state = download_state()
    with GuardedYoutubeDL({"quiet": True, "logger": LogAdapter(state)}, state) as ydl:
        info = {"url": "rtmp://127.0.0.1/live/stream", "protocol": "rtmp", "ext": "flv", "id": "x", "title": "x"}
        with pytest.raises(Abort):
            ydl.dl(str(tmp_path / "out.flv"), info)
    assert state.unsafe_downloader is not None
    problem = state_problem(state, Settings(_env_file=None))
    assert problem is not None and "download method" in problem.user_message
