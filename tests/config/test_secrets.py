"""What confined processes inherit, and what is never written down."""

from __future__ import annotations

import json

from vibe.config.secrets import REDACTED, Redactor, is_secret_name, scrubbed_environment, secret_values

ENV = {
    "PATH": "/usr/bin",
    "HOME": "/home/u",
    "LANG": "C.UTF-8",
    "GIT_AUTHOR_NAME": "Ada",
    "TOKENIZERS_PARALLELISM": "false",
    "MISTRAL_API_KEY": "mistral-key-0123456789",
    "GITHUB_TOKEN": "ghp_" + "a" * 36,
    "AWS_SECRET_ACCESS_KEY": "aws-secret-0123456789",
    "PGPASSWORD": "pg-password-123",
    "LAB_KEYVAR": "lab-secret-0123456789",
    "DATABASE_URL": "postgres://app:db-pass-9876@db.internal/app",
    "SSH_AUTH_SOCK": "/tmp/ssh-x/agent.1",
    "DISPLAY": ":0",
    "TMUX": "/tmp/tmux-0/default,1,0",
    "DOCKER_HOST": "unix:///run/docker.sock",
    "NPM_TOKEN": "npm-token-0123456789",
}


def test_secrets_and_escape_routes_are_withheld_the_rest_kept() -> None:
    kept = scrubbed_environment(ENV, passthrough=("NPM_*",), secret_names=("LAB_KEYVAR",))
    assert set(kept) == {"PATH", "HOME", "LANG", "GIT_AUTHOR_NAME", "TOKENIZERS_PARALLELISM", "NPM_TOKEN"}


def test_names_that_look_secret() -> None:
    for name in ("OPENAI_API_KEY", "HF_TOKEN", "SLACK_BOT_TOKEN", "MYSQL_PWD_PASSWORD", "GOOGLE_CREDENTIALS"):
        assert is_secret_name(name), name
    for name in ("KEYTIMEOUT", "GIT_AUTHOR_EMAIL", "PASSENGER_ENV", "TOKENIZERS_PARALLELISM", "PATH"):
        assert not is_secret_name(name), name


def test_redaction_finds_known_values_urls_and_credential_shapes_even_inside_json() -> None:
    redact = Redactor(secret_values(ENV, ("LAB_KEYVAR",)))
    text = (
        "key mistral-key-0123456789, lab lab-secret-0123456789, db-pass-9876 in a URL, "
        "a token seen in a file: ghp_" + "b" * 36 + ", AKIAABCDEFGHIJKLMNOP, "
        "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----"
    )
    line = redact(json.dumps({"output": text}))
    for secret in ("mistral-key", "lab-secret", "db-pass-9876", "ghp_", "AKIA", "abc\\n"):
        assert secret not in line, secret
    assert json.loads(line)["output"].count(REDACTED) == 6
    quoted = Redactor(['pa"ss\\word-123'])
    assert "pa" not in quoted(json.dumps({"x": 'pa"ss\\word-123'}))
    assert redact("ordinary text, short=abc") == "ordinary text, short=abc"
