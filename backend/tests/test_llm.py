"""The LLM client against a real llama.cpp server (SmolLM2), a misbehaving server and a dead port."""

from __future__ import annotations

import time
from typing import Any

import pytest

from spaceclip.errors import LlmBadAnswer, LlmUnavailable
from spaceclip.services.highlights.llm import LlmClient, client_from_settings, normalize_host, schema_errors
from tests.llm_server import MisbehavingLlm, RealLlm, dead_port

# A hang guard, not a benchmark: every failing call must end long before this.
BOUND_S = 10.0

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rating": {"type": "integer", "minimum": 0, "maximum": 100},
        "title": {"type": "string", "minLength": 1, "maxLength": 40},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 20}, "minItems": 1, "maxItems": 3},
    },
    "required": ["rating", "title", "tags"],
    "additionalProperties": False,
}
MESSAGES = [
    {"role": "system", "content": "You rate podcast moments. Answer only with JSON."},
    {"role": "user", "content": "Rate this clip: 'We fired our biggest customer and grew twentyfold.'"},
]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:11434", "http://127.0.0.1:11434"),
        ("http://127.0.0.1:11434/", "http://127.0.0.1:11434"),
        ("http://localhost:8080/v1", "http://localhost:8080"),
        ("http://localhost:8080/v1/", "http://localhost:8080"),
        ("127.0.0.1:11434", "http://127.0.0.1:11434"),
        ("0.0.0.0:11434", "http://127.0.0.1:11434"),
        ("https://llm.example.org/ollama", "https://llm.example.org/ollama"),
        ("  http://[::1]:11434  ", "http://[::1]:11434"),
    ],
)
def test_normalize_host(given: str, expected: str) -> None:
    assert normalize_host(given) == expected


@pytest.mark.parametrize(
    ("value", "first_error"),
    [
        ({"rating": 5, "title": "ok", "tags": ["a"]}, None),
        ({"rating": 5.0, "title": "ok", "tags": ["a"]}, None),  # a whole float is an integer
        ({"rating": 5.5, "title": "ok", "tags": ["a"]}, "$.rating should be integer"),
        ({"rating": True, "title": "ok", "tags": ["a"]}, "$.rating should be integer"),
        ({"rating": 101, "title": "ok", "tags": ["a"]}, "$.rating is above 100"),
        ({"rating": -1, "title": "ok", "tags": ["a"]}, "$.rating is below 0"),
        ({"title": "ok", "tags": ["a"]}, "$.rating is missing"),
        ({"rating": 5, "title": "", "tags": ["a"]}, "$.title is shorter than 1"),
        ({"rating": 5, "title": "x" * 41, "tags": ["a"]}, "$.title is longer than 40"),
        ({"rating": 5, "title": "ok", "tags": []}, "$.tags has 0 items, fewer than 1"),
        ({"rating": 5, "title": "ok", "tags": ["a", "b", "c", "d"]}, "$.tags has 4 items, more than 3"),
        ({"rating": 5, "title": "ok", "tags": [7]}, "$.tags[0] should be string"),
        ({"rating": 5, "title": "ok", "tags": ["a"], "extra": 1}, "$.extra is not allowed"),
        (["not", "an", "object"], "$ should be object"),
        ("text", "$ should be object"),
    ],
)
def test_schema_errors(value: Any, first_error: str | None) -> None:
    errors = schema_errors(SCHEMA, value)
    if first_error is None:
        assert errors == []
    else:
        assert errors and errors[0].startswith(first_error), errors


def test_client_from_settings_uses_the_settings(settings: Any) -> None:
    s = settings.model_copy(
        update={"ollama_host": "127.0.0.1:1234/v1", "ollama_model": "qwen2.5:0.5b", "ollama_timeout_s": 7.0}
    )
    client = client_from_settings(s)
    assert (client.host, client.model, client.timeout_s) == ("http://127.0.0.1:1234", "qwen2.5:0.5b", 7.0)
    assert client.connect_timeout_s == s.ollama_connect_timeout_s


# --- a dead port ----------------------------------------------------------------------------------


def test_dead_port_status_and_chat_fail_fast() -> None:
    client = LlmClient(dead_port(), "llama3.2", timeout_s=30.0, connect_timeout_s=2.0)
    started = time.monotonic()
    status = client.status()
    assert not status.available and not status.model_available and status.models == []
    assert "No LLM server answers" in status.message and "ollama serve" in status.message
    with pytest.raises(LlmUnavailable) as info:
        client.chat_json(MESSAGES, SCHEMA, max_tokens=32)
    assert not isinstance(info.value, LlmBadAnswer)
    assert "OLLAMA_HOST" in info.value.user_message
    assert time.monotonic() - started < BOUND_S


@pytest.mark.parametrize("host", ["http://[::1", "http://127.0.0.1:99999", "ftp://127.0.0.1:21", "http://"])
def test_malformed_host_is_unavailable_not_a_crash(host: str) -> None:
    client = LlmClient(host, "llama3.2", timeout_s=5.0, connect_timeout_s=1.0)
    status = client.status()
    assert not status.available and "OLLAMA_HOST" in status.message
    with pytest.raises(LlmUnavailable):
        client.chat_json(MESSAGES, SCHEMA, max_tokens=8)


