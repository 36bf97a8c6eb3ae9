"""Test factories: users and signed-in clients, made through the real code paths."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fastapi.testclient import TestClient

from spaceclip.auth.passwords import hash_password
from spaceclip.auth.sessions import create_session
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import User

TEST_ORIGIN = "http://testserver"
DEFAULT_PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@dataclass
class MadeUser:
    id: str
    email: str
    password: str


class UserFactory:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings

    def create(self, email: str | None = None, password: str = DEFAULT_PASSWORD) -> MadeUser:
        email = email or f"user{next(_counter)}@example.com"
        with self.database.session() as db:
            user = User(email=email, password_hash=hash_password(password))
            db.add(user)
            db.flush()
            return MadeUser(id=user.id, email=email, password=password)

    def create_with_token(self, email: str | None = None, password: str = DEFAULT_PASSWORD) -> tuple[MadeUser, str]:
        """A new user and a live session token for it, as right after a login."""
        user = self.create(email, password)
        return user, self.token_for(user)

    def token_for(self, user: MadeUser) -> str:
        """A real session token for ``user`` (as a login would issue)."""
        with self.database.session() as db:
            row = db.get(User, user.id)
            assert row is not None
            return create_session(db, row, self.settings).token

    def sign_in(self, client: TestClient, user: MadeUser) -> str:
        """Put a fresh session cookie for ``user`` on ``client``; returns the token."""
        token = self.token_for(user)
        self.with_cookie(client, token)
        return token

    def with_cookie(self, client: TestClient, token: str) -> TestClient:
        """``client``, sending ``token`` (live, dead or made up) as its session cookie from now on."""
        client.cookies.set(self.settings.session_cookie_name, token)
        return client
