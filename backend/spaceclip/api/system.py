"""Routes: system status (the optional local LLM)."""

from __future__ import annotations

from fastapi import APIRouter

from spaceclip.api.deps import SettingsDep
from spaceclip.auth.deps import CurrentUser
from spaceclip.models.system_schemas import LlmStatusPublic
from spaceclip.services.llm import client_from_settings

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