# --- a misbehaving server -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("garbage", "did not answer like an OpenAI-compatible chat completion"),
        ("invalid_json", "not valid JSON"),
        ("off_schema", "does not follow the requested form: $.rating should be integer"),
        ("cut_off", "cut off after 32 tokens"),
        ("empty", "empty answer"),
    ],
)
def test_bad_answers_raise_bad_answer(mode: str, message: str) -> None:
    with MisbehavingLlm(mode) as server:
        client = LlmClient(server.host, "tiny", timeout_s=5.0)
        assert client.status().available  # the server itself is up and has the model
        with pytest.raises(LlmBadAnswer) as info:
            client.chat_json(MESSAGES, SCHEMA, max_tokens=32)
    assert message in info.value.user_message


def test_http_error_is_unavailable_with_the_servers_reason() -> None:
    with MisbehavingLlm("http_error") as server:
        client = LlmClient(server.host, "tiny", timeout_s=5.0)
        with pytest.raises(LlmUnavailable) as info:
            client.chat_json(MESSAGES, SCHEMA, max_tokens=32)
    assert not isinstance(info.value, LlmBadAnswer)
    assert "HTTP 500" in info.value.user_message and "CUDA out of memory" in info.value.user_message


def test_a_good_answer_from_the_look_alike_is_accepted() -> None:
    """The look-alike itself is sound: in mode "ok" the same client gets its JSON back."""
    with MisbehavingLlm("ok") as server:
        client = LlmClient(server.host, "tiny", timeout_s=5.0)
        schema = {"type": "object", "required": ["rating", "title"]}
        answer = client.chat_json(MESSAGES, schema, max_tokens=32)
    assert answer["rating"] == 90 and answer["title"] == "Firing the biggest customer"


def test_slow_answer_times_out_within_the_bound() -> None:
    with MisbehavingLlm("slow", sleep_s=30.0) as server:
        client = LlmClient(server.host, "tiny", timeout_s=0.5)
        started = time.monotonic()
        with pytest.raises(LlmUnavailable) as info:
            client.chat_json(MESSAGES, SCHEMA, max_tokens=32)
        elapsed = time.monotonic() - started
    assert "did not answer within 0.5 s" in info.value.user_message
    assert "OLLAMA_TIMEOUT_S" in info.value.user_message
    assert elapsed < BOUND_S


def test_trickling_answer_is_cut_at_the_deadline() -> None:
    """Every byte arrives within the read timeout, but the whole answer must still end in time."""
    with MisbehavingLlm("trickle") as server:
        client = LlmClient(server.host, "tiny", timeout_s=1.0, connect_timeout_s=1.0)
        started = time.monotonic()
        with pytest.raises(LlmUnavailable) as info:
            client.chat_json(MESSAGES, SCHEMA, max_tokens=32)
        elapsed = time.monotonic() - started
    assert "did not answer within 1 s" in info.value.user_message
    assert 1.0 <= elapsed < BOUND_S


def test_slow_model_list_makes_status_unavailable_without_raising() -> None:
    with MisbehavingLlm("slow_tags", sleep_s=30.0) as server:
        client = LlmClient(server.host, "tiny", timeout_s=0.5)
        started = time.monotonic()
        status = client.status()
        elapsed = time.monotonic() - started
    assert not status.available and "did not answer within 0.5 s" in status.message
    assert elapsed < BOUND_S


def test_missing_model_names_the_models_and_how_to_pull() -> None:
    with MisbehavingLlm("ok", models=("qwen2.5:0.5b", "phi3:latest")) as server:
        client = LlmClient(server.host, "llama3.2", timeout_s=5.0)
        status = client.status()
        with pytest.raises(LlmUnavailable) as info:
            client.chat_json(MESSAGES, SCHEMA, max_tokens=32)
    assert not status.available and not status.model_available
    assert status.models == ["phi3:latest", "qwen2.5:0.5b"]
    for text in (status.message, info.value.user_message):
        assert "ollama pull llama3.2" in text and "qwen2.5:0.5b" in text and "phi3:latest" in text


@pytest.mark.parametrize("model", ["tiny", "tiny:latest"])
def test_ollama_latest_tag_matches(model: str) -> None:
    with MisbehavingLlm("ok", models=("tiny:latest",)) as server:
        status = LlmClient(server.host, model, timeout_s=5.0).status()
    assert status.available and status.model_available and status.models == ["tiny:latest"]


def test_a_server_without_model_list_is_not_an_llm_server() -> None:
    with MisbehavingLlm("no_models") as server:
        status = LlmClient(server.host, "tiny", timeout_s=5.0).status()
    assert not status.available
    assert "/api/tags" in status.message and "/v1/models" in status.message


# --- the real llama.cpp server with SmolLM2 ------------------------------------------------------


def test_real_server_status_lists_its_model(llm_server: RealLlm) -> None:
    status = LlmClient(llm_server.host, llm_server.model, timeout_s=30.0).status()
    assert status.available and status.model_available
    assert llm_server.model in status.models
    missing = LlmClient(llm_server.host, "llama3.2", timeout_s=30.0).status()
    assert not missing.available and "ollama pull llama3.2" in missing.message


def test_real_server_answers_with_schema_valid_json(llm_server: RealLlm) -> None:
    client = LlmClient(llm_server.host + "/v1", llm_server.model, timeout_s=60.0)
    answer = client.chat_json(MESSAGES, SCHEMA, max_tokens=96)
    assert schema_errors(SCHEMA, answer) == []
    assert 0 <= answer["rating"] <= 100 and answer["title"].strip()
