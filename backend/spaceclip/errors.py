"""SpaceClip's exceptions, mapped to HTTP in one place (:mod:`spaceclip.api.errors`).

Tree::

    SpaceClipError                    base; ``user_message`` says what happened and what to do
    ├── UserError                     caused by the user's input; maps to 4xx, job fails with the message
    │   ├── BadRequest                400
    │   │   ├── UrlRefused            a link SpaceClip will not fetch (bad scheme, port, credentials, ...)
    │   │   │   ├── PrivateAddressRefused   the host is, or resolves to, a non-public address
    │   │   │   └── HostNotFound      the host name does not resolve
    │   │   ├── SignInRequired        the site wants a signed-in cookies file (X Spaces)
    │   │   └── FeedRefused           a podcast feed SpaceClip will not read (hostile XML, too big, gone)
    │   ├── NotAuthenticated          401
    │   ├── Forbidden                 403 (CSRF: foreign or missing Origin)
    │   ├── NotFound                  404 (also for other users' objects)
    │   ├── Conflict                  409 (concurrent edit, wrong state)
    │   ├── PayloadTooLarge           413
    │   │   └── MediaTooLarge         a linked file over the upload size limit
    │   ├── UnsupportedMedia          415 / failed job: not audio/video, corrupt, over limits
    │   │   ├── NoMediaFound          no audio or video at the link
    │   │   ├── MediaTooLong          over the duration limit (as probed, as decoded, or as a site reports)
    │   │   └── NoReplay              an X Space that is live, upcoming or has no replay
    │   ├── RangeNotSatisfiable       416: a byte range outside the file
    │   ├── ValidationFailed          422
    │   │   ├── LanguageNotSupported  the Whisper model cannot transcribe the language asked for
    │   │   └── GlyphsMissing         caption characters no installed font can draw
    │   └── TooManyRequests           429
    └── SystemFailure                 not the user's fault: a tool is missing or crashed; 500/503
        ├── ExternalToolError         ffmpeg/ffprobe/yt-dlp failed unexpectedly
        │   ├── ToolMissing           a required program is not installed or not on PATH
        │   ├── ProcessTimedOut       a process ran past its wall-clock limit and was killed
        │   ├── ToolFailed            a process exited non-zero; carries its exit code and stderr tail
        │   └── DownloadNetworkError  the site could not be reached; retrying later may work
        ├── ModelMissing              503: the configured Whisper model cannot be found offline
        ├── LlmUnavailable            503: the LLM cannot be used now (the built-in scorer takes over)
        │   └── LlmBadAnswer          it answered, but not JSON following the requested schema
        ├── UnsafePath                a path would leave the storage root: a bug or tampering
        └── JobCancelled              a running job was cancelled by its owner

Errors that stay private to one module or package (``tasks.runner.JobLost``, ``tasks.registry.UnknownJobKind``,
and the yt-dlp subclasses in ``services.ingest.ytdlp_state``) never reach a caller outside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

__all__ = [
    "PRIVATE_NETWORK_MESSAGE",
    "BadRequest",
    "Conflict",
    "DownloadNetworkError",
    "ExternalToolError",
    "FeedRefused",
    "Forbidden",
    "GlyphsMissing",
    "HostNotFound",
    "JobCancelled",
    "LanguageNotSupported",
    "LlmBadAnswer",
    "LlmUnavailable",
    "MediaTooLarge",
    "MediaTooLong",
    "ModelMissing",
    "NoMediaFound",
    "NoReplay",
    "NotAuthenticated",
    "NotFound",
    "PayloadTooLarge",
    "PrivateAddressRefused",
    "ProcessTimedOut",
    "RangeNotSatisfiable",
    "ServiceBusy",
    "SignInRequired",
    "SpaceClipError",
    "SystemFailure",
    "TooManyRequests",
    "ToolFailed",
    "ToolMissing",
    "UnsafePath",
    "UnsupportedMedia",
    "UrlRefused",
    "UserError",
    "ValidationFailed",
    "choose",
]

_T = TypeVar("_T")


class SpaceClipError(Exception):
    """Base of every error SpaceClip raises on purpose."""

    status_code: int = 500
    code: str = "internal_error"

    def __init__(self, user_message: str, *, detail: str | None = None) -> None:
        super().__init__(user_message if detail is None else f"{user_message} ({detail})")
        self.user_message = user_message
        self.detail = detail


class UserError(SpaceClipError):
    """Caused by the request or the user's file; the message tells the user what to do."""

    status_code = 400
    code = "bad_request"


class BadRequest(UserError):
    pass


PRIVATE_NETWORK_MESSAGE = (
    "This link points to a private network address, which SpaceClip refuses for safety. "
    "Use a public link or upload the file."
)


class UrlRefused(BadRequest):
    """A link SpaceClip will not fetch; the message says why and what to do instead."""

    code = "url_refused"


