"""Skills and custom commands wired into a run: found once per engine, then the skill tool, the
skills section of the system prompt, the folders read_file may read, and the `/name` catalog.

Discovery runs where the engine is built (the TUI's start-up worker, an editor's first session,
the headless build thread), never before a first frame or an editor's `initialize`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from vibe.config.loader import LoadedConfig
from vibe.config.paths import vibe_home
from vibe.extensions import CommandCatalog, Extensions, discover_extensions
from vibe.protocol.commands import COMMANDS
from vibe.tools.base import ToolRegistry
from vibe.tools.skill import SkillTool

__all__ = ["BUILTIN_NAMES", "add_skill_tool", "command_catalog", "extensions_for", "extensions_notices"]

log = logging.getLogger("vibe.extensions")

# Every frontend's built-in commands win over a custom one of the same name, so a command
# means the same thing in the terminal and in an editor.
BUILTIN_NAMES = tuple(command.name for command in COMMANDS)


def extensions_for(config: LoadedConfig, env: Mapping[str, str]) -> Extensions:
    """The user's skills and commands, and the repository's when it is trusted."""
    trust = config.trust
    found = discover_extensions(vibe_home(env), trust.root, trusted=trust.trusted)
    for notice in extensions_notices(found):  # the log is where an editor's user finds them
        log.warning("%s", notice)
    return found


def add_skill_tool(registry: ToolRegistry, extensions: Extensions) -> None:
    """The `skill` tool, only when the model has a skill to load."""
    skills = extensions.model_skills
    if skills:
        registry.register(SkillTool(skills))


def command_catalog(extensions: Extensions) -> CommandCatalog:
    return extensions.catalog(BUILTIN_NAMES)


def extensions_notices(extensions: Extensions) -> list[str]:
    return extensions.notices(BUILTIN_NAMES)
