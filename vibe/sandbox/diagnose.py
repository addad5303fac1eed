"""Recognising a command that failed because of the sandbox, so the model is told and does not
retry the same thing: the error texts of a refused write and of a network that is not there."""

from __future__ import annotations

from vibe.sandbox.base import SandboxReport

__all__ = ["sandbox_failure_note"]

_WRITE_DENIED = ("read-only file system", "permission denied", "operation not permitted")
_NETWORK_DOWN = (
    "network is unreachable",
    "connection refused",
    "could not resolve host",
    "temporary failure in name resolution",
    "name or service not known",
    "no address associated with hostname",
    "name resolution",
    "getaddrinfo",
    "failed to establish a new connection",
)
# Landlock refuses a TCP connect with EACCES, which reads like a file error.
_SOCKET_WORDS = ("connect", "socket", "http", "network")


def sandbox_failure_note(output: str, report: SandboxReport) -> str | None:
    """A short note for the model when a failed command's output looks like a sandbox refusal."""
    if not report.confined:
        return None
    text = output.lower()
    blocked: list[str] = []
    network_off = not report.network
    write_denied = any(pattern in text for pattern in _WRITE_DENIED)
    if network_off and (
        any(pattern in text for pattern in _NETWORK_DOWN)
        or (write_denied and any(word in text for word in _SOCKET_WORDS))
    ):
        blocked.append("the network")
    if write_denied:
        blocked.append("writes outside " + ("$TMPDIR" if report.mode == "read-only" else "the workspace"))
        if report.protected:
            blocked[-1] += " and to protected paths"
    if not blocked:
        return None
    remedy = "allow network (--allow-network)" if "the network" in blocked else "choose another sandbox mode"
    return (
        f"[sandbox] This command ran in the {report.backend} sandbox ({report.summary}); "
        f"it blocks {' and '.join(blocked)}, which likely caused this failure. Do not retry the same way: "
        f"work within these limits, or tell the user, who can {remedy}."
    )
