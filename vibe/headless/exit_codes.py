"""Exit codes of `vibe -p`, documented in the README."""

from __future__ import annotations

from vibe.protocol import events as ev

__all__ = ["USAGE_ERROR"]

OK = 0
RUNTIME_FAILURE = 1
USAGE_ERROR = 2
LIMIT_REACHED = 3
APPROVAL_REQUIRED = 4  # `--on-ask fail`: a call needed approval
INTERRUPTED = 130

# Endpoint failures on the very first request are configuration problems (wrong URL, key or
# model name), not runtime failures: the user has something to set.
_CONFIG_ERROR_KINDS = {"auth", "bad_request", "unreachable", "not_chat_endpoint"}


def exit_code_for(result: ev.Result) -> int:
    if result.status == "success":
        return OK
    if result.status == "limit":
        return LIMIT_REACHED
    if result.status == "interrupted":
        return INTERRUPTED
    if result.stop_reason == "approval_required":
        return APPROVAL_REQUIRED
    if result.error_kind in _CONFIG_ERROR_KINDS and result.turns == 0:
        return USAGE_ERROR
    return RUNTIME_FAILURE
