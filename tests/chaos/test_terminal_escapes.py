"""The terminal is not the model's (issue 16): whatever the model, a file or a command writes,
vibe never passes a control sequence to the user's terminal. An answer could otherwise set the
clipboard (OSC 52), retitle or reset the terminal, or hide text.

JSON outputs stay exact: JSON escapes the C0 controls, and vibe escapes DEL and C1 too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pexpect

from support.vibe_process import VibeEnv
from tools.fake_mistral import FakeMistral, call, fault, reply
from tui.harness import make_env

CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"  # OSC 52: put "rm -rf ~" on the clipboard
RESET = "\x1bc"  # RIS: reset the terminal
CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
TITLE = "\x1b]0;owned\x1b\\"  # retitle the window (ST-terminated)
EVIL = f"Done{CLIPBOARD}{RESET}{CLEAR}{TITLE}\x9b31m here."


def no_control_sequences(text: str) -> bool:
    return "\x1b" not in text and "\x9b" not in text and "\x07" not in text


def test_headless_text_output_carries_no_control_sequences(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / f"notes{RESET}.md").write_text(f"a file that clears the screen{CLEAR}\n")
    vibe_env.fake.script(
        reply(tool_calls=[call("read_file", {"path": f"missing{CLIPBOARD}.md"})]),
        reply(tool_calls=[call("glob", {"pattern": f"*{TITLE}"})]),
        fault.status(503, message=f"overloaded{RESET}"),
        reply(EVIL),
    )

    run = vibe_env.run("-p", "q")

    assert run.returncode == 0, run.stderr
    assert no_control_sequences(run.stdout) and no_control_sequences(run.stderr)
    assert run.stdout.startswith("Done") and run.stdout.rstrip().endswith("here.")
    assert "missing" in run.stderr and "overloaded" in run.stderr  # what was said is still there


def test_json_output_keeps_the_models_text_exactly(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply(EVIL))
    run = vibe_env.run("-p", "q", "--output", "json")
    assert run.returncode == 0
    assert no_control_sequences(run.stdout) and "\x7f" not in run.stdout  # escaped...
    assert json.loads(run.stdout)["final_text"] == EVIL  # ...and exact once decoded


def test_stream_json_escapes_c1_controls_too(vibe_env: VibeEnv) -> None:
    answer = f"{EVIL}\x7f\x90x\x9c"
    vibe_env.fake.script(reply(answer))
    run = vibe_env.run("-p", "q", "--output", "stream-json")
    assert run.returncode == 0
    assert not any("\x7f" <= char <= "\x9f" for char in run.stdout)
    assert run.result["final_text"] == answer


def test_trust_and_policy_commands_show_a_repositorys_text_inert(vibe_env: VibeEnv) -> None:
    # A cloned repository names what the trust listing prints: keys, values, file names.
    vibe_env.repo.joinpath(".vibe").mkdir(exist_ok=True)
    (vibe_env.repo / ".vibe" / "config.toml").write_text(
        # TOML's own escapes: the value holds a real OSC 52 once parsed.
        '[providers.evil]\nbase_url = "http://127.0.0.1:1/\\u001b]52;c;eA==\\u0007"\n'
    )
    agents = vibe_env.repo / ".vibe" / "agents"
    agents.mkdir()
    (agents / f"helper{RESET}.md").write_text("hi\n")
    trusted = vibe_env.run("trust")
    policy = vibe_env.run("policy", "check", f"echo {CLEAR}")
    for run in (trusted, policy):
        assert no_control_sequences(run.stdout) and no_control_sequences(run.stderr), run
    assert trusted.returncode == 0, trusted.stderr
    assert "helper" in trusted.stdout and "52;c;eA==" in trusted.stdout and "echo" in policy.stdout


def test_the_model_reads_command_output_without_escape_sequences(vibe_env: VibeEnv) -> None:
    printf = r"printf 'a\033cb\033]52;c;eA==\007c\033(Bd\0337e\033[1mf\033[0m\n'"
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": printf})]), reply("ok"))

    run = vibe_env.run("-p", "q", "--auto-approve", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    [finished] = run.of_type("tool_call_finished")
    assert finished["status"] == "ok", finished
    [result] = vibe_env.fake.requests[1].tool_results
    assert "abcdef" in result and "\x1b" not in result


def test_the_terminal_ui_shows_the_answer_without_its_control_sequences(tmp_path: Path) -> None:

    with FakeMistral() as fake:
        env = make_env(tmp_path, fake)
        fake.script(
            reply(tool_calls=[call("glob", {"pattern": f"*{TITLE}.md"})]),
            reply(f"Answer{CLIPBOARD}{RESET} ends-here", reasoning=f"thinking{CLEAR}"),
        )
        child = env.spawn_in_terminal(tmp_path, size=(40, 120))
        try:
            child.expect("devstral-test")
            child.send("go")
            child.send("\r")
            child.expect("ends-here")
            shown = "".join(part for part in (child.before, child.after) if isinstance(part, str))
            child.sendcontrol("c")
            child.sendcontrol("c")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
    assert "Answer" in shown
    for sequence in (CLIPBOARD, "\x1b]52", RESET, TITLE, "\x1b]0;owned"):
        assert sequence not in shown
