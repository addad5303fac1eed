"""What users and repositories add to vibe as files: custom agents, skills and slash commands.

Each is a Markdown file with YAML front-matter, found in the user's `$VIBE_HOME/<kind>/` and a
repository's `.vibe/<kind>/` (skills also in `.agents/skills/`, the Agent Skills convention).
A repository's files are inert until the folder is trusted (`vibe.config.trust` fingerprints
them), so discovery takes the trust decision as an argument and never reads an untrusted
repository's folder. Plain data only: what the definitions *do* (a `skill` tool, a command's
prompt, an agent's loop) lives with the layers that do it.
"""

from vibe.extensions.catalog import CommandCatalog, CommandSource, Expansion, PromptCommand, build_catalog
from vibe.extensions.commands import CustomCommand, expand_arguments
from vibe.extensions.definition import DefinitionError, MarkdownDefinition, read_definition
from vibe.extensions.discovery import Broken, Extensions, discover_extensions
from vibe.extensions.places import Origin, Place, extension_places
from vibe.extensions.skills import Skill, skill_body

__all__ = [
    "Broken",
    "CommandCatalog",
    "CommandSource",
    "CustomCommand",
    "DefinitionError",
    "Expansion",
    "Extensions",
    "MarkdownDefinition",
    "Origin",
    "Place",
    "PromptCommand",
    "Skill",
    "build_catalog",
    "discover_extensions",
    "expand_arguments",
    "extension_places",
    "read_definition",
    "skill_body",
]
