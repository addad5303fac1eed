"""`vibe agents list`: built-in, user and (trusted) repository agents, broken files, the note."""

from __future__ import annotations

import json

from support.vibe_process import VibeEnv


def test_agents_list_shows_each_agent_broken_files_and_the_untrusted_note(vibe_env: VibeEnv) -> None:
    user = vibe_env.home / "agents"
    user.mkdir()
    (user / "mine.md").write_text(
        "---\nname: mine\ndescription: My own.\npermission_mode: ask\ntools: read_file, grep\n"
        "model: devstral-test\n---\nBe brief.\n"
    )
    (user / "broken.md").write_text("---\nname: broken\n---\nNo description.\n")
    repo = vibe_env.repo / ".vibe" / "agents"
    repo.mkdir(parents=True)
    (repo / "theirs.md").write_text("---\nname: theirs\ndescription: The repository's.\n---\nHi.\n")

    listed = vibe_env.run("agents", "list", "--output", "json")
    assert listed.returncode == 0, listed.stderr
    document = json.loads(listed.stdout)
    assert [(a["name"], a["origin"]) for a in document["agents"]] == [
        ("plan", "built-in"),
        ("review", "built-in"),
        ("mine", "user"),
    ]
    mine = document["agents"][2]
    assert mine["path"] == str(user / "mine.md") and mine["description"] == "My own."
    assert (mine["permission_mode"], mine["tools"], mine["model"]) == (
        "ask",
        ["read_file", "grep"],
        "devstral-test",
    )
    assert document["agents"][0]["path"] is None and document["agents"][0]["permission_mode"] == "plan"
    (broken,) = document["broken"]
    assert broken["path"] == str(user / "broken.md") and "`description` is required" in broken["error"]
    assert document["note"] and "not trusted" in document["note"] and "agents are ignored" in document["note"]

    assert vibe_env.run("trust").returncode == 0
    text = vibe_env.run("agents", "list").stdout
    assert "theirs  [project]" in text and "The repository's." in text
    assert "mine  [user]" in text and "mode at most: ask; tools: read_file, grep; model devstral-test" in text
    assert f"broken: {user / 'broken.md'}" in text and "not trusted" not in text
