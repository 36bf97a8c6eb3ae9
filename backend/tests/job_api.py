"""Waiting on a job through the API, as the web app does: poll ``GET /api/jobs/{id}`` until it ends."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

TERMINAL = frozenset({"succeeded", "failed", "cancelled"})


def wait_for_api_job(client: TestClient, job_id: str, timeout: float = 180.0) -> dict[str, Any]:
    """The job as the API shows it once its status is terminal; fails the test after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in TERMINAL:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']} ({job['stage']}) after {timeout} s"
        time.sleep(0.3)
