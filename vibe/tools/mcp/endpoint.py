"""How the MCP client process reaches one server: plain data, sent to it as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Endpoint"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    # "stdio" (pipes vibe hands over), "http" (streamable HTTP) or "sse" (the older HTTP+SSE).
    transport: str
    # Seconds for the handshake and the listings.
    startup_timeout: float
    # Streamable HTTP refused by the server: try HTTP+SSE (a `url` server with no transport set).
    falls_back_to_sse: bool = False
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict[str, str])
    # A stdio server's stderr, whose last line says why it died.
    stderr_log: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> Endpoint:
        return cls(**wire)
