"""SpaceClip's exceptions, mapped to HTTP in one place (:mod:`spaceclip.api.errors`).

Tree::

    SpaceClipError                    base; ``user_message`` says what happened and what to do
    ├── UserError                     caused by the user's input; maps to 4xx, job fails with the message
    │   ├── BadRequest                400
    │   ├── NotAuthenticated          401
    │   ├── Forbidden                 403 (CSRF: foreign or missing Origin)
    │   ├── NotFound                  404 (also for other users' objects)
    │   ├── Conflict                  409 (concurrent edit, wrong state)
    │   ├── PayloadTooLarge           413
    │   ├── UnsupportedMedia          415 / failed job: not audio/video, corrupt, over limits
    │   ├── ValidationFailed          422
    │   └── TooManyRequests           429
    └── SystemFailure                 not the user's fault: a tool is missing or crashed; 500/503
        ├── ExternalToolError         ffmpeg/ffprobe/yt-dlp failed unexpectedly
        ├── ModelMissing              503: the configured Whisper model cannot be found offline
        └── JobCancelled              a running job was cancelled by its owner
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "Conflict",
    "ExternalToolError",
    "Forbidden",
    "JobCancelled",
    "ModelMissing",
    "NotAuthenticated",
    "NotFound",
    "PayloadTooLarge",
    "SpaceClipError",
    "SystemFailure",
    "TooManyRequests",
    "UnsupportedMedia",
    "UserError",
    "ValidationFailed",
]


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


class UnsupportedMedia(UserError):
    status_code = 415
    code = "unsupported_media"


class ValidationFailed(UserError):
    status_code = 422
    code = "validation_failed"


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


class ExternalToolError(SystemFailure):
    code = "tool_failed"


class ModelMissing(SystemFailure):
    status_code = 503
    code = "model_missing"


class JobCancelled(SystemFailure):
    status_code = 409
    code = "cancelled"

    def __init__(self, user_message: str = "The job was cancelled.") -> None:
        super().__init__(user_message)
