"""The JSON-RPC errors an editor is answered with, in one place: the codes, and a failure of
the engine or the service turned into the error that names its cause."""

from __future__ import annotations

from typing import TYPE_CHECKING

from acp.exceptions import RequestError

if TYPE_CHECKING:
    from vibe.acp.backend import EngineUnavailableError
    from vibe.service.host import ServiceError

__all__ = ["AUTH_REQUIRED", "INTERNAL_ERROR", "INVALID_PARAMS", "NOT_FOUND", "request_error"]

AUTH_REQUIRED = -32000
NOT_FOUND = -32002
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603


def request_error(exc: EngineUnavailableError | ServiceError) -> RequestError:
    if exc.auth:
        return RequestError(AUTH_REQUIRED, str(exc))
    return RequestError(NOT_FOUND if exc.not_found else INTERNAL_ERROR, str(exc))
