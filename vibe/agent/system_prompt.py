"""Builds the system prompt: the base text, the workspace facts, and the AGENTS.md instructions.
Holds no facts about the user's machine beyond what tools need."""

from __future__ import annotations

from collections.abc import Sequence

from vibe.agent.skill_list import skills_section
from vibe.config.instructions import Instructions
from vibe.extensions import Skill
from vibe.prompts import load_prompt

__all__ = ["build_system_prompt"]


def build_system_prompt(
    instructions: list[Instructions], extra_roots: list[str], skills: Sequence[Skill] = ()
) -> str:
    # What the sandbox enforces is stated once, in the bash tool's description, next to the
    # commands it confines.
    parts = [load_prompt("system.md")]
    environment = [
        "# Environment",
        "- Paths are relative to the workspace root (the current directory) unless absolute.",
    ]
    if extra_roots:
        environment.append("- Other folders you may use: " + ", ".join(extra_roots))
    parts.append("\n".join(environment))
    for item in instructions:
        parts.append(f"# Instructions from {item.source}\n{item.text}")
    if (listed := skills_section(skills)) is not None:
        parts.append(listed)
    return "\n\n".join(parts)
