"""Custom agents (`--agent`) and subagents (the `task` tool), headless, against the fake endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply
from tools.fake_mistral.script import RecordedRequest

WRITER = """---
name: writer
description: Writes files when asked.
permission_mode: auto
tools: [read_file, write_file]
---
You write files.
"""


def _system(request: RecordedRequest) -> str:
    return request.body["messages"][0]["content"]


def _tools(request: RecordedRequest) -> set[str]:
    return {tool["function"]["name"] for tool in request.body.get("tools", [])}


def _agent_file(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(text, encoding="utf-8")


def test_review_agent_reads_only_and_its_instructions_reach_the_model(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("looks fine"))
    run = vibe_env.run("-p", "review my change", "--agent", "review", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    # The review agent runs read-only whatever the user's mode, and the session says so.
    assert run.of_type("session_started")[0]["permission_mode"] == "plan"
    request = vibe_env.fake.requests[0]
    assert "Working as the agent `review`" in _system(request)
    assert "git_diff" in _tools(request)
    assert not {"write_file", "edit", "bash", "task", "git_commit"} & _tools(request)


def test_an_unknown_agent_is_one_sentence_and_exit_2(vibe_env: VibeEnv) -> None:
    run = vibe_env.run("-p", "x", "--agent", "nobody")
    assert run.returncode == 2
    assert "no agent named `nobody`" in run.stderr and "Traceback" not in run.stderr
    assert not list((vibe_env.home / "sessions").rglob("*.jsonl")), "no session for a run that never began"


def test_a_repository_agent_is_ignored_until_the_folder_is_trusted(vibe_env: VibeEnv) -> None:
    _agent_file(vibe_env.repo / ".vibe" / "agents", "repo-agent", WRITER.replace("writer", "repo-agent"))
    untrusted = vibe_env.run("-p", "x", "--agent", "repo-agent")
    assert untrusted.returncode == 2 and "no agent named `repo-agent`" in untrusted.stderr
    vibe_env.fake.script(reply("hello"))
    trusted = vibe_env.run("-p", "x", "--agent", "repo-agent", "--trust", "--output", "json")
    assert trusted.returncode == 0, trusted.stderr
    assert "You write files." in _system(vibe_env.fake.requests[0])


def test_an_agents_mode_cannot_loosen_the_users(vibe_env: VibeEnv) -> None:
    """The agent says `auto`; the user runs `ask`: the write still needs approval (denied headless)."""
    config = vibe_env.home / "config.toml"
    config.write_text('permission_mode = "ask"\n' + config.read_text())
    _agent_file(vibe_env.home / "agents", "writer", WRITER)
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "out.txt", "content": "x"})]), reply("tried")
    )
    run = vibe_env.run("-p", "write", "--agent", "writer", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert not (vibe_env.repo / "out.txt").exists()
    assert [denied["tool"] for denied in run.result["denied"]] == ["write_file"]


def test_a_broken_agent_file_is_named_once_and_the_others_still_load(vibe_env: VibeEnv) -> None:
    folder = vibe_env.home / "agents"
    _agent_file(folder, "broken", "---\nname: [unclosed\n---\nbody\n")
    _agent_file(folder, "writer", WRITER)
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "x", "--agent", "writer", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("broken.md") == 1 and "not valid YAML" in run.stderr
    assert "Traceback" not in run.stderr


def _task_events(run: Any, task_id: str) -> list[dict[str, Any]]:
    return [event for event in run.events if event.get("parent_call_id") == task_id]


def test_a_task_returns_only_the_subagents_answer_and_its_calls_are_nested(vibe_env: VibeEnv) -> None:
    task = call("task", {"prompt": "What does README.md say?", "description": "read the readme"})
    vibe_env.fake.script(
        reply(tool_calls=[task]),
        reply(tool_calls=[call("read_file", {"path": "README.md"})]),
        reply("README.md says: demo"),
        reply("done"),
    )
    run = vibe_env.run("-p", "ask a subagent", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    parent_first, child_first, _child_second, parent_second = vibe_env.fake.requests
    assert "read-only explorer" in _system(child_first) and "task" not in _tools(child_first)
    assert [m["role"] for m in child_first.body["messages"]] == ["system", "user"]
    # The parent's context grew by its own call and the answer, exactly, and nothing else.
    added = parent_second.body["messages"][len(parent_first.body["messages"]) :]
    assert [m["role"] for m in added] == ["assistant", "tool"]
    assert added[1]["content"] == "README.md says: demo"
    nested = _task_events(run, task.id)
    assert [e["type"] for e in nested if e["type"].startswith("tool_call")] == [
        "tool_call_started",
        "tool_call_finished",
    ]
    assert nested[0]["tool"] == "read_file" and nested[0]["call_id"].startswith(task.id + ".")
    # What the subagent spent counts in the run's totals.
    assert run.result["prompt_tokens"] > sum(
        e["prompt_tokens"] for e in run.of_type("usage") if not e["turn_id"].startswith(task.id)
    )


def test_a_subagent_cannot_exceed_its_parents_mode(vibe_env: VibeEnv) -> None:
    """The user runs in plan mode; a task naming the writer agent (mode auto) still cannot write."""
    config = vibe_env.home / "config.toml"
    config.write_text('permission_mode = "plan"\n' + config.read_text())
    _agent_file(vibe_env.home / "agents", "writer", WRITER)
    vibe_env.fake.script(
        reply(tool_calls=[call("task", {"prompt": "write out.txt", "agent": "writer"})]),
        reply(tool_calls=[call("write_file", {"path": "out.txt", "content": "x"})]),
        reply("could not"),
        reply("done"),
    )
    run = vibe_env.run("-p", "x", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    assert not (vibe_env.repo / "out.txt").exists()
    [write] = [e for e in run.of_type("tool_call_finished") if e["tool"] == "write_file"]
    assert write["status"] == "denied" and "plan mode" in write["output"]


def test_a_subagent_gets_only_tools_its_parent_has(vibe_env: VibeEnv) -> None:
    """Under the plan agent (no write_file), the writer agent's allow-list does not add it back."""
    _agent_file(vibe_env.home / "agents", "writer", WRITER)
    vibe_env.fake.script(
        reply(tool_calls=[call("task", {"prompt": "write out.txt", "agent": "writer"})]),
        reply(tool_calls=[call("write_file", {"path": "out.txt", "content": "x"})]),
        reply("no such tool"),
        reply("done"),
    )
    run = vibe_env.run("-p", "x", "--agent", "plan", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    assert not (vibe_env.repo / "out.txt").exists()
    assert _tools(vibe_env.fake.requests[1]) == {"read_file"}
    [write] = [e for e in run.of_type("tool_call_finished") if e["tool"] == "write_file"]
    assert write["status"] == "error" and write["parent_call_id"]


def test_a_subagent_spends_the_parents_token_budget(vibe_env: VibeEnv) -> None:
    """Each request reports 8,010 tokens. The subagent starts with what the parent left and stops
    when its next request would not fit; its spending then stops the parent too."""
    vibe_env.fake.script(
        reply(tool_calls=[call("task", {"prompt": "look around"})], usage=(8000, 10)),
        *[reply(tool_calls=[call("glob", {"pattern": "*"})], usage=(8000, 10)) for _ in range(10)],
    )
    run = vibe_env.run("-p", "x", "--max-tokens", "30000", "--output", "json")
    assert run.returncode == 3, run.stderr
    assert run.result["stop_reason"] == "max_tokens"
    made = len(vibe_env.fake.requests)
    assert 3 <= made < 11  # the parent's one, then the subagent's until the budget said stop
    # The run's totals are the parent's request and every one of the subagent's.
    assert run.result["prompt_tokens"] + run.result["completion_tokens"] == made * 8010


def test_text_output_indents_a_subagents_calls_under_its_task(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("task", {"prompt": "read it", "description": "the readme"})]),
        reply(tool_calls=[call("read_file", {"path": "README.md"})]),
        reply("demo"),
        reply("done"),
    )
    run = vibe_env.run("-p", "delegate")
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    task_line = next(i for i, line in enumerate(lines) if line.startswith("> explorer: the readme"))
    assert lines[task_line + 1].startswith("    > ") and "README.md" in lines[task_line + 1]
    assert run.stdout.strip() == "done"


