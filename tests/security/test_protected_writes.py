"""Class 3, file tools: a cloned repository's instructions cannot get a change to repository
metadata approved without a person. `--auto-approve`, auto mode and a tool set to `always` do
not approve it; the headless run refuses it and says why."""

from __future__ import annotations

import pytest

from support.identities import Identity, hand_over
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

TARGETS = [
    ".git/hooks/pre-commit",
    ".git/config",
    ".vibe/config.toml",
    "vendor/nested/.git/config",  # a repository planted at any depth
    "bare/HEAD",  # completes a bare repository's shape (objects/ and refs/ are there)
]

FLAGS = {
    "auto-approve": ("--auto-approve",),
    "auto-mode": ("--permission-mode", "auto"),
    "always-rule": (),  # write_file = "always" in the user's config, below
}


@pytest.mark.parametrize("flags", list(FLAGS), ids=list(FLAGS))
def test_no_flag_or_rule_approves_a_change_to_repository_metadata(
    vibe_env: VibeEnv, identity: Identity, flags: str
) -> None:
    if flags == "always-rule":
        with (vibe_env.home / "config.toml").open("a", encoding="utf-8") as config:
            config.write('\n[permissions.tools]\nwrite_file = "always"\nedit = "always"\n')
    for folder in ("bare/objects", "bare/refs"):
        (vibe_env.repo / folder).mkdir(parents=True)
    hand_over(vibe_env.repo, identity)
    before = {path: _content(vibe_env, path) for path in [*TARGETS, ".git/HEAD"]}
    planted = "#!/bin/sh\ntouch /tmp/vibe-pwned\n"
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": path, "content": planted}) for path in TARGETS]),
        reply(
            tool_calls=[call("edit", {"path": ".git/HEAD", "old_string": "ref: ", "new_string": "ref: x"})]
        ),
        reply("done"),
    )
    run = vibe_env.run("-p", "set things up", "--output", "json", *FLAGS[flags])
    assert run.returncode == 0, run.stderr
    assert {path: _content(vibe_env, path) for path in before} == before
    denied = run.result["denied"]
    assert [d["arguments"]["path"] for d in denied] == [*TARGETS, ".git/HEAD"]
    for item in denied:
        assert "only a person can approve" in item["reason"], item
        assert "whatever its flags" in item["reason"]
    # The model read why, and that re-running with other flags would not help.
    results = vibe_env.fake.requests[1].messages
    assert all("whatever its flags" in m["content"] for m in results if m["role"] == "tool")


def _content(vibe_env: VibeEnv, path: str) -> str | None:
    target = vibe_env.repo / path
    return target.read_text(encoding="utf-8") if target.exists() else None
