"""What went wrong with an MCP server, in one short sentence for the user."""

from __future__ import annotations

from typing import cast

from vibe.unicode_text import scrub

__all__ = ["ERROR_CHARS", "describe"]

ERROR_CHARS = 300


def describe(exc: BaseException, timeout: float | None) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} seconds" if timeout else "timed out"
    if isinstance(exc, BaseExceptionGroup):
        inner = cast(BaseExceptionGroup[BaseException], exc).exceptions
        return describe(inner[0], timeout) if inner else "failed"
    if isinstance(exc, FileNotFoundError):
        return f"cannot run {exc.filename}: not found"
    text = scrub(str(exc).strip()) or type(exc).__name__
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"
