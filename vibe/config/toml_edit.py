"""Edits config.toml in place with tomlkit, so the user's comments and layout survive; atomic."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any, cast

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, InlineTable, Table

from vibe.config.permissions import CommandRule, ToolPermission
from vibe.config.settings import ConfigError
from vibe.fileio import atomic_write_text

__all__ = ["remove_mcp_server", "set_mcp_server"]

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
    atomic_write_text(path, tomlkit.dumps(document))
    return True


def set_tool_permission(path: Path, tool: str, permission: ToolPermission) -> bool:
    """Set `[permissions.tools] <tool> = permission` in `path`; False if it was already so."""
    document = _load(path)
    permissions = _table(cast(_Table, document), "permissions", path, "permissions")
    tools = _table(permissions, "tools", path, "permissions.tools")
    if tools.get(tool) == permission:
        return False
    tools[tool] = permission
    atomic_write_text(path, tomlkit.dumps(document))
    return True


def set_mcp_server(path: Path, name: str, server: Mapping[str, Any]) -> None:
    """Write `[mcp_servers.<name>]` as `server` (replacing one of that name), keeping the rest."""
    document = _load(path)
    servers = _table(cast(_Table, document), "mcp_servers", path, "mcp_servers")
    table = tomlkit.table()
    for key, value in server.items():
        table[key] = value
    servers[name] = table
    atomic_write_text(path, tomlkit.dumps(document))


def remove_mcp_server(path: Path, name: str) -> bool:
    """Remove `[mcp_servers.<name>]` from `path`; False when there is none."""
    document = _load(path)
    servers: object = cast(_Table, document).get("mcp_servers")
    if not isinstance(servers, Table | InlineTable) or name not in servers:
        return False
    del cast(_Table, servers)[name]
    atomic_write_text(path, tomlkit.dumps(document))
    return True
