"""Local chat-completions servers on this machine: which answer, and which models they serve.

Asked only when no endpoint is configured (or for `vibe models`), and only on the loopback
address: nothing beyond this machine is ever probed. On a shared machine a loopback port may be
another user's server, so finding one never means using it: the user chooses (`--local`, the
TUI's picker). Every port is asked at once, each with a short timeout, so a machine with none
running costs a fraction of a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

__all__ = ["LocalServer", "discover_now", "models_at"]

LOOPBACK = "127.0.0.1"
# The default ports of the usual self-hosted servers, and what usually listens there.
KNOWN_SERVERS = {11434: "Ollama", 8080: "llama.cpp", 8000: "vLLM", 1234: "LM Studio"}
PROBE_TIMEOUT_SECONDS = 0.5
_MODELS_LISTED = 50


@dataclass(frozen=True, slots=True)
class LocalServer:
    base_url: str
    name: str  # what usually listens on that port ("Ollama"), or "a server"
    models: tuple[str, ...]

    def describe(self) -> str:
        models = ", ".join(self.models) if self.models else "no models listed"
        return f"{self.name} at {self.base_url} ({models})"


async def discover(ports: Sequence[int], timeout: float = PROBE_TIMEOUT_SECONDS) -> list[LocalServer]:
    """The servers among `ports` on 127.0.0.1 that answer `GET /v1/models`, in port order."""
    import httpx  # only when asked: most starts never look for a local server

    async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
        found = await asyncio.gather(*(_probe(client, port) for port in ports))
    return [server for server in found if server is not None]


async def _probe(client: Any, port: int) -> LocalServer | None:
    import httpx

    base_url = f"http://{LOOPBACK}:{port}/v1"
    try:
        models = await _ask_models(client, base_url)
    except (httpx.HTTPError, ValueError):
        return None
    if models is None:
        return None  # something else listens there: not a chat-completions server
    return LocalServer(base_url, KNOWN_SERVERS.get(port, "a server"), tuple(models[:_MODELS_LISTED]))


async def _ask_models(client: Any, base_url: str) -> list[str] | None:
    """The models `base_url` lists; None when its answer is not a model list. Raises
    httpx.HTTPError when nothing answers, ValueError for a body that is not JSON."""
    response = await client.get(f"{base_url}/models")
    return models_listed(response.json()) if response.status_code == 200 else None


def models_at(base_url: str, timeout: float = 2.0) -> list[str] | None:
    """`_ask_models` for one server the user named (`--local URL`), outside an event loop."""
    import httpx

    async def ask() -> list[str] | None:
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            return await _ask_models(client, base_url)

    return asyncio.run(ask())


def models_listed(document: object) -> list[str] | None:
    """The model ids of a `/models` answer (`{"data": [{"id": ...}]}`); None if it is not one."""
    if not isinstance(document, dict):
        return None
    data = cast(dict[str, Any], document).get("data")
    if not isinstance(data, list):
        return None
    entries = cast(list[Any], data)
    return [
        str(cast(dict[str, Any], item)["id"]) for item in entries if isinstance(item, dict) and "id" in item
    ]


def discover_now(ports: Sequence[int]) -> list[LocalServer]:
    """`discover` for code that is not in an event loop (the start-up of a headless run)."""
    return asyncio.run(discover(ports))
