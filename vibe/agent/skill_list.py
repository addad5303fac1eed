"""The skills section of the system prompt: one line per skill, within a fixed budget.

Only names and descriptions are listed (the body is loaded with the `skill` tool), and the
whole section is capped at `BUDGET_CHARS`: with the skill tool's own description and schema,
50 skills add at most about 1,500 tokens (four characters a token) to a request. Descriptions are
cut to share the budget, and skills past it are named, not described.
"""

from __future__ import annotations

from collections.abc import Sequence

from vibe.extensions import Skill
from vibe.prompts import load_prompt

__all__ = ["BUDGET_CHARS", "skills_section"]

BUDGET_CHARS = 5200
# Every line keeps at least this much of its description, whatever the number of skills.
_MIN_LINE = 60
_MAX_LINE = 240


def skills_section(skills: Sequence[Skill]) -> str | None:
    if not skills:
        return None
    head = load_prompt("skills.md").strip()
    left = BUDGET_CHARS - len(head) - 80  # room for the "more skills" line
    per_line = max(_MIN_LINE, min(_MAX_LINE, left // len(skills) - 1))
    lines = [head]
    for index, skill in enumerate(skills):
        line = _line(skill, per_line)
        if len(line) + 1 > left:
            names = ", ".join(other.name for other in skills[index:])
            lines.append(f"- (more skills, by name only: {names})"[: max(0, left + 80)])
            break
        lines.append(line)
        left -= len(line) + 1
    return "\n".join(lines)


def _line(skill: Skill, width: int) -> str:
    line = f"- {skill.name}: {skill.description}"
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"
