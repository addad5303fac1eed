"""The attack suite really runs `vibe` as each identity it claims to."""

from __future__ import annotations

from support.identities import Identity
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def test_vibe_runs_as_the_identity_and_its_commands_too(vibe_env: VibeEnv, identity: Identity) -> None:
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": "id -u"})]), reply("done"))
    run = vibe_env.run("-p", "who am i", "--output", "json", "--auto-approve")
    assert run.returncode == 0, run.stderr
    output = vibe_env.fake.requests[1].messages[-1]["content"]
    assert output.split()[0] == str(identity.uid), output
