"""Splits a repository's `.vibe/config.toml` into what may always apply and what needs trust.

A repository you just cloned must not be able to loosen vibe: switch the sandbox off, allow
commands, raise limits, or send your keys to its own host. So the project layer is split:

- **Tightening** keys always apply: deny and ask rules, tools set to `ask` or `never`, a stricter
  permission mode (plan > ask > accept-edits > auto), a stricter sandbox `use` (require > prefer >
  off) or `mode` (read-only > workspace-write > full-access), `network = false`, lower limits,
  more protected paths (added to yours, never replacing them), and checkpoints switched on.
- **Loosening** keys apply only in a folder the user trusts for this exact content: everything not
  named above (providers, base URLs, models, allow rules, tools set to `always`, a looser mode or
  sandbox, raised limits, checkpoints switched off or kept for less, and every key vibe adds
  later: MCP servers, hooks, agents).
- **Withheld** keys never apply, trusted or not: a project cannot name the environment variable
  whose value is sent to an endpoint (`api_key_env`).

Whether a value tightens is decided against the layers below the project (built-ins and the
user's own config), so `permission_mode = "ask"` tightens a user's `accept-edits` but loosens a
user's `plan`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from vibe.config.settings import deep_merge

# Values from loosest to strictest.
_RANKED: dict[tuple[str, ...], tuple[object, ...]] = {
    ("permission_mode",): ("auto", "accept-edits", "ask", "plan"),
    ("sandbox", "use"): ("off", "prefer", "require"),
    ("sandbox", "mode"): ("full-access", "workspace-write", "read-only"),
    ("sandbox", "network"): (True, False),
    # Checkpoints are what undo restores from: turning them off loosens, turning them on tightens.
    ("checkpoints", "enabled"): (False, True),
}
_LIMITS = ("max_turns", "max_tokens", "max_cost", "time_limit", "tool_timeout")
_TIGHTENING_TOOL_VALUES = ("ask", "never")
_TIGHTENING_RULE_ACTIONS = ("ask", "deny")
_WITHHELD_PROVIDER_KEYS = ("api_key_env",)
_SHOWN_VALUE_CHARS = 80

Table = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ProjectSplit:
    """The project layer, split (see the module docstring)."""

    tightening: Table = field(default_factory=dict[str, Any])
    loosening: Table = field(default_factory=dict[str, Any])
    # [[permissions.commands]] entries, kept apart: they form the "project" rule layer.
    tightening_rules: tuple[Any, ...] = ()
    loosening_rules: tuple[Any, ...] = ()
    # One line per loosening key, as users read them: `sandbox.use = "off"`.
    loosening_keys: tuple[str, ...] = ()
    withheld_keys: tuple[str, ...] = ()

    def applied(self, trusted: bool) -> tuple[Table, tuple[Any, ...]]:
        """The settings data and the command rules that apply, trusted or not."""
        if not trusted:
            return self.tightening, self.tightening_rules
        return deep_merge(self.loosening, self.tightening), self.loosening_rules + self.tightening_rules


def split_project(
    project: Mapping[str, Any], base: Mapping[str, Any], user: Mapping[str, Any]
) -> ProjectSplit:
    """`base`: the built-ins merged with the user's config; `user`: the user's config alone."""
    tight: Table = {}
    loose: Table = {}
    withheld: list[str] = []
    for key, raw in project.items():
        value: object = raw
        if key == "permissions" and isinstance(value, Mapping):
            _split_permissions(cast(Mapping[str, Any], value), user, tight, loose)
        elif key == "providers" and isinstance(value, Mapping):
            loose[key] = _without_withheld(cast(Mapping[str, Any], value), withheld)
        elif isinstance(value, Mapping) and key in ("sandbox", "limits", "checkpoints"):
            for name, item in cast(Mapping[str, Any], value).items():
                _place((key, name), item, base, tight, loose)
        else:
            _place((key,), raw, base, tight, loose)
    rules = _rules(project)
    return ProjectSplit(
        tightening=tight,
        loosening=loose,
        tightening_rules=tuple(r for r in rules if _action(r) in _TIGHTENING_RULE_ACTIONS),
        loosening_rules=tuple(r for r in rules if _action(r) not in _TIGHTENING_RULE_ACTIONS),
        loosening_keys=tuple(describe(loose)) + tuple(_describe_rules(rules)),
        withheld_keys=tuple(withheld),
    )


def trust_candidates(project: Mapping[str, Any]) -> Table:
    """What trust is bound to in the config: everything but what could only tighten whatever the
    user's own config says (deny/ask rules, tools set to ask/never). Independent of the user's
    config, so editing your own config never voids the trust you gave a folder."""
    data: Table = dict(project)
    permissions = project.get("permissions")
    if isinstance(permissions, Mapping):
        kept: Table = dict(cast(Mapping[str, Any], permissions))
        tools = kept.get("tools")
        if isinstance(tools, Mapping):
            kept["tools"] = {
                name: value
                for name, value in cast(Mapping[str, Any], tools).items()
                if value not in _TIGHTENING_TOOL_VALUES
            }
        if "commands" in kept:
            kept["commands"] = [r for r in _rules(project) if _action(r) not in _TIGHTENING_RULE_ACTIONS]
        data["permissions"] = {name: value for name, value in kept.items() if value not in ({}, [])}
        if not data["permissions"]:
            del data["permissions"]
    return data


def describe(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    """`a.b = value` lines for every leaf of `data`, for notices and trust prompts."""
    lines: list[str] = []
    for key, raw in data.items():
        name = f"{prefix}{key}"
        value: object = raw
        if isinstance(value, Mapping) and value:
            lines += describe(cast(Mapping[str, Any], value), f"{name}.")
        elif _is_table_list(raw):
            # An array of tables ([[hooks]]): one line per field, so each command is shown whole
            # enough to judge, and a change to one of them is named.
            for index, item in enumerate(cast(list[Mapping[str, Any]], value)):
                lines += describe(item, f"{name}[{index}].")
        else:
            lines.append(f"{name} = {_show(raw)}")
    return lines


def _is_table_list(value: object) -> bool:
    if not isinstance(value, list) or not value:
        return False
    return all(isinstance(item, Mapping) for item in cast(list[object], value))


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _SHOWN_VALUE_CHARS else text[: _SHOWN_VALUE_CHARS - 1] + "…"


def _place(path: tuple[str, ...], value: object, base: Mapping[str, Any], tight: Table, loose: Table) -> None:
    target = tight if _tightens(path, value, base) else loose
    _set(target, path, _protected_union(value, base) if path == ("sandbox", "protected") else value)


def _tightens(path: tuple[str, ...], value: object, base: Mapping[str, Any]) -> bool:
    current = _get(base, path)
    ranked = _RANKED.get(path)
    if ranked is not None:
        if value not in ranked:
            return False  # not a value we can rank: treated as loosening (and validated if trusted)
        return current not in ranked or ranked.index(value) >= ranked.index(current)
    if path == ("sandbox", "protected"):
        return isinstance(value, list) and all(isinstance(item, str) for item in cast(list[Any], value))
    if len(path) == 2 and path[0] == "limits" and path[1] in _LIMITS:
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            return False
        return not isinstance(current, int | float) or value <= current
    return False


def _protected_union(value: object, base: Mapping[str, Any]) -> object:
    """More protected paths are added to the user's, never replace them."""
    current = _get(base, ("sandbox", "protected"))
    ours = list(cast(list[str], current)) if isinstance(current, list) else [".git", ".vibe"]
    return list(dict.fromkeys([*ours, *cast(list[str], value)]))


