"""What one yt-dlp download has seen so far, shared by the guard, the hooks and the error mapping.

yt-dlp reports most problems as wording in a :class:`~yt_dlp.utils.DownloadError`. SpaceClip's own
reasons (a guard refusal, a size or duration limit, a cancel, a live stream, an unsafe downloader)
are recorded here by whoever notices them first, so that
:func:`~spaceclip.services.ingest.download_errors.state_problem` can name the real reason
whatever yt-dlp's message says. Internal to :mod:`spaceclip.services.ingest`.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from yt_dlp.networking.exceptions import RequestError
from yt_dlp.utils import DownloadCancelled

from spaceclip.errors import UrlRefused
from spaceclip.services.ingest.urlguard import UrlGuard

__all__ = [
    "Abort",
    "CancelFn",
    "DownloadState",
    "GuardRefusal",
    "ProgressFn",
]

ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]


@dataclass
class DownloadState:
    """One download's limits, callbacks and everything the hooks recorded."""

    guard: UrlGuard
    max_bytes: int
    max_duration_s: float
    progress: ProgressFn | None
    cancel: CancelFn | None
    refusals: list[UrlRefused] = field(default_factory=list)
    too_long_s: float | None = None
    too_large_bytes: int | None = None
    live_status: str | None = None
    cancelled: bool = False
    unsafe_downloader: str | None = None
    messages: deque[str] = field(default_factory=lambda: deque(maxlen=50))
    bytes_by_file: dict[str, int] = field(default_factory=dict)
    fraction_by_file: dict[str, float] = field(default_factory=dict)
    last_fraction: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, exc: UrlRefused) -> GuardRefusal:
        with self.lock:
            self.refusals.append(exc)
        return GuardRefusal(exc)


class GuardRefusal(RequestError):  # type: ignore[misc]
    """Carries a guard refusal through yt-dlp's networking layer (it expects RequestError)."""

    def __init__(self, refusal: UrlRefused) -> None:
        super().__init__(f"SpaceClip URL guard refused the request: {refusal}")
        self.refusal = refusal


class Abort(DownloadCancelled):  # type: ignore[misc]
    """Stops yt-dlp from a hook; the reason is in :class:`DownloadState`."""
