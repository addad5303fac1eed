"""Text output: what a CI log shows besides the answer."""

from __future__ import annotations

import io

from vibe.headless.render import TextRenderer
from vibe.protocol import events as ev


def session_started(info: ev.SandboxInfo) -> ev.SessionStarted:
    return ev.SessionStarted(
        session_id="s",
        cwd="/w",
        workspace_roots=["/w"],
        model="m",
        provider="p",
        base_url="http://127.0.0.1:1/v1",
        permission_mode="accept-edits",
        sandbox="no OS sandbox",
        sandbox_info=info,
        tools=[],
    )


def test_a_sandbox_fallback_warning_reaches_stderr_and_not_stdout() -> None:
    out, err = io.StringIO(), io.StringIO()
    warning = "no working sandbox (bubblewrap: not installed): every command will need approval"
    info = ev.SandboxInfo(
        backend="none", confined=False, mode="workspace-write", network=True, warning=warning
    )
    TextRenderer(out, err).event(session_started(info))
    assert err.getvalue() == f"vibe: warning: {warning}\n" and out.getvalue() == ""


def test_a_confined_session_starts_quietly() -> None:
    out, err = io.StringIO(), io.StringIO()
    info = ev.SandboxInfo(backend="bubblewrap", confined=True, mode="workspace-write", network=False)
    TextRenderer(out, err).event(session_started(info))
    assert err.getvalue() == "" and out.getvalue() == ""
