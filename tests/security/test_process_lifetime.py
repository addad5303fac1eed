"""Nothing a command starts outlives vibe: not after `setsid`, `env -i` and a double fork, not
when vibe itself is killed with SIGKILL (which it cannot handle). On the strongest backend and
with bubblewrap hidden (Landlock), as this user and as `nobody`."""

from __future__ import annotations

import json
import signal
import time
import uuid

from support.identities import Identity
from support.processes import survivors
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def lingering(marker: str) -> str:
    """A shell that waits 300 s with `marker` in its argv (plain programs only: this may run as
    nobody, who cannot reach the test's Python)."""
    return f"/bin/sh -c 'sleep 300; true' {marker}"


def test_nothing_outlives_a_killed_vibe(vibe_env: VibeEnv, identity: Identity, backend: str) -> None:
    marker = f"vibe-lifetime-{uuid.uuid4().hex[:12]}"
    command = (
        f"(setsid env -i {lingering(marker)} >/dev/null 2>&1 &); "
        f"({lingering(marker)} >/dev/null 2>&1 &); echo started; {lingering(marker)}"
    )
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": command})]))
    process = vibe_env.start("-p", "start the servers", "--auto-approve", "--output", "stream-json")
    try:
        assert process.stdout is not None
        for line in process.stdout:  # the command's own output proves all three are running
            event = json.loads(line)
            if event["type"] == "tool_call_output" and "started" in event["text"]:
                break
        # The two started in the background may still be on their way; observe them running.
        deadline = time.monotonic() + 15
        while len(survivors(marker)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(survivors(marker)) >= 3
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        # Observing deaths: the kernel offers no event for processes that are not our children.
        deadline = time.monotonic() + 15
        while survivors(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert survivors(marker) == []
    finally:
        if process.poll() is None:
            process.kill()
        for leftover in survivors(marker):
            leftover.kill()
