"""Writes an "always allow" answer into config.toml, keeping the user's comments and layout.

Which file: inside a git repository, the project's `<repo>/.vibe/config.toml` (approvals are
usually about the project: "npm test", "cargo build"); outside one, the user's
`$VIBE_HOME/config.toml`. Edits go through tomlkit, so comments and formatting survive, and the
file is replaced atomically (temp file + rename): a crash never leaves half a config.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from vibe.config.paths import project_root, vibe_home
from vibe.config.permissions import CommandRule, ToolPermission


def rules_file(cwd: Path, env: Mapping[str, str] | None = None) -> Path:
    """The config file "always allow" answers go to (see the module docstring)."""
    root = project_root(cwd)
    if (root / ".git").exists():
        return root / ".vibe" / "config.toml"
    return vibe_home(env) / "config.toml"


# tomlkit costs ~10 ms to import and is only needed when an answer is stored: imported then.


def store_rule(path: Path, rule: CommandRule) -> bool:
    """Append `rule` to `[[permissions.commands]]` in `path`; False if an equal rule is already there."""
    from vibe.config.toml_edit import add_command_rule

    return add_command_rule(path, rule)


def store_tool_permission(path: Path, tool: str, permission: ToolPermission) -> bool:
    """Set `[permissions.tools] <tool> = permission` in `path`; False if it was already so."""
    from vibe.config.toml_edit import set_tool_permission

    return set_tool_permission(path, tool, permission)
