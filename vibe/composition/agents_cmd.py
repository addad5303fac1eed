"""`vibe agents list [--output text|json]`: the custom agents this folder's runs can work as
(`--agent`, /agent, the editor's `agent` option) and name in a task: built-in, the user's and
the repository's, each with where it comes from, what it may do, and every broken agent file
with the one sentence that says why."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from vibe.composition.custom_agents import agent_catalog
from vibe.composition.list_cmd import Listing, run_listing
from vibe.config.paths import vibe_home
from vibe.extensions.agents import AgentCatalog, AgentDefinition

__all__ = ["main"]


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    return run_listing(_LISTING, argv, env, cwd)


def _entry(agent: AgentDefinition) -> dict[str, object]:
    return {
        "name": agent.name,
        "origin": agent.origin,
        "path": str(agent.path) if agent.path is not None else None,
        "description": agent.description,
        # The stricter of this and the user's mode applies (None: the user's).
        "permission_mode": agent.permission_mode,
        "tools": list(agent.tools) if agent.tools is not None else None,
        "model": agent.model,
        "max_turns": agent.max_turns,
    }


def _document(catalog: AgentCatalog, note: str | None) -> dict[str, object]:
    return {
        "agents": [_entry(agent) for agent in catalog.agents.values()],
        "broken": [
            {"path": str(path), "error": error}
            for path, error in zip(catalog.problem_files, catalog.problems, strict=True)
        ],
        "note": note,
    }


def _text(catalog: AgentCatalog, note: str | None) -> str:
    lines: list[str] = []
    for agent in catalog.agents.values():
        lines.append(f"{agent.name}  [{agent.origin}]  {agent.path or '(built in)'}")
        lines.append(f"    {agent.description}")
        mode = agent.permission_mode or "the user's"
        tools = ", ".join(agent.tools) if agent.tools is not None else "all"
        extra = f"; model {agent.model}" if agent.model else ""
        lines.append(f"    mode at most: {mode}; tools: {tools}{extra}")
    lines.extend(f"broken: {problem}" for problem in catalog.problems)
    if note:
        lines.append(note)
    return "\n".join(lines)


_LISTING = Listing(
    kind="agents",
    description="The custom agents vibe finds here.",
    list_help="each agent: origin, path, description, mode, tools",
    untrusted="its agents are ignored",
    find=lambda config, env: agent_catalog(config, vibe_home(env)),
    document=_document,
    text=_text,
)
