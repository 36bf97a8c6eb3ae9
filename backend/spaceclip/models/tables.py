"""SQLAlchemy tables. Every owned object carries ``owner_id`` and is looked up through it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use spaceclip.models.tables.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class UserSession(Base):
    """A sign-in session. Only the SHA-256 of the token is stored, never the token."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(512), default="")

    user: Mapped[User] = relationship(back_populates="sessions")


class LoginAttempt(Base):
    """A failed (or throttled) sign-in try, keyed by IP and by account, for throttling."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectStatus(StrEnum):
    QUEUED = "queued"
    PROBING = "probing"
    READY_FOR_ANALYSIS = "ready_for_analysis"
    ANALYZING = "analyzing"
    READY = "ready"
    FAILED = "failed"


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    source_kind: Mapped[str] = mapped_column(String(16))  # "upload" | "url"
    source_url: Mapped[str | None] = mapped_column(Text, default=None)
    original_filename: Mapped[str | None] = mapped_column(String(500), default=None)
    media_path: Mapped[str | None] = mapped_column(String(500), default=None)  # relative to storage root
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(32), default=ProjectStatus.QUEUED)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    media_info: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The language the creator chose for the transcript (a Whisper code); None: detect it.
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    jobs: Mapped[list[Job]] = relationship(back_populates="project", cascade="all, delete-orphan", passive_deletes=True)

    __mapper_args__ = {"version_id_col": version}


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL_JOB_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class Job(Base):
    """Long work. The jobs table is the source of truth for status; the queue only carries ids."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_heartbeat", "status", "heartbeat_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    stage: Mapped[str] = mapped_column(String(64), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="Waiting for a worker")
    error: Mapped[str | None] = mapped_column(Text, default=None)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    worker_id: Mapped[str | None] = mapped_column(String(128), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    run_after: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="jobs")