def test_a_tool_outside_the_agents_list_is_refused_even_if_the_model_calls_it(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "out.txt", "content": "x"})]), reply("could not")
    )
    run = vibe_env.run("-p", "x", "--agent", "review", "--auto-approve", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    [finished] = run.of_type("tool_call_finished")
    assert finished["status"] == "error" and "write_file" in finished["output"]
    assert not (vibe_env.repo / "out.txt").exists()


def test_continue_works_as_the_agent_the_session_chose(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("reviewed"), reply("reviewed again"), reply("as configured"))
    assert vibe_env.run("-p", "review my change", "--agent", "review").returncode == 0
    assert vibe_env.run("-p", "and now?", "-c").returncode == 0
    assert vibe_env.run("-p", "as usual", "-c", "--agent", "default").returncode == 0
    first, continued, chosen_anew = (
        request.body["messages"][0]["content"] for request in vibe_env.fake.requests
    )
    assert "Working as the agent `review`" in first and "Working as the agent `review`" in continued
    assert "Working as the agent" not in chosen_anew  # --agent chooses anew


def test_continue_uses_the_model_the_sessions_agent_names(vibe_env: VibeEnv) -> None:
    _agent_file(
        vibe_env.home / "agents",
        "careful",
        "---\nname: careful\ndescription: Careful.\nmodel: devstral-careful\n---\nTake care.\n",
    )
    vibe_env.fake.script(reply("one"), reply("two"), reply("three"))
    assert vibe_env.run("-p", "first", "--agent", "careful").returncode == 0
    assert vibe_env.run("-p", "second", "-c").returncode == 0
    assert vibe_env.run("-p", "third", "-c", "--model", "devstral-test").returncode == 0
    models = [request.body["model"] for request in vibe_env.fake.requests]
    assert models == ["devstral-careful", "devstral-careful", "devstral-test"]  # --model still wins
