"""httpx transport failures → retryable failures with a short, user-readable reason."""

from __future__ import annotations

import re
import socket

from vibe.model.retry import RetryableError

_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\]\s*")


def is_permanent(exc: Exception) -> bool:
    """Failures no retry can fix: a malformed or unsupported base URL."""
    from vibe.model._httpx_import import httpx  # loaded already: the failure came from it

    return isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol | httpx.LocalProtocolError)


def describe_transport_error(exc: Exception) -> RetryableError:
    from vibe.model._httpx_import import httpx  # loaded already: the failure came from it

    detail = _plain(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return RetryableError("unreachable", "connection timed out")
    if isinstance(exc, httpx.ConnectError | httpx.ProxyError):
        return RetryableError("unreachable", _connect_failure(exc) or detail or "connection failed")
    if isinstance(exc, httpx.TimeoutException):
        return RetryableError("timeout", detail or "timed out")
    if isinstance(exc, httpx.RemoteProtocolError):
        return RetryableError(
            "server",
            f"the server broke the connection ({detail})" if detail else "the server broke the connection",
        )
    return RetryableError("server", f"connection lost ({detail})" if detail else "connection lost")


def _connect_failure(exc: BaseException) -> str:
    """The OS-level reason under httpx's generic 'All connection attempts failed'."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "cannot resolve the host name"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror[:1].lower() + cause.strerror[1:]
        cause = cause.__cause__ or cause.__context__
    return ""


def _plain(exc: Exception) -> str:
    """'[Errno 111] Connection refused' → 'connection refused'."""
    text = _ERRNO_PREFIX.sub("", str(exc).strip())
    return text[:1].lower() + text[1:]
