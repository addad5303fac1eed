"""Skills and custom commands in a headless run (the real `vibe` process, the scripted endpoint):
`/name args` expands only for a known command, a repository's files wait for trust, a broken file
is one sentence, a name taken twice is reported, and the skill tool loads a body and its files."""

from __future__ import annotations

import json

from support.extension_files import write_command, write_skill
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def test_a_user_command_expands_with_its_arguments_and_says_so(vibe_env: VibeEnv) -> None:
    write_command(
        vibe_env.home / "commands", "review", "Review $1 for $2. Everything: $ARGUMENTS", description="Review"
    )
    vibe_env.fake.script(reply("reviewed"))
    run = vibe_env.run("-p", '/review app.py "thread safety"')
    assert run.returncode == 0, run.stderr
    sent = vibe_env.fake.requests[0].last_user_text
    assert sent == 'Review app.py for thread safety. Everything: app.py "thread safety"'
    assert f"vibe: ran /review: your command ({vibe_env.home / 'commands' / 'review.md'})" in run.stderr
    # The session records what was sent, not what was typed.
    session = next((vibe_env.home / "sessions").rglob("*.jsonl")).read_text(encoding="utf-8")
    assert "Review app.py for thread safety" in session


def test_an_unknown_slash_word_goes_to_the_model_as_typed(vibe_env: VibeEnv) -> None:
    write_command(vibe_env.home / "commands", "review", "Review $ARGUMENTS")
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "/usr/bin/env is what runs it?", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    assert vibe_env.fake.requests[0].last_user_text == "/usr/bin/env is what runs it?"
    assert run.of_type("command_run") == []


def test_namespaced_command_and_its_event_in_stream_json(vibe_env: VibeEnv) -> None:
    write_command(vibe_env.home / "commands", "git/commit", "Commit: $ARGUMENTS")
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "/git:commit fix the parser", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    (ran,) = run.of_type("command_run")
    assert (ran["name"], ran["source"], ran["arguments"]) == ("git:commit", "user", "fix the parser")
    assert vibe_env.fake.requests[0].last_user_text == "Commit: fix the parser"


def test_a_repository_command_is_ignored_until_the_folder_is_trusted(vibe_env: VibeEnv) -> None:
    write_command(vibe_env.repo / ".vibe" / "commands", "deploy", "Deploy everything now")
    vibe_env.fake.script(reply("as typed"), reply("expanded"))
    untrusted = vibe_env.run("-p", "/deploy")
    assert untrusted.returncode == 0, untrusted.stderr
    assert vibe_env.fake.requests[0].last_user_text == "/deploy"
    assert ".vibe/commands" in untrusted.stderr  # the trust notice names what was left out
    trusted = vibe_env.run("-p", "/deploy", "--trust")
    assert trusted.returncode == 0, trusted.stderr
    assert vibe_env.fake.requests[1].last_user_text == "Deploy everything now"


def test_collisions_follow_the_priority_and_the_loser_is_named_once(vibe_env: VibeEnv) -> None:
    commands = vibe_env.home / "commands"
    model_file = write_command(commands, "model", "never used")
    write_command(commands, "check", "the user's check")
    project_check = write_command(vibe_env.repo / ".vibe" / "commands", "check", "the repository's check")
    write_skill(vibe_env.repo / ".vibe" / "skills", "check", "A skill named like a command.", "skill body")
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "/check", "--trust")
    assert run.returncode == 0, run.stderr
    assert vibe_env.fake.requests[0].last_user_text == "the user's check"
    assert f"your command /model ({model_file}) is ignored: /model is a built-in command" in run.stderr
    assert f"the repository's command /check ({project_check}) is ignored" in run.stderr
    assert "the skill /check" in run.stderr
    assert run.stderr.count("is ignored") == 3


def test_a_broken_file_is_one_sentence_naming_it_and_the_rest_load(vibe_env: VibeEnv) -> None:
    commands = vibe_env.home / "commands"
    broken = commands / "bad.md"
    commands.mkdir(parents=True)
    broken.write_text("---\ndescription: [unclosed\n---\nbody\n", encoding="utf-8")
    write_command(commands, "good", "the good one")
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "/good")
    assert run.returncode == 0, run.stderr
    assert vibe_env.fake.requests[0].last_user_text == "the good one"
    (line,) = [line for line in run.stderr.splitlines() if str(broken) in line]
    assert "front-matter is not valid YAML" in line
    assert "Traceback" not in run.stderr


