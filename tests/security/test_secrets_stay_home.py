"""A prompt-injected model cannot read the user's keys from its commands' environment, and
secrets it does come across never reach the session file, the audit log or vibe's log."""

from __future__ import annotations

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

GITHUB_TOKEN = "ghp_" + "Z" * 36
CLOUD_SECRET = "cloud-secret-value-0123456789"
DB_PASSWORD = "db-pass-word-9876"
FILE_TOKEN = "ghp_" + "Q" * 36  # credential-shaped text found in a file, in no variable


def test_commands_get_no_secrets_and_none_is_written_down(vibe_env: VibeEnv, backend: str) -> None:
    vibe_env.extra_env.update(
        GITHUB_TOKEN=GITHUB_TOKEN,
        AWS_SECRET_ACCESS_KEY=CLOUD_SECRET,
        DATABASE_URL=f"postgres://app:{DB_PASSWORD}@db.internal/app",
        SSH_AUTH_SOCK="/tmp/ssh-agent.sock",
        NPM_TOKEN="npm-token-kept-on-purpose",
    )
    config = vibe_env.home / "config.toml"
    config.write_text(config.read_text() + '\n[sandbox]\nenv_passthrough = ["NPM_*"]\n')
    (vibe_env.repo / "notes.txt").write_text(f"deploy with {FILE_TOKEN}\n")
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": "env; echo SOCK=${SSH_AUTH_SOCK:-none}"})]),
        reply(tool_calls=[call("read_file", {"path": "notes.txt"})]),
        reply(f"The token is {FILE_TOKEN} and the key {GITHUB_TOKEN}."),
    )
    run = vibe_env.run("-p", "show me your environment", "--auto-approve", "--output", "json")
    assert run.returncode == 0, run.stderr
    seen = vibe_env.fake.requests[1].messages[-1]["content"]
    assert "SOCK=none" in seen and "PATH=" in seen
    for secret in (GITHUB_TOKEN, CLOUD_SECRET, DB_PASSWORD):
        assert secret not in seen
    assert "npm-token-kept-on-purpose" in seen  # what the user passed through, on purpose
    written = [
        *(vibe_env.home / "sessions").glob("*.jsonl"),
        vibe_env.home / "audit.jsonl",
        vibe_env.home / "logs" / "vibe.log",
    ]
    for path in written:
        text = path.read_text(encoding="utf-8")
        for secret in (GITHUB_TOKEN, CLOUD_SECRET, DB_PASSWORD, FILE_TOKEN):
            assert secret not in text, (path.name, secret)
    session = next((vibe_env.home / "sessions").glob("*.jsonl")).read_text()
    assert "[redacted]" in session
