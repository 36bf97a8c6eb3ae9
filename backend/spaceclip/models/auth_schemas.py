"""Request and response bodies of ``/api/auth`` (sign-in, registration, sessions, password)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator
from pydantic.config import JsonDict

from spaceclip.errors import ValidationFailed
from spaceclip.models.account_rules import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_password_policy,
)
from spaceclip.models.schemas import SessionPublic, UserPublic

# The policy is enforced by check_password_policy (one place, shared with the CLI) so the error
# says exactly what to do; the schema only documents the limits.
_POLICY_DOC: JsonDict = {"minLength": MIN_PASSWORD_LENGTH, "maxLength": MAX_PASSWORD_LENGTH}


def _policy(value: str) -> str:
    try:
        check_password_policy(value)
    except ValidationFailed as exc:
        raise ValueError(exc.user_message) from exc
    return value


class LoginRequest(BaseModel):
    email: str = Field(max_length=MAX_EMAIL_LENGTH, examples=["you@example.com"])
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)


class RegisterRequest(BaseModel):
    email: str = Field(max_length=MAX_EMAIL_LENGTH, examples=["you@example.com"])
    password: str = Field(
        description=f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
        json_schema_extra=_POLICY_DOC,
    )
    display_name: str = Field(default="", max_length=MAX_DISPLAY_NAME_LENGTH)

    _check_password = field_validator("password")(_policy)


class PasswordChangeRequest(BaseModel):
    current_password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(
        description=f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
        json_schema_extra=_POLICY_DOC,
    )

    _check_password = field_validator("new_password")(_policy)


class SignedIn(BaseModel):
    """A new session. ``token`` is shown this once: the cookie carries it for browsers; API clients
    send it as ``Authorization: Bearer <token>``. The server keeps only its SHA-256."""

    user: UserPublic
    token: str
    expires_at: datetime = Field(description="Absolute expiry; an idle session ends earlier.")


class SessionList(BaseModel):
    items: list[SessionPublic]


class SessionsRevoked(BaseModel):
    revoked: int = Field(description="How many sessions were signed out.")
