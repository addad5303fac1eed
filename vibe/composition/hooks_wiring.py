"""The hooks of a conversation, from `[[hooks]]` (none configured: nothing is imported or built)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vibe.config.hooks import HookSpec
from vibe.sandbox.base import Sandbox
from vibe.session.audit import AuditLog

if TYPE_CHECKING:
    from vibe.agent.hook_points import ConversationHooks

__all__ = ["conversation_hooks"]


def conversation_hooks(
    hooks: tuple[HookSpec, ...], sandbox: Sandbox, cwd: Path, session_id: str, audit: AuditLog
) -> ConversationHooks | None:
    if not hooks:
        return None
    from vibe.agent.hook_points import ConversationHooks
    from vibe.agent.hook_runner import HookRunner

    return ConversationHooks(HookRunner(hooks, sandbox, cwd, session_id, audit.write))
