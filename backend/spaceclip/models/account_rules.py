"""Account rules shared by the API schemas, the CLI and the sign-in use cases: limits and the
password policy, in one place so every error says exactly what to do."""

from __future__ import annotations

from spaceclip.errors import ValidationFailed

__all__ = [
    "MAX_DISPLAY_NAME_LENGTH",
    "MAX_EMAIL_LENGTH",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "check_password_policy",
]

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_EMAIL_LENGTH = 320
MAX_DISPLAY_NAME_LENGTH = 200


def check_password_policy(password: str) -> None:
    """Enforce the password length (8 to 256 characters).

    Raises:
        ValidationFailed: the password is too short or too long; the message says the limits.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password is too short ({len(password)} characters). Use at least "
            f"{MIN_PASSWORD_LENGTH} characters; a few unrelated words make a good one."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password is too long ({len(password)} characters). Use at most {MAX_PASSWORD_LENGTH} characters."
        )
