"""Accounts: create_user (used by register and by `spaceclip user create`), e-mail and password rules."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from spaceclip.auth.passwords import verify_password
from spaceclip.auth.users import create_user, get_user_by_email, normalize_email
from spaceclip.db import Database
from spaceclip.errors import Conflict, ValidationFailed
from spaceclip.models.account_rules import check_password_policy
from spaceclip.models.tables import User


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  Ada@Example.COM\n", "ada@example.com"),
        ("\uff21\uff24\uff21@example.com", "ada@example.com"),  # full-width letters (NFKC)
        ("admin@localhost", "admin@localhost"),
        ("first.last+tag@sub.example.org", "first.last+tag@sub.example.org"),
    ],
)
def test_normalize_email(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "no-at-sign", "@example.com", "ada@", "a@b@c", "ada lovelace@example.com", "x" * 65 + "@a.b"]
)
def test_normalize_email_rejects(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_email(raw)
    assert "e-mail address" in info.value.user_message


@pytest.mark.parametrize(
    ("length", "ok"), [(0, False), (7, False), (8, True), (9, True), (255, True), (256, True), (257, False)]
)
def test_password_length_policy(length: int, ok: bool) -> None:
    if ok:
        check_password_policy("p" * length)
    else:
        with pytest.raises(ValidationFailed, match="characters"):
            check_password_policy("p" * length)


def test_create_user_normalises_and_hashes(database: Database) -> None:
    with database.session() as db:
        user = create_user(db, " Grace@Example.com ", "cobol compiler", "")
        user_id = user.id
    with database.session() as db:
        row = get_user_by_email(db, "GRACE@example.com")
        assert row is not None and row.id == user_id
        assert row.email == "grace@example.com"
        assert row.display_name == "grace"  # defaults to the address's local part
        assert row.password_hash.startswith("$argon2id$")
        assert "cobol" not in row.password_hash
        assert verify_password(row.password_hash, "cobol compiler")


def test_create_user_refuses_duplicates_and_bad_input(database: Database) -> None:
    with database.session() as db:
        create_user(db, "dup@example.com", "first password", "First")
    with database.session() as db:
        with pytest.raises(Conflict, match="already exists"):
            create_user(db, "DUP@example.com", "second password", "Second")
        with pytest.raises(ValidationFailed, match="at least 8"):
            create_user(db, "short@example.com", "1234567", "")
        with pytest.raises(ValidationFailed, match="at most 256"):
            create_user(db, "long@example.com", "x" * 257, "")
        with pytest.raises(ValidationFailed, match="display name"):
            create_user(db, "name@example.com", "long enough", "n" * 201)
        assert db.scalar(select(func.count()).select_from(User)) == 1