class PrivateAddressRefused(UrlRefused):
    """The link's host is, or resolves to, a non-public address."""

    def __init__(self, *, detail: str | None = None) -> None:
        super().__init__(PRIVATE_NETWORK_MESSAGE, detail=detail)


class HostNotFound(UrlRefused):
    """The host name does not resolve."""

    code = "host_not_found"


class SignInRequired(BadRequest):
    code = "sign_in_required"


class FeedRefused(BadRequest):
    """A podcast feed SpaceClip will not read: hostile XML, too large, gone, or rewritten episode ids."""

    code = "feed_refused"


class NotAuthenticated(UserError):
    status_code = 401
    code = "not_authenticated"

    def __init__(self, user_message: str = "Please sign in to continue.", **kw: str | None) -> None:
        super().__init__(user_message, **kw)


class Forbidden(UserError):
    status_code = 403
    code = "forbidden"


class NotFound(UserError):
    status_code = 404
    code = "not_found"


class Conflict(UserError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(UserError):
    status_code = 413
    code = "payload_too_large"


class MediaTooLarge(PayloadTooLarge):
    code = "media_too_large"


class UnsupportedMedia(UserError):
    status_code = 415
    code = "unsupported_media"


class NoMediaFound(UnsupportedMedia):
    """yt-dlp found no audio or video at the link."""

    code = "no_media_found"


class MediaTooLong(UnsupportedMedia):
    code = "media_too_long"


class NoReplay(UnsupportedMedia):
    """An X Space that is live, upcoming, or ended without a replay."""

    code = "no_replay"


class RangeNotSatisfiable(UserError):
    status_code = 416
    code = "range_not_satisfiable"

    def __init__(self, user_message: str, *, size: int) -> None:
        super().__init__(user_message)
        self.size = size


class ValidationFailed(UserError):
    status_code = 422
    code = "validation_failed"


def choose(choices: Mapping[str, _T], key: str, what: str) -> _T:
    """``choices[key]``; for an unknown key, ValidationFailed naming ``what`` and listing the valid keys."""
    try:
        return choices[key]
    except KeyError:
        raise ValidationFailed(f"Unknown {what} {key!r}. Choose one of: {', '.join(choices)}.") from None


class GlyphsMissing(ValidationFailed):
    """The captions hold characters that neither the bundled font nor any installed font can draw
    (libass would burn in empty boxes); ``chars`` are those characters."""

    code = "glyphs_missing"

    def __init__(self, user_message: str, *, chars: tuple[str, ...], detail: str | None = None) -> None:
        super().__init__(user_message, detail=detail)
        self.chars = chars


class LanguageNotSupported(ValidationFailed):
    """The language asked for is not one the configured Whisper model can transcribe."""

    code = "language_not_supported"


class TooManyRequests(UserError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, user_message: str, *, retry_after_s: int = 60) -> None:
        super().__init__(user_message)
        self.retry_after_s = retry_after_s


class SystemFailure(SpaceClipError):
    """Not the user's fault: a missing tool, a crash, a bug."""

    status_code = 500
    code = "internal_error"


class ServiceBusy(SpaceClipError):
    """The server is saturated right now (no request slot, no database connection, the SQLite write
    lock taken too long): 503 with ``Retry-After``. Nothing is wrong; the same request later works."""

    status_code = 503
    code = "service_busy"

    def __init__(self, user_message: str, *, retry_after_s: int = 2, detail: str | None = None) -> None:
        super().__init__(user_message, detail=detail)
        self.retry_after_s = retry_after_s


class ExternalToolError(SystemFailure):
    code = "tool_failed"


class ToolMissing(ExternalToolError):
    """A required program (ffmpeg, ffprobe, ...) is not installed or not on PATH."""


class ProcessTimedOut(ExternalToolError):
    """A process ran past its wall-clock limit and was killed with its process group."""


class ToolFailed(ExternalToolError):
    """A process exited non-zero (or was killed by a signal); carries its exit code and stderr tail."""

    def __init__(
        self, user_message: str, *, returncode: int, stderr_tail: tuple[str, ...], detail: str | None = None
    ) -> None:
        super().__init__(user_message, detail=detail)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class DownloadNetworkError(ExternalToolError):
    """The site could not be reached or answered with an error; retrying later may work."""

    code = "download_network_error"


class ModelMissing(SystemFailure):
    status_code = 503
    code = "model_missing"


class LlmUnavailable(SystemFailure):
    """The LLM cannot be used right now; highlights fall back to the built-in scorer."""

    status_code = 503
    code = "llm_unavailable"


class LlmBadAnswer(LlmUnavailable):
    """The server answered, but the content was not JSON following the requested schema."""

    code = "llm_bad_answer"


class UnsafePath(SystemFailure):
    """A computed or stored path would leave the storage root: a bug or tampering, never served."""

    code = "unsafe_path"


class JobCancelled(SystemFailure):
    status_code = 409
    code = "cancelled"

    def __init__(self, user_message: str = "The job was cancelled.") -> None:
        super().__init__(user_message)
