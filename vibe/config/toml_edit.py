"""Edits config.toml in place with tomlkit, so the user's comments and layout survive; atomic."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any, cast

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, InlineTable, Table

from vibe.config.permissions import CommandRule, ToolPermission
from vibe.config.settings import ConfigError

# tomlkit's containers are untyped dicts; they are handled as mappings of Any here.
_Table = MutableMapping[str, Any]


def _load(path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return tomlkit.document()
    except TOMLKitError as exc:
        raise ConfigError(f"{path} is not valid TOML, so the rule was not saved: {exc}") from exc


def _table(parent: _Table, key: str, path: Path, where: str) -> _Table:
    """parent[key] as a table, created when missing."""
    value: object = parent.get(key)
    if value is None:
        value = tomlkit.table()
        parent[key] = value
    if not isinstance(value, Table | InlineTable):
        raise ConfigError(f"{path}: {where!r} is not a table, so the approval was not saved")
    return cast(_Table, value)


def add_command_rule(path: Path, rule: CommandRule) -> bool:
    """Append `rule` to `[[permissions.commands]]` in `path`; False if an equal rule is already there."""
    document = _load(path)
    permissions = _table(cast(_Table, document), "permissions", path, "permissions")
    commands: object = permissions.get("commands")
    if commands is None:
        commands = tomlkit.aot()
        permissions["commands"] = commands
    if not isinstance(commands, AoT | Array):
        raise ConfigError(f"{path}: 'permissions.commands' is not a list, so the rule was not saved")
    entries = cast(list[Any], commands)
    for existing in entries:
        if isinstance(existing, Mapping):
            entry = cast(Mapping[str, Any], existing)
            if entry.get("pattern") == rule.pattern and entry.get("action") == rule.action:
                return False
    entry_table = cast(_Table, tomlkit.table() if isinstance(commands, AoT) else tomlkit.inline_table())
    entry_table["pattern"] = rule.pattern
    entry_table["action"] = rule.action
    entries.append(entry_table)
    _atomic_write(path, tomlkit.dumps(document))
    return True


def set_tool_permission(path: Path, tool: str, permission: ToolPermission) -> bool:
    """Set `[permissions.tools] <tool> = permission` in `path`; False if it was already so."""
    document = _load(path)
    permissions = _table(cast(_Table, document), "permissions", path, "permissions")
    tools = _table(permissions, "tools", path, "permissions.tools")
    if tools.get(tool) == permission:
        return False
    tools[tool] = permission
    _atomic_write(path, tomlkit.dumps(document))
    return True


def _atomic_write(path: Path, content: str) -> None:
    """Same folder temp file, fsync, rename; the existing file's mode is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".vibe-tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            Path(tmp_name).chmod(mode)
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
