"""One settings class for the whole application.

Values come from the environment and from ``backend/.env``. Nothing else in the package reads
``os.environ``: every module receives a :class:`Settings` instance.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BACKEND_DIR = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "spaceclip"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Every tunable of SpaceClip. Environment names are given in ``validation_alias``."""

    model_config = SettingsConfigDict(
        env_file=BACKEND_DIR / ".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Storage
    data_dir: Path = Field(default_factory=_default_data_dir, validation_alias=_env("SPACECLIP_DATA_DIR"))
    database_url_setting: str | None = Field(default=None, validation_alias=_env("DATABASE_URL"))
    upload_dir_setting: Path | None = Field(default=None, validation_alias=_env("UPLOAD_DIR"))
    output_dir_setting: Path | None = Field(default=None, validation_alias=_env("OUTPUT_DIR"))

    # Models
    whisper_model: str = Field(default="tiny.en", validation_alias=_env("WHISPER_MODEL"))
    whisper_language: str | None = Field(default=None, validation_alias=_env("WHISPER_LANGUAGE"))
    # Prompt Whisper to write "um", "uh" (English): finds more hesitations, costs some accuracy.
    filler_prompt: bool = Field(default=False, validation_alias=_env("SPACECLIP_FILLER_PROMPT"))
    # Where `spaceclip models install` assembles models (default <data dir>/models).
    models_dir_setting: Path | None = Field(default=None, validation_alias=_env("SPACECLIP_MODELS_DIR"))
    ollama_host: str = Field(default="http://127.0.0.1:11434", validation_alias=_env("OLLAMA_HOST"))
    ollama_model: str = Field(default="llama3.2", validation_alias=_env("OLLAMA_MODEL"))
    ollama_timeout_s: float = Field(default=60.0, validation_alias=_env("OLLAMA_TIMEOUT_S"))
    ollama_connect_timeout_s: float = Field(default=3.0, gt=0, validation_alias=_env("OLLAMA_CONNECT_TIMEOUT_S"))
    ollama_max_candidates: int = Field(default=12, ge=0, le=100, validation_alias=_env("OLLAMA_MAX_CANDIDATES"))
    ollama_budget_s: float = Field(default=300.0, gt=0, validation_alias=_env("OLLAMA_BUDGET_S"))

    # Queue
    redis_url: str | None = Field(default=None, validation_alias=_env("SPACECLIP_REDIS_URL"))
    workers: int = Field(default=2, ge=1, le=64, validation_alias=_env("SPACECLIP_WORKERS"))
    job_heartbeat_s: float = Field(default=5.0, gt=0, validation_alias=_env("SPACECLIP_JOB_HEARTBEAT_S"))
    job_stale_s: float = Field(default=60.0, gt=0, validation_alias=_env("SPACECLIP_JOB_STALE_S"))
    job_max_attempts: int = Field(default=3, ge=1, le=20, validation_alias=_env("SPACECLIP_JOB_MAX_ATTEMPTS"))
    job_retry_backoff_s: float = Field(default=10.0, ge=0, validation_alias=_env("SPACECLIP_JOB_RETRY_BACKOFF_S"))
    process_timeout_s: float = Field(default=4 * 3600.0, gt=0, validation_alias=_env("SPACECLIP_PROCESS_TIMEOUT_S"))

    # Limits
    max_upload_mb: int = Field(default=4096, ge=1, validation_alias=_env("SPACECLIP_MAX_UPLOAD_MB"))
    max_duration_minutes: float = Field(default=240.0, gt=0, validation_alias=_env("SPACECLIP_MAX_DURATION_MINUTES"))
    max_video_side: int = Field(default=7680, ge=16, validation_alias=_env("SPACECLIP_MAX_VIDEO_SIDE"))
    max_streams: int = Field(default=16, ge=1, validation_alias=_env("SPACECLIP_MAX_STREAMS"))

    # Sessions and sign-in
    session_idle_hours: float = Field(default=72.0, gt=0, validation_alias=_env("SPACECLIP_SESSION_IDLE_HOURS"))
    session_absolute_hours: float = Field(
        default=720.0, gt=0, validation_alias=_env("SPACECLIP_SESSION_ABSOLUTE_HOURS")
    )
    session_touch_interval_s: float = Field(
        default=3600.0, ge=0, validation_alias=_env("SPACECLIP_SESSION_TOUCH_INTERVAL_S")
    )
    session_cookie_name: str = Field(default="spaceclip_session", validation_alias=_env("SPACECLIP_COOKIE_NAME"))
    cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto", validation_alias=_env("SPACECLIP_COOKIE_SECURE")
    )
    login_max_attempts: int = Field(default=10, ge=1, validation_alias=_env("SPACECLIP_LOGIN_MAX_ATTEMPTS"))
    login_window_s: float = Field(default=180.0, gt=0, validation_alias=_env("SPACECLIP_LOGIN_WINDOW_S"))
    # NoDecode: the variable is comma-separated (split by _split_origins), not JSON.
    trusted_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SPACECLIP_TRUSTED_ORIGINS")
    )
    allow_registration: bool = Field(default=True, validation_alias=_env("SPACECLIP_ALLOW_REGISTRATION"))

    # URLs from users
    allow_private_urls: bool = Field(default=False, validation_alias=_env("SPACECLIP_ALLOW_PRIVATE_URLS"))
    cookies_file: Path | None = Field(default=None, validation_alias=_env("SPACECLIP_COOKIES_FILE"))

    # Podcast feeds (services/feeds, usecases/feeds): the most a feed document may weigh, how long
    # one fetch may take, and how often auto-import looks at a feed again.
    feed_max_mb: int = Field(default=10, ge=1, le=100, validation_alias=_env("SPACECLIP_FEED_MAX_MB"))
    feed_timeout_s: float = Field(default=20.0, gt=0, validation_alias=_env("SPACECLIP_FEED_TIMEOUT_S"))
    feed_poll_s: float = Field(default=1800.0, gt=0, validation_alias=_env("SPACECLIP_FEED_POLL_S"))

    # Server
    host: str = Field(default="127.0.0.1", validation_alias=_env("SPACECLIP_HOST"))
    port: int = Field(default=8000, ge=1, le=65535, validation_alias=_env("SPACECLIP_PORT"))
    frontend_dir: Path | None = Field(default=None, validation_alias=_env("SPACECLIP_FRONTEND_DIR"))
    log_level: str = Field(default="INFO", validation_alias=_env("SPACECLIP_LOG_LEVEL"))
    # Concurrency (docs/DEVELOPING.md, "Concurrency"): how many API requests are worked on at once,
    # each with at most one thread and one database connection (the pool is sized from it); the
    # others wait in line up to the queue timeout, then get 503 with Retry-After.
    api_concurrency: int = Field(default=40, ge=1, le=1000, validation_alias=_env("SPACECLIP_API_CONCURRENCY"))
    api_queue_timeout_s: float = Field(
        default=5.0, gt=0, le=300, validation_alias=_env("SPACECLIP_API_QUEUE_TIMEOUT_S")
    )

    @field_validator("trusted_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]
        return value

    @field_validator("database_url_setting")
    @classmethod
    def _check_db_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not (value.startswith("sqlite") or value.startswith("postgresql+psycopg://")):
            raise ValueError(
                f"DATABASE_URL must be a sqlite:/// or postgresql:// URL (got {value.split(':', 1)[0]}://...)"
            )
        return value

    @cached_property
    def database_url(self) -> str:
        """The SQLAlchemy URL: ``DATABASE_URL`` or SQLite in the data directory."""
        if self.database_url_setting:
            return self.database_url_setting
        return f"sqlite:///{self.data_dir / 'spaceclip.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def upload_dir(self) -> Path:
        return self.upload_dir_setting or self.data_dir / "uploads"

    @property
    def output_dir(self) -> Path:
        return self.output_dir_setting or self.data_dir / "outputs"

    @property
    def models_dir(self) -> Path:
        """Where assembled Whisper models live (``spaceclip models install``)."""
        return (self.models_dir_setting or self.data_dir / "models").expanduser()

    @property
    def queue_path(self) -> Path:
        """Huey's SQLite storage, used when no Redis URL is set."""
        return self.data_dir / "queue.db"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_duration_s(self) -> float:
        return self.max_duration_minutes * 60.0

    def ensure_dirs(self) -> None:
        """Create the data, upload and output directories if missing."""
        for path in (self.data_dir, self.upload_dir, self.output_dir):
            path.mkdir(parents=True, exist_ok=True)


def get_settings() -> Settings:
    """Read settings from the environment (a fresh instance each call; callers keep it)."""
    return Settings()