class Transcript(Base):
    """What Whisper heard in a project's audio; one per project, replaced by re-analysis."""

    __tablename__ = "transcripts"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    model: Mapped[str] = mapped_column(String(200), default="")
    #: The speaker stage's voice turns, ``[[start, end, label], ...]`` (null: analysed before they were kept).
    turns: Mapped[list[list[Any]] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Speaker(Base):
    """A voice found in a project (``Speaker 1..n``); ``name`` is the creator's renaming."""

    __tablename__ = "speakers"
    __table_args__ = (Index("ix_speakers_project_label", "project_id", "label", unique=True),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def display_name(self) -> str:
        return self.name or self.label


class Segment(Base):
    """A transcript segment with its words (JSON list of {start, end, word, probability, speaker})."""

    __tablename__ = "segments"
    __table_args__ = (Index("ix_segments_project_idx", "project_id", "idx", unique=True),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    speaker_label: Mapped[str] = mapped_column(String(64), default="Speaker 1")
    text: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Highlight(Base):
    """A moment worth sharing, found by the built-in scorer (and re-ranked by an LLM when one answers).

    ``features`` holds the scorer's explainable feature values (name → 0..1); ``source`` says who
    wrote the title/hook ("builtin" or "llm"); ``llm_note`` is "LLM unavailable: …" when the LLM was
    asked and could not help. ``feedback`` is the creator's thumbs: -1, 0 or 1. ``batch`` groups the
    highlights of one run ("analyze" or the id of a "find more" job).
    """

    __tablename__ = "highlights"
    __table_args__ = (Index("ix_highlights_project_rank", "project_id", "rank"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    batch: Mapped[str] = mapped_column(String(64), default="analyze")
    rank: Mapped[int] = mapped_column(Integer, default=0)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    title: Mapped[str] = mapped_column(String(300), default="")
    hook: Mapped[str | None] = mapped_column(Text, default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    key_sentence: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    speakers: Mapped[list[str]] = mapped_column(JSON, default=list)
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(16), default="builtin")
    llm_note: Mapped[str | None] = mapped_column(Text, default=None)
    feedback: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Clip(Base):
    """A range of a project the creator wants to post, with its look (caption/audiogram style)."""

    __tablename__ = "clips"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    highlight_id: Mapped[str | None] = mapped_column(
        ForeignKey("highlights.id", ondelete="SET NULL"), default=None, index=True
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    caption_style: Mapped[str] = mapped_column(String(32), default="karaoke")
    audiogram_style: Mapped[str | None] = mapped_column(String(32), default=None)
    speaker_colors: Mapped[bool] = mapped_column(Boolean, default=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


class Export(Base):
    """One render of a clip for one platform preset, with the compliance check of the result.

    Paths are relative to the storage root. ``check`` is the stored result of probing the file
    against its preset: ``{"passed": bool, "items": [{"name", "expected", "actual", "passed"}]}``.
    ``settings`` is a snapshot of the clip (range, styles, title) the render used.
    """

    __tablename__ = "exports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clip_id: Mapped[str] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    platform: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=ExportStatus.QUEUED)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    video_path: Mapped[str | None] = mapped_column(String(500), default=None)
    srt_path: Mapped[str | None] = mapped_column(String(500), default=None)
    vtt_path: Mapped[str | None] = mapped_column(String(500), default=None)
    thumbnail_path: Mapped[str | None] = mapped_column(String(500), default=None)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    check: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BrandKit(Base):
    """A user's brand kit (one per account): colours, font, logo watermark, intro/outro cards.

    File paths are relative to the upload root (``brand/<owner_id>/...``, server-chosen names).
    Every export snapshots the kit as it is when it is asked for (``RenderSnapshot.brand``).
    """

    __tablename__ = "brand_kits"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    background: Mapped[str] = mapped_column(String(7), default="#111827")
    text_color: Mapped[str] = mapped_column(String(7), default="#FFFFFF")
    accent: Mapped[str] = mapped_column(String(7), default="#F59E0B")
    font_path: Mapped[str | None] = mapped_column(String(500), default=None)
    font_family: Mapped[str | None] = mapped_column(String(100), default=None)
    font_name: Mapped[str | None] = mapped_column(String(255), default=None)
    logo_path: Mapped[str | None] = mapped_column(String(500), default=None)
    logo_name: Mapped[str | None] = mapped_column(String(255), default=None)
    logo_position: Mapped[str] = mapped_column(String(16), default="top-right")
    logo_scale: Mapped[float] = mapped_column(Float, default=0.16)
    logo_opacity: Mapped[float] = mapped_column(Float, default=0.9)
    intro_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    intro_title: Mapped[str] = mapped_column(String(200), default="")
    intro_seconds: Mapped[float] = mapped_column(Float, default=2.0)
    outro_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    outro_title: Mapped[str] = mapped_column(String(200), default="")
    outro_seconds: Mapped[float] = mapped_column(Float, default=2.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ChapterList(Base):
    """A project's chapters (one list per project), planned from its topics or edited by the creator.

    ``chapters`` is ``[{"start": s, "end": s, "title": str}, ...]`` in order, the first at 0; the
    ``version`` makes an edit on a stale list a 409. ``edited`` tells a re-plan it would undo the
    creator's work.
    """

    __tablename__ = "chapter_lists"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    chapters: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    llm_note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class FeedStatus(StrEnum):
    NEW = "new"
    OK = "ok"
    ERROR = "error"


class Feed(Base):
    """A podcast feed (RSS or Atom) the owner follows; its episodes can be imported as projects.

    ``status``/``last_error`` say how the last fetch went; a feed that breaks or disappears keeps its
    episodes and the projects imported from them. With ``auto_import`` the worker's maintenance loop
    checks it every ``Settings.feed_poll_s`` (``next_check_at``) and imports episodes first seen
    after ``auto_import_since``; ``recipe`` is what to make of them (platforms, caption style, clips).
    """

    __tablename__ = "feeds"
    __table_args__ = (UniqueConstraint("owner_id", "url", name="uq_feeds_owner_url"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default=FeedStatus.NEW)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_checked_at: Mapped[datetime | None] = mapped_column(default=None)
    auto_import: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_import_since: Mapped[datetime | None] = mapped_column(default=None)
    next_check_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    recipe: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FeedEpisode(Base):
    """One item of a feed, keyed by its GUID: ``UNIQUE(feed_id, guid)`` and ``imported_at`` make an
    import happen once, whichever worker or request gets there first (a conditional update)."""

    __tablename__ = "feed_episodes"
    __table_args__ = (UniqueConstraint("feed_id", "guid", name="uq_feed_episodes_feed_guid"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    feed_id: Mapped[str] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(300))
    enclosure_url: Mapped[str | None] = mapped_column(Text, default=None)
    enclosure_type: Mapped[str | None] = mapped_column(String(100), default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    problem: Mapped[str | None] = mapped_column(Text, default=None)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(default=None)
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), default=None)
    # When the feed's recipe made this auto-imported episode's clips and exports (claimed like imported_at).
    recipe_applied_at: Mapped[datetime | None] = mapped_column(default=None)