def _split_permissions(
    permissions: Mapping[str, Any], user: Mapping[str, Any], tight: Table, loose: Table
) -> None:
    user_permissions = user.get("permissions")
    user_tools: Mapping[str, Any] = {}
    if isinstance(user_permissions, Mapping):
        found = cast(Mapping[str, Any], user_permissions).get("tools")
        user_tools = cast(Mapping[str, Any], found) if isinstance(found, Mapping) else {}
    for key, value in permissions.items():
        if key == "commands":
            continue  # rules form their own layer (see split_project)
        if key != "tools" or not isinstance(value, Mapping):
            _set(loose, ("permissions", key), value)
            continue
        for tool, setting in cast(Mapping[str, Any], value).items():
            if setting in _TIGHTENING_TOOL_VALUES:
                _set(tight, ("permissions", "tools", tool), setting)
            elif tool not in user_tools:  # your own setting for a tool beats the project's
                _set(loose, ("permissions", "tools", tool), setting)


def _without_withheld(providers: Mapping[str, Any], withheld: list[str]) -> Table:
    kept: Table = {}
    for name, provider in providers.items():
        if not isinstance(provider, Mapping):
            kept[name] = provider
            continue
        entries = cast(Mapping[str, Any], provider)
        for key in _WITHHELD_PROVIDER_KEYS:
            if key in entries:
                withheld.append(f"providers.{name}.{key} = {_show(entries[key])}")
        kept[name] = {key: item for key, item in entries.items() if key not in _WITHHELD_PROVIDER_KEYS}
    return kept


def _rules(data: Mapping[str, Any]) -> list[Any]:
    permissions = data.get("permissions")
    if not isinstance(permissions, Mapping):
        return []
    rules = cast(Mapping[str, Any], permissions).get("commands")
    return list(cast(list[Any], rules)) if isinstance(rules, list) else []


def _action(rule: object) -> object:
    return cast(Mapping[str, Any], rule).get("action") if isinstance(rule, Mapping) else None


def _describe_rules(rules: list[Any]) -> list[str]:
    lines: list[str] = []
    for rule in rules:
        if _action(rule) in _TIGHTENING_RULE_ACTIONS:
            continue
        if isinstance(rule, Mapping):
            entry = cast(Mapping[str, Any], rule)
            lines.append(f"permissions.commands: {entry.get('action')} {_show(entry.get('pattern'))}")
        else:
            lines.append(f"permissions.commands: {_show(rule)}")
    return lines


def _get(data: Mapping[str, Any], path: tuple[str, ...]) -> object:
    current: object = data
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = cast(Mapping[str, object], current).get(key)
    return current


def _set(data: Table, path: tuple[str, ...], value: object) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value
