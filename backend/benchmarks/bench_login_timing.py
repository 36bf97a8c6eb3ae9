"""Login timing: unknown user vs wrong password (the two must not be told apart).

Prints the median time of each kind of failed sign-in through the real app (TestClient, SQLite in a
temporary directory, real Argon2id) and their ratio; the goal is 0.8-1.25. Run from backend/:

    ../.venv/bin/python benchmarks/bench_login_timing.py [--rounds 30] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from spaceclip.auth.users import create_user
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.main import create_app
from spaceclip.migrate import upgrade

EMAIL = "bench@example.com"


def timed_login(client: TestClient, email: str) -> float:
    start = time.perf_counter()
    resp = client.post("/api/auth/login", json={"email": email, "password": "wrong password"})
    elapsed = time.perf_counter() - start
    assert resp.status_code == 401, resp.text
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary directory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            database_url_setting=args.database_url,
            login_max_attempts=1_000_000,  # measure the password check, not the throttle
            _env_file=None,  # type: ignore[call-arg]
        )
        upgrade(settings)
        database = Database.from_url(settings.database_url)
        with database.session() as db:
            create_user(db, EMAIL, "the real password", "Bench")
        database.dispose()

        with TestClient(create_app(settings)) as client:
            for _ in range(3):  # warm up both paths
                timed_login(client, EMAIL)
                timed_login(client, "nobody@example.com")
            wrong: list[float] = []
            unknown: list[float] = []
            for i in range(args.rounds):  # interleaved, so drift affects both alike
                wrong.append(timed_login(client, EMAIL))
                unknown.append(timed_login(client, f"nobody{i}@example.com"))

    med_wrong, med_unknown = statistics.median(wrong), statistics.median(unknown)
    print(f"rounds: {args.rounds} each ({settings.database_url.split(':', 1)[0]})")
    print(describe("wrong password", wrong))
    print(describe("unknown user", unknown))
    ratio = med_unknown / med_wrong
    verdict = "within" if 0.8 <= ratio <= 1.25 else "OUTSIDE"
    print(f"ratio unknown/wrong: {ratio:.3f} ({verdict} the 0.8-1.25 goal)")


def describe(label: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"{label:<15} median {statistics.median(ms):7.2f} ms  (min {min(ms):.2f}, max {max(ms):.2f})"


if __name__ == "__main__":
    main()
