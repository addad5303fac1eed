"""Provider error bodies → one readable sentence; errors that must not be retried."""

from __future__ import annotations

import pytest

from model.model_fakes import BASE_URL, FakeServer, FakeTime, collect, make_client, sse, status
from vibe.model.errors import provider_message
from vibe.model.types import ModelError


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"object": "error", "message": "Invalid model", "type": "invalid_model"}', "Invalid model"),
        ('{"detail": "Unauthorized"}', "Unauthorized"),
        (
            '{"error": {"message": "Invalid API Key", "type": "authentication_error", "code": 401}}',
            "Invalid API Key",
        ),
        (
            '{"error": "model \\"devstral\\" not found, try pulling it first"}',
            'model "devstral" not found, try pulling it first',
        ),
        (
            '{"detail": [{"loc": ["body", "tools", 0], "msg": "Field required"}, {"msg": "too long"}]}',
            "body.tools.0: Field required; too long",
        ),
        ("Bad Gateway\n\n  nginx", "Bad Gateway nginx"),
        ('{"unrelated": 1}', '{"unrelated": 1}'),
        ("", ""),
    ],
)
def test_provider_message(body: str, expected: str) -> None:
    assert provider_message(body) == expected


async def test_client_error_reported_inside_the_stream_is_not_retried() -> None:
    server = FakeServer(
        sse(b'data: {"error": {"message": "the prompt exceeds the context size", "code": 400}}\n\n')
    )
    time = FakeTime()
    client = make_client(server, time)
    try:
        with pytest.raises(ModelError) as caught:
            await collect(client)
    finally:
        await client.aclose()
    assert caught.value.kind == "bad_request"
    assert caught.value.message.endswith("(HTTP 400): the prompt exceeds the context size")
    assert len(server.requests) == 1


async def test_redirect_is_explained_not_followed() -> None:
    server = FakeServer(status(301, "", headers={"Location": "https://llm.example.org/v1/chat/completions"}))
    client = make_client(server)
    try:
        with pytest.raises(ModelError) as caught:
            await collect(client)
    finally:
        await client.aclose()
    assert caught.value.kind == "bad_request"
    assert caught.value.message == (
        f"{BASE_URL} redirects to https://llm.example.org/v1/chat/completions; set base_url to that address"
    )
    assert len(server.requests) == 1