def test_the_skill_tool_loads_a_body_and_read_file_reads_the_skill_folder(vibe_env: VibeEnv) -> None:
    folder = write_skill(
        vibe_env.home / "skills",
        "release-notes",
        "Write release notes; use when asked for them.",
        "See style.md.",
    )
    (folder / "style.md").write_text("Bullet points, past tense.\n", encoding="utf-8")
    (vibe_env.home / "secret.txt").write_text("not for the model\n", encoding="utf-8")
    vibe_env.fake.script(
        reply(tool_calls=[call("skill", {"name": "release-notes"})]),
        reply(tool_calls=[call("read_file", {"path": str(folder / "style.md")})]),
        reply(tool_calls=[call("read_file", {"path": str(vibe_env.home / "secret.txt")})]),
        reply(tool_calls=[call("write_file", {"path": str(folder / "style.md"), "content": "x"})]),
        reply("done"),
    )
    run = vibe_env.run("-p", "notes please", "--auto-approve")
    assert run.returncode == 0, run.stderr
    first = vibe_env.fake.requests[0]
    assert "skill" in first.tool_names
    system = first.messages[0]["content"]
    assert "- release-notes: Write release notes; use when asked for them." in system
    assert "See style.md." not in system  # only the name and description up front
    results = vibe_env.fake.requests[-1].tool_results
    assert (
        "See style.md." in results[0] and str(folder.resolve()) in results[0] and "- style.md" in results[0]
    )
    assert "Bullet points, past tense." in results[1]
    assert "outside the workspace" in results[2]  # only the skill's own folder, not $VIBE_HOME
    assert "outside the workspace" in results[3]  # readable, never writable
    assert (folder / "style.md").read_text(encoding="utf-8") == "Bullet points, past tense.\n"


def test_no_skill_no_tool(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("ok"))
    assert vibe_env.run("-p", "hi").returncode == 0
    request = vibe_env.fake.requests[0]
    assert "skill" not in request.tool_names
    assert "# Skills" not in request.messages[0]["content"]


def test_fifty_skills_add_at_most_1500_tokens_to_the_first_request(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("ok"), reply("ok"))
    assert vibe_env.run("-p", "hi").returncode == 0
    for index in range(50):
        write_skill(
            vibe_env.home / "skills",
            f"skill-{index:02d}",
            "A long description that goes on and on about when to use the skill. " * 12,
            "body",
        )
    assert vibe_env.run("-p", "hi").returncode == 0
    bare, skilled = vibe_env.fake.requests
    added = len(json.dumps(skilled.body, ensure_ascii=False)) - len(json.dumps(bare.body, ensure_ascii=False))
    assert 0 < added <= 1500 * 4  # tokens counted as characters / 4
    assert skilled.messages[0]["content"].count("\n- skill-") == 50


def test_skills_list_shows_origin_path_description_and_broken_files(vibe_env: VibeEnv) -> None:
    write_skill(vibe_env.home / "skills", "mine", "My own skill.", "body")
    write_skill(vibe_env.repo / ".agents" / "skills", "theirs", "The repository's skill.", "body")
    bad = vibe_env.home / "skills" / "Bad_Name"
    write_skill(vibe_env.home / "skills", "Bad_Name", "Broken.", "body")
    listed = vibe_env.run("skills", "list", "--output", "json")
    assert listed.returncode == 0, listed.stderr
    document = json.loads(listed.stdout)
    assert [(s["name"], s["origin"]) for s in document["skills"]] == [("mine", "user")]
    assert document["note"] and "not trusted" in document["note"]
    (broken,) = document["broken"]
    assert broken["path"] == str(bad / "SKILL.md") and "`name` must be lower-case" in broken["error"]
    assert vibe_env.run("trust").returncode == 0
    text = vibe_env.run("skills", "list").stdout
    assert "theirs  [project]" in text and "The repository's skill." in text and "mine  [user]" in text
    assert f"broken: {bad / 'SKILL.md'}" in text
