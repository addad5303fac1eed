"""`vibe sessions`: a saved session as a list entry and as a document to attach to a PR."""

from __future__ import annotations

import json

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

PROMPT = "make <script>alert(1)</script> safe"


def record_a_session(vibe_env: VibeEnv) -> str:
    vibe_env.fake.script(
        reply("Writing it.", tool_calls=[call("write_file", {"path": "fix.py", "content": "x = 1\n"})]),
        reply("Done, see ```fix.py```."),
    )
    run = vibe_env.run("-p", PROMPT, "--output", "json")
    assert run.returncode == 0, run.stderr
    return str(run.result["session_id"])


def test_the_list_shows_each_session_with_its_first_prompt(vibe_env: VibeEnv) -> None:
    session_id = record_a_session(vibe_env)
    listed = vibe_env.run("sessions", "list")
    assert listed.returncode == 0
    assert session_id in listed.stdout and "make <script>" in listed.stdout
    rows = json.loads(vibe_env.run("sessions", "list", "--output", "json").stdout)
    assert [(row["id"], row["prompts"], row["first_prompt"], row["frontend"]) for row in rows] == [
        (session_id, 1, PROMPT, "headless")
    ]


def test_a_session_exports_as_markdown_html_and_json(vibe_env: VibeEnv) -> None:
    session_id = record_a_session(vibe_env)
    markdown = vibe_env.run("sessions", "export", session_id).stdout
    assert "## You" in markdown and PROMPT in markdown and "Done, see ```fix.py```." in markdown
    assert "<summary>✓ " in markdown and "fix.py" in markdown  # the call, folded, with its status
    page = vibe_env.run("sessions", "export", session_id, "--format", "html").stdout
    assert "<script>" not in page and "&lt;script&gt;" in page
    document = json.loads(vibe_env.run("sessions", "export", session_id, "--format", "json").stdout)
    kinds = [entry["kind"] for entry in document["entries"]]
    assert kinds == ["user", "assistant", "assistant"]
    (tool,) = document["entries"][1]["tools"]
    assert (tool["name"], tool["status"]) == ("write_file", "ok")
    assert document["totals"]["turns"] == 2


def test_an_unknown_session_is_a_clear_error(vibe_env: VibeEnv) -> None:
    run = vibe_env.run("sessions", "show", "no-such-session")
    assert run.returncode == 2
    assert "no session 'no-such-session'" in run.stderr and "Traceback" not in run.stderr
