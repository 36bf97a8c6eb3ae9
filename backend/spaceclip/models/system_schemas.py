"""API schemas for system status: the local LLM."""

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
