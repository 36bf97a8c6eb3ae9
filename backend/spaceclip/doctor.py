"""Health checks behind ``spaceclip doctor``: each says OK or what to do."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from sqlalchemy import text

from spaceclip.config import Settings
from spaceclip.db import Database


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True


def check_ffmpeg(_settings: Settings) -> Check:
    missing = [tool for tool in ("ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if missing:
        return Check("ffmpeg", False, f"{' and '.join(missing)} not found. Install: sudo apt-get install ffmpeg")
    return Check("ffmpeg", True, str(shutil.which("ffmpeg")))


def check_whisper(settings: Settings) -> Check:
    # The same resolution the transcription stage uses, so doctor and jobs never disagree.
    from spaceclip.errors import ModelMissing
    from spaceclip.services.speech.transcribe import resolve_model

    try:
        path = resolve_model(settings.whisper_model, settings.models_dir)
    except ModelMissing as exc:
        return Check("whisper model", False, exc.user_message)
    return Check("whisper model", True, f"{settings.whisper_model} at {path}")


def check_database(settings: Settings) -> Check:
    where = settings.database_url.split("@")[-1]
    try:
        database = Database.from_url(settings.database_url)
        try:
            with database.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                has_version = conn.execute(text("SELECT COUNT(*) FROM alembic_version")).scalar_one_or_none()
        finally:
            database.dispose()
    except Exception as exc:  # report any driver error as a failed check, with its text
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "alembic_version" in first:
            return Check("database", False, f"{where}: not migrated yet. Run: spaceclip db upgrade")
        return Check("database", False, f"{where}: {first}. Check DATABASE_URL")
    if not has_version:
        return Check("database", False, f"{where}: not migrated yet. Run: spaceclip db upgrade")
    return Check("database", True, where)


def check_data_dir(settings: Settings) -> Check:
    try:
        settings.ensure_dirs()
        probe = settings.data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return Check("data dir", False, f"{settings.data_dir} is not writable ({exc.strerror}). Set SPACECLIP_DATA_DIR")
    return Check("data dir", True, str(settings.data_dir))


def check_queue(settings: Settings) -> Check:
    if not settings.redis_url:
        return Check("queue", True, f"embedded (SQLite file {settings.queue_path})")
    try:
        import redis

        redis.Redis.from_url(settings.redis_url, socket_timeout=2).ping()
    except Exception as exc:  # any connection error means the same thing to the user
        return Check("queue", False, f"Redis at SPACECLIP_REDIS_URL does not answer ({exc}). Start Redis or unset it")
    return Check("queue", True, f"Redis {settings.redis_url.split('@')[-1]}")


def check_ollama(settings: Settings) -> Check:
    url = settings.ollama_host.rstrip("/") + "/api/tags"
    try:
        response = httpx.get(url, timeout=2.0)
        response.raise_for_status()
        models = [m.get("name", "?") for m in response.json().get("models", [])]
    except (httpx.HTTPError, ValueError) as exc:
        return Check(
            "ollama",
            False,
            f"not reachable at {settings.ollama_host} ({type(exc).__name__}); the built-in highlight "
            "scorer is used. Optional: install Ollama and `ollama pull " + settings.ollama_model + "`",
            required=False,
        )
    if not any(m.split(":")[0] == settings.ollama_model.split(":")[0] for m in models):
        return Check(
            "ollama",
            False,
            f"reachable, but model {settings.ollama_model} is missing: run `ollama pull {settings.ollama_model}`",
            required=False,
        )
    return Check("ollama", True, f"{settings.ollama_host} with {settings.ollama_model}", required=False)


CHECKS: tuple[Callable[[Settings], Check], ...] = (
    check_ffmpeg,
    check_whisper,
    check_data_dir,
    check_database,
    check_queue,
    check_ollama,
)


def run_checks(settings: Settings) -> list[Check]:
    return [check(settings) for check in CHECKS]
