"""Writes an "always allow" answer into config.toml, keeping the user's comments and layout.

Which file: inside a git repository the user trusts (or whose `.vibe/` asks for nothing that
needs trust), the project's `<repo>/.vibe/config.toml` (approvals are usually about the project:
"npm test", "cargo build"), and the trust is renewed for the content vibe itself wrote; in an
untrusted repository, or outside one, the user's `$VIBE_HOME/config.toml`. Edits go through
tomlkit, so comments and formatting survive, and the file is replaced atomically (temp file +
rename): a crash never leaves half a config.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from vibe.config.paths import project_root, vibe_home
from vibe.config.permissions import CommandRule, ToolPermission
from vibe.config.settings import read_toml
from vibe.config.trust import ProjectTrust, TrustStore, fingerprint

__all__ = ["RulesDestination", "store_rule", "store_tool_permission"]


def rules_file(cwd: Path, env: Mapping[str, str] | None = None, project_trusted: bool = True) -> Path:
    """The config file "always allow" answers go to (see the module docstring)."""
    root = project_root(cwd)
    if project_trusted and (root / ".git").exists():
        return root / ".vibe" / "config.toml"
    return vibe_home(env) / "config.toml"


class RulesDestination:
    """Where "always" answers are saved, for one session.

    In the project's file only while the folder's trust holds: before each save the project is
    fingerprinted again, and if it changed behind vibe's back since the session started (a
    `git pull` in another terminal), the answer goes to the user's own file instead, so that
    renewing the trust never blesses content the user did not see.
    """

    def __init__(self, cwd: Path, env: Mapping[str, str], trust: ProjectTrust) -> None:
        self._home = vibe_home(env)
        self._user_file = self._home / "config.toml"
        writable = trust.status in ("trusted", "nothing")
        self.path = rules_file(cwd, env, project_trusted=writable)
        self._trust = trust
        self._expected = trust.fingerprint.digest

    def save(self, write: Callable[[Path], object]) -> Path:
        """Calls `write` with the file to write to; returns that file."""
        if self.path == self._user_file:
            write(self.path)
            return self.path
        root = self._trust.root
        if fingerprint(root, read_toml(self.path)).digest != self._expected:
            write(self._user_file)
            return self._user_file
        write(self.path)
        renewed = fingerprint(root, read_toml(self.path))
        if not renewed.empty:
            TrustStore(self._home).trust(root, renewed)
        self._expected = renewed.digest
        return self.path


# tomlkit costs ~10 ms to import and is only needed when an answer is stored: imported then.


def store_rule(path: Path, rule: CommandRule) -> bool:
    """Append `rule` to `[[permissions.commands]]` in `path`; False if an equal rule is already there."""
    from vibe.config.toml_edit import add_command_rule

    return add_command_rule(path, rule)


def store_tool_permission(path: Path, tool: str, permission: ToolPermission) -> bool:
    """Set `[permissions.tools] <tool> = permission` in `path`; False if it was already so."""
    from vibe.config.toml_edit import set_tool_permission

    return set_tool_permission(path, tool, permission)
