"""Context-window discovery from `GET /models`, across the servers vibe talks to."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from model.model_fakes import BASE_URL, FakeServer, make_client, status
from vibe.model.catalog import context_window_from_listing
from vibe.model.client import ChatClient
from vibe.model.types import Endpoint

MISTRAL_LISTING = {
    "object": "list",
    "data": [
        {
            "id": "devstral-medium-2507",
            "object": "model",
            "created": 1752000000,
            "owned_by": "mistralai",
            "capabilities": {"completion_chat": True, "function_calling": True},
            "name": "devstral-medium-2507",
            "max_context_length": 131072,
            "aliases": ["devstral-medium-latest"],
            "deprecation": None,
            "type": "base",
        },
        {"id": "mistral-small-latest", "object": "model", "max_context_length": 32768, "aliases": []},
    ],
}
VLLM_LISTING = {
    "object": "list",
    "data": [
        {"id": "mistralai/Devstral-Small-2507", "object": "model", "owned_by": "vllm", "max_model_len": 65536}
    ],
}
LLAMA_CPP_LISTING = {
    "object": "list",
    "data": [
        {
            "id": "/models/devstral-small-Q4_K_M.gguf",
            "object": "model",
            "owned_by": "llamacpp",
            "meta": {"vocab_type": 2, "n_vocab": 131072, "n_ctx_train": 131072, "n_embd": 5120},
        }
    ],
}


@pytest.mark.parametrize(
    ("listing", "model", "expected"),
    [
        (MISTRAL_LISTING, "devstral-medium-2507", 131072),
        (MISTRAL_LISTING, "devstral-medium-latest", 131072),  # found through its alias
        (MISTRAL_LISTING, "mistral-small-latest", 32768),
        (MISTRAL_LISTING, "codestral-latest", None),  # several models, none of them this one
        (VLLM_LISTING, "mistralai/Devstral-Small-2507", 65536),
        (LLAMA_CPP_LISTING, "devstral", 131072),  # a single-model server serves whatever it has
        ({"data": [{"id": "m", "context_length": 8192}]}, "m", 8192),
        ({"data": [{"id": "m", "meta": {"n_ctx": 4096, "n_ctx_train": 131072}}]}, "m", 4096),
        ({"data": [{"id": "m"}]}, "m", None),  # Ollama lists no context length
        ({"data": [{"id": "m", "max_model_len": "big"}]}, "m", None),
        ({"unexpected": True}, "m", None),
        ([], "m", None),
    ],
)
def test_context_window_from_listing(listing: Any, model: str, expected: int | None) -> None:
    assert context_window_from_listing(listing, model) == expected


async def test_client_asks_the_models_endpoint() -> None:
    server = FakeServer(lambda: httpx.Response(200, json=VLLM_LISTING))
    client = make_client(server)
    try:
        assert await client.context_window("mistralai/Devstral-Small-2507") == 65536
    finally:
        await client.aclose()
    request = server.requests[0]
    assert (request.method, str(request.url)) == ("GET", f"{BASE_URL}/models")
    assert request.headers["authorization"] == "Bearer sk-test-123"


@pytest.mark.parametrize(
    "reply",
    [
        status(500, "oops"),
        status(404, {"detail": "Not Found"}),
        lambda: httpx.Response(200, content=b"not json"),
    ],
)
async def test_context_window_failures_are_none_without_retrying(reply: Any) -> None:
    server = FakeServer(reply)
    client = make_client(server)
    try:
        assert await client.context_window("m") is None
    finally:
        await client.aclose()
    assert len(server.requests) == 1


async def test_context_window_transport_error_is_none() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = ChatClient(Endpoint(base_url=BASE_URL), transport=httpx.MockTransport(refuse))
    try:
        assert await client.context_window("m") is None
    finally:
        await client.aclose()
