"""The `[permissions]` section of config.toml: per-tool permissions and shell command rules.

Only the data shape lives here; judging commands against rules is `vibe.policy`'s job.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ToolPermission = Literal["always", "ask", "never"]
RuleAction = Literal["allow", "ask", "deny"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CommandRule(_Strict):
    """A prefix pattern over one simple command, e.g. "git status" or "npm run *"."""

    pattern: str
    action: RuleAction
    # Example commands the rule must / must not match; checked when the config loads.
    match: list[str] = Field(default_factory=list[str])
    not_match: list[str] = Field(default_factory=list[str])


class PermissionsSettings(_Strict):
    tools: dict[str, ToolPermission] = Field(default_factory=dict[str, ToolPermission])
    commands: list[CommandRule] = Field(default_factory=list[CommandRule])
