"""Which environment variables are secrets or lead out of the sandbox, and how secrets are hidden.

One place serves two jobs:

- **What confined processes inherit** (`scrubbed_environment`): commands, hooks and MCP servers get
  vibe's environment without provider keys, anything named like a key, token, secret or password,
  URLs carrying a password, and the variables that lead to a socket outside the sandbox (an
  ssh-agent, the X server, tmux, Docker, D-Bus). `[sandbox] env_passthrough` keeps what the user
  names. vibe's own git calls and the user's editor keep the user's environment: they are not
  confined processes.
- **What is written down** (`Redactor`): sessions, logs and the audit log never hold a secret
  value found in the environment, nor text shaped like a well-known credential (cloud and forge
  tokens, private key blocks), wherever it appears: in a prompt, a file the model read, a
  command's output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from fnmatch import fnmatchcase

__all__ = ["REDACTED", "Redactor", "scrubbed_environment", "secret_values"]

REDACTED = "[redacted]"

# Variables that lead to a process or socket outside the sandbox, whatever their value.
ESCAPE_VARIABLES = frozenset(
    {
        "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_ASKPASS", "GPG_AGENT_INFO", "GNOME_KEYRING_CONTROL",
        "TMUX", "TMUX_PANE", "STY", "ZELLIJ", "ZELLIJ_SESSION_NAME", "WEZTERM_UNIX_SOCKET",
        "KITTY_LISTEN_ON", "NVIM", "NVIM_LISTEN_ADDRESS", "VIM_SERVERNAME", "EMACS_SOCKET_NAME",
        "DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "DOCKER_HOST", "CONTAINER_HOST",
        "PODMAN_HOST", "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "PULSE_SERVER", "SWAYSOCK",
        "I3SOCK", "HYPRLAND_INSTANCE_SIGNATURE", "NIRI_SOCKET", "VSCODE_IPC_HOOK",
        "VSCODE_IPC_HOOK_CLI", "VSCODE_GIT_IPC_HANDLE", "GIT_ASKPASS", "KRB5CCNAME",
        "XDG_RUNTIME_DIR", "JUPYTER_RUNTIME_DIR",
    }
)  # fmt: skip
# Parts of a name (split at "_") that mark a secret: MISTRAL_API_KEY, AWS_SECRET_ACCESS_KEY.
_SECRET_PARTS = frozenset(
    {"KEY", "KEYS", "APIKEY", "TOKEN", "TOKENS", "SECRET", "SECRETS", "PASSWORD", "PASSWD", "PASS",
     "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "CREDS", "AUTH", "COOKIE", "PAT", "PRIVATE"}
)  # fmt: skip
# Anywhere in a name: PGPASSWORD, MYSECRET. ("TOKEN" only as a part: TOKENIZERS_PARALLELISM is not.)
_SECRET_INFIXES = ("PASSWORD", "PASSWD", "SECRET", "APIKEY", "CREDENTIAL")
_PASSWORD_IN_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)
# Credentials with a recognisable shape, found in any text.
_TOKEN_SHAPES = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----"
    r"|\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b"
    r"|\bgithub_pat_[A-Za-z0-9_]{40,}\b"
    r"|\bglpat-[A-Za-z0-9_-]{20,}\b"
    r"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"
    r"|\bxox[abprs]-[A-Za-z0-9-]{10,}\b"
    r"|\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b"
    r"|\bhf_[A-Za-z0-9]{30,}\b"
    r"|\bnpm_[A-Za-z0-9]{36}\b",
    re.DOTALL,
)
# Shorter values are too likely to occur by chance in ordinary text.
_MIN_SECRET_CHARS = 8


def is_secret_name(name: str) -> bool:
    upper = name.upper()
    if any(part in _SECRET_PARTS for part in upper.split("_")):
        return True
    return any(infix in upper for infix in _SECRET_INFIXES)


def _withheld(name: str, value: str, secret_names: Collection[str]) -> bool:
    return (
        name in secret_names
        or name in ESCAPE_VARIABLES
        or is_secret_name(name)
        or _PASSWORD_IN_URL.search(value) is not None
    )


def scrubbed_environment(
    env: Mapping[str, str], passthrough: Sequence[str] = (), secret_names: Collection[str] = ()
) -> dict[str, str]:
    """`env` without secrets and escape routes; `passthrough` (names or globs) keeps what the
    user chose; `secret_names` adds names known to hold keys (each provider's `api_key_env`)."""
    kept: dict[str, str] = {}
    for name, value in env.items():
        if _withheld(name, value, secret_names) and not any(fnmatchcase(name, p) for p in passthrough):
            continue
        kept[name] = value
    return kept


def secret_values(env: Mapping[str, str], secret_names: Collection[str] = ()) -> list[str]:
    """The values in `env` that are secrets (by name, or a URL's password part)."""
    found: list[str] = []
    for name, value in env.items():
        if name in secret_names or is_secret_name(name):
            found.append(value)
        for match in _PASSWORD_IN_URL.finditer(value):
            password = match.group(0).rsplit(":", 1)[1].rstrip("@")
            found.append(password)
    return [value for value in found if len(value) >= _MIN_SECRET_CHARS]


class Redactor:
    """Replaces known secret values and credential-shaped text with `[redacted]`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        known = {s for s in secrets if len(s) >= _MIN_SECRET_CHARS}
        # Also as they appear inside JSON strings (sessions and the audit log are JSON lines).
        known |= {json.dumps(s, ensure_ascii=False)[1:-1] for s in known}
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted(known, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPES.sub(REDACTED, text)
