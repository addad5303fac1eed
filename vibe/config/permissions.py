"""The `[permissions]` section of config.toml: per-tool permissions and shell command rules.

Only the data shape lives here (and the syntax of a pattern, checked when the config loads);
judging commands against rules, and checking each rule against its examples, is `vibe.policy`'s
job, because that needs the shell parser.

```toml
[permissions.tools]
write_file = "ask"          # always | ask | never

[[permissions.commands]]
pattern = "npm run *"       # words of one simple command; `*` and `?` glob within a word
action = "allow"            # allow | ask | deny
match = ["npm run build"]   # examples the rule must match ...
not_match = ["npm install"] # ... and must not match
read_only = false           # true: plan mode may run it too (it changes nothing)
```

A pattern is a prefix: "git status" also covers "git status --short". A final `$` word anchors it:
"git branch $" covers `git branch` and nothing longer.
"""

from __future__ import annotations

import shlex
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

__all__ = [
    "END_ANCHOR",
    "CommandRule",
    "PermissionsSettings",
    "RuleAction",
    "ToolPermission",
    "split_pattern",
]

ToolPermission = Literal["always", "ask", "never"]
RuleAction = Literal["allow", "ask", "deny"]

# The last word of a pattern that means "and nothing after".
END_ANCHOR = "$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def split_pattern(pattern: str) -> tuple[tuple[str, ...], bool]:
    """A pattern's words and whether it is anchored at the end; ValueError if it is malformed."""
    try:
        words = shlex.split(pattern)
    except ValueError as exc:
        raise ValueError(f"pattern {pattern!r} cannot be read as words: {exc}") from exc
    anchored = bool(words) and words[-1] == END_ANCHOR
    if anchored:
        words = words[:-1]
    if not words:
        raise ValueError(f"pattern {pattern!r} names no command")
    if END_ANCHOR in words:
        raise ValueError(f"pattern {pattern!r} has {END_ANCHOR!r} before its end; it may only end a pattern")
    return tuple(words), anchored


class CommandRule(_Strict):
    """A prefix pattern over one simple command, e.g. "git status" or "npm run *"."""

    pattern: str
    action: RuleAction
    # Example commands the rule must / must not match; checked when the config loads.
    match: list[str] = Field(default_factory=list[str])
    not_match: list[str] = Field(default_factory=list[str])
    # An allow rule for a command that changes nothing: plan mode may run it.
    read_only: bool = False

    @field_validator("pattern")
    @classmethod
    def _pattern_is_words(cls, pattern: str) -> str:
        split_pattern(pattern)
        return pattern

    @model_validator(mode="after")
    def _read_only_allows(self) -> CommandRule:
        if self.read_only and self.action != "allow":
            raise ValueError(f"rule {self.pattern!r}: read_only only applies to allow rules")
        return self

    def text(self) -> str:
        """The rule as users read it: `allow "git status"`."""
        return f'{self.action} "{self.pattern}"'


class PermissionsSettings(_Strict):
    tools: dict[str, ToolPermission] = Field(default_factory=dict[str, ToolPermission])
    # The user's own rules (their config file, and rules approved during a session).
    commands: list[CommandRule] = Field(default_factory=list[CommandRule])
    # The repository's rules, which rank below the user's. Set by the loader only: a private
    # attribute cannot be given in a config file.
    _project_commands: tuple[CommandRule, ...] = PrivateAttr(default=())

    @property
    def project_commands(self) -> tuple[CommandRule, ...]:
        return self._project_commands

    def with_project_commands(self, rules: tuple[CommandRule, ...]) -> PermissionsSettings:
        copy = self.model_copy()
        copy._project_commands = rules
        return copy
