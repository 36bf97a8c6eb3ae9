"""Routes: system status (the optional local LLM, the speech model) and the server's limits."""

from __future__ import annotations

from fastapi import APIRouter

from spaceclip.api.deps import CurrentUser, SettingsDep
from spaceclip.models.languages import WHISPER_LANGUAGES
from spaceclip.models.system_schemas import LanguagePublic, LimitsPublic, LlmStatusPublic, SpeechStatusPublic
from spaceclip.services.highlights.llm import client_from_settings
from spaceclip.services.ingest.uploads import too_large
from spaceclip.services.speech.model_language import speech_model_status

router = APIRouter(prefix="/api/system", tags=["system"])


@router.get("/llm", response_model=LlmStatusPublic)
def get_llm_status(_user: CurrentUser, settings: SettingsDep) -> LlmStatusPublic:
    """Report whether the local LLM server answers, its models, and whether the configured model is there."""
    status = client_from_settings(settings).status()
    return LlmStatusPublic(
        available=status.available,
        host=status.host,
        model=status.model,
        models=list(status.models),
        model_available=status.model_available,
        message=status.message,
    )


@router.get("/limits", response_model=LimitsPublic)
def get_limits(_user: CurrentUser, settings: SettingsDep) -> LimitsPublic:
    """Report the upload and duration limits, so the web app can refuse a file before uploading it."""
    return LimitsPublic(
        max_upload_bytes=settings.max_upload_bytes,
        max_upload_mb=settings.max_upload_mb,
        max_duration_seconds=settings.max_duration_s,
        upload_limit_message=too_large(settings).user_message,
    )


@router.get("/speech", response_model=SpeechStatusPublic)
def get_speech_status(_user: CurrentUser, settings: SettingsDep) -> SpeechStatusPublic:
    """Report the Whisper model (English-only or multilingual) and the languages a project can be set to."""
    status = speech_model_status(settings)
    return SpeechStatusPublic(
        model=status.model,
        installed=status.installed,
        multilingual=status.multilingual,
        default_language=status.default_language,
        languages=[LanguagePublic(code=code, name=name) for code, name in WHISPER_LANGUAGES.items()],
        message=status.message,
    )
