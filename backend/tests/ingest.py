"""Shared by the URL-ingest tests: links into private ranges, a loopback HTTP server, yt-dlp state.

No helper here sends traffic anywhere but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.server
import ssl
import threading
from pathlib import Path
from typing import Any

from spaceclip.config import Settings
from spaceclip.services.ingest.urlguard import UrlGuard
from spaceclip.services.ingest.ytdlp_state import DownloadState

#: Hosts in private, shared or link-local ranges (the cloud metadata address too): always refused.
PRIVATE_RANGE_LINKS = [
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://[fc00::1]/",
    "http://[fd12::1]/",
]


class LoopbackServer:
    """An HTTP server on 127.0.0.1 that records every request.

    Args:
        files: path -> (body, content type), served with Content-Length.
        streamed: paths served without Content-Length (body ends when the connection closes).
        redirects: path -> (status, Location).
        tls: (certificate, key) to serve HTTPS.
    """

    def __init__(
        self,
        files: dict[str, tuple[bytes, str]] | None = None,
        *,
        streamed: set[str] | None = None,
        redirects: dict[str, tuple[int, str]] | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.files = files or {}
        self.streamed = streamed or set()
        self.redirects = redirects or {}
        self.hits: list[str] = []
        self.cookies: list[str | None] = []
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(body=True)

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def _answer(self, *, body: bool) -> None:
                with server._lock:
                    server.hits.append(f"{self.command} {self.path}")
                    server.cookies.append(self.headers.get("Cookie"))
                path = self.path.split("?", 1)[0]
                if path in server.redirects:
                    status, location = server.redirects[path]
                    self.send_response(status)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if path not in server.files:
                    self.send_error(404)
                    return
                data, ctype = server.files[path]
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                if path in server.streamed:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:  # the client may stop reading (size limit, cancel): expected
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile=tls[0], keyfile=tls[1])
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def ingest_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings with their data dir under ``tmp_path`` and no ``.env`` file."""
    return Settings(data_dir=tmp_path / "data", _env_file=None, **overrides)


def download_state(**overrides: Any) -> DownloadState:
    """A download's state with the default guard, a 10 MB and 10 minute cap, and no callbacks."""
    fields: dict[str, Any] = {
        "guard": UrlGuard(),
        "max_bytes": 10 * 1024 * 1024,
        "max_duration_s": 600.0,
        "progress": None,
        "cancel": None,
    }
    fields.update(overrides)
    return DownloadState(**fields)
