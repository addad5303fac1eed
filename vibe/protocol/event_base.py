"""What every event has: frozen, no unknown fields, and `seq`, its place in what the agent said."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Event"]


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    seq: int = 0
