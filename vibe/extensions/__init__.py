"""What users and repositories add to vibe as files: custom agents, skills and slash commands.

Each is a Markdown file with YAML front-matter, found in the user's `$VIBE_HOME/<kind>/` and a
repository's `.vibe/<kind>/` (skills also in `.agents/skills/`, the Agent Skills convention).
A repository's files are inert until the folder is trusted (`vibe.config.trust` fingerprints
them), so discovery takes the trust decision as an argument and never reads an untrusted
repository's folder. Plain data only: what the definitions *do* (a `skill` tool, a command's
prompt, an agent's loop) lives with the layers that do it.
"""

from vibe.extensions.definition import DefinitionError, MarkdownDefinition, read_definition
from vibe.extensions.places import Origin, Place, extension_places

__all__ = [
    "DefinitionError",
    "MarkdownDefinition",
    "Origin",
    "Place",
    "extension_places",
    "read_definition",
]
