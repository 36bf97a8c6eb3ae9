"""API schemas for system status: the local LLM, the speech model and the server's limits."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LlmStatusPublic(BaseModel):
    """Whether the optional local LLM (Ollama or an OpenAI-compatible server) can be used."""

    available: bool = Field(description="The server answers and has the configured model")
    host: str = Field(description="The LLM server's base URL (OLLAMA_HOST)")
    model: str = Field(description="The configured model (OLLAMA_MODEL)")
    models: list[str] = Field(description="The models the server has")
    model_available: bool = Field(description="The configured model is among them")
    message: str = Field(description="What the status means and, if unavailable, what to do")


class LimitsPublic(BaseModel):
    """What this server accepts, so a client can refuse a file before sending it."""

    max_upload_bytes: int = Field(description="Largest accepted upload (SPACECLIP_MAX_UPLOAD_MB)")
    max_upload_mb: int = Field(description="The same limit in MB, as configured")
    max_duration_seconds: float = Field(description="Longest accepted media (SPACECLIP_MAX_DURATION_MINUTES)")
    upload_limit_message: str = Field(description="What to tell a user whose file is over the upload limit")


class LanguagePublic(BaseModel):
    """A language Whisper knows."""

    code: str = Field(description="The code a project's language is set with (de, es, pt, haw...)")
    name: str = Field(description="Its English name")


class SpeechStatusPublic(BaseModel):
    """The configured Whisper model and the languages a project can be set to."""

    model: str = Field(description="The configured model (WHISPER_MODEL)")
    installed: bool = Field(description="The model is on this machine")
    multilingual: bool | None = Field(
        description="It transcribes languages other than English; null when it is not installed"
    )
    default_language: str | None = Field(
        description="The language used for projects set to detect (WHISPER_LANGUAGE); null: detect it"
    )
    languages: list[LanguagePublic] = Field(description="Every language Whisper knows, by code")
    message: str = Field(description="What the model can do and, for another language, what to install")
