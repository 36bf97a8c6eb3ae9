"""Which language a transcription runs in, and whether this machine's Whisper model can hear it.

A project's own language (``Project.language``, a Whisper code) wins over the server's
``WHISPER_LANGUAGE``; with neither, a multilingual model detects the language. An English-only model
(``tiny.en``) refuses any other language before any work starts, with a message that says how to
install the multilingual ``base``.
"""

from __future__ import annotations

from dataclasses import dataclass

from spaceclip.config import Settings
from spaceclip.errors import ModelMissing
from spaceclip.models.languages import normalize_language
from spaceclip.services.speech import whisper_models
from spaceclip.services.speech.transcribe import check_language, resolve_model

__all__ = ["SpeechModelStatus", "check_model_language", "speech_model_status", "with_language"]

ENGLISH_ONLY_HINT = (
    "For another language run `spaceclip models install base` (after pip install 'spaceclip[models-base]') "
    "and set WHISPER_MODEL=base."
)


def with_language(settings: Settings, language: str | None) -> Settings:
    """``settings`` transcribing in ``language`` (a project's setting); None keeps ``WHISPER_LANGUAGE``."""
    if language is None:
        return settings
    return settings.model_copy(update={"whisper_language": language})


def check_model_language(settings: Settings) -> None:
    """Refuse a language the configured model cannot transcribe, without loading the model.

    A model that is not on this machine is not judged here: the job that needs it says so.

    Raises:
        LanguageNotSupported: the language is unknown, or not English while the model is English-only.
    """
    try:
        check_language(settings)
    except ModelMissing:
        return


@dataclass(frozen=True)
class SpeechModelStatus:
    """What the configured Whisper model can do, read from its folder without loading it."""

    model: str
    installed: bool
    multilingual: bool | None  # None: the model is not on this machine
    default_language: str | None  # WHISPER_LANGUAGE as a code; None: detect
    message: str


def speech_model_status(settings: Settings) -> SpeechModelStatus:
    """The configured model (``WHISPER_MODEL``): installed or not, and multilingual or English-only."""
    name = settings.whisper_model
    try:
        default = normalize_language(settings.whisper_language)
    except ValueError:
        default = None  # the job refuses it with the reason (requested_language)
    multilingual: bool | None
    try:
        multilingual = whisper_models.is_multilingual(resolve_model(name, settings.models_dir))
    except ModelMissing as exc:
        multilingual, message = None, exc.user_message
    else:
        message = (
            f"The Whisper model {name!r} transcribes 99 languages and detects the spoken one."
            if multilingual
            else f"The Whisper model {name!r} understands only English. {ENGLISH_ONLY_HINT}"
        )
    return SpeechModelStatus(
        model=name,
        installed=multilingual is not None,
        multilingual=multilingual,
        default_language=default,
        message=message,
    )
