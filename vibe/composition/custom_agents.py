"""Custom agents in a conversation: the catalogue, and working as one of them.

Working as an agent changes the conversation in place: its instructions join the system prompt,
its tool allow-list hides the other tools (from the model and from the dispatcher), its
permission mode becomes a ceiling on the user's (`PermissionPolicy.set_ceiling`: never looser),
and its `max_turns` bounds each run. Choosing no agent (`default`) undoes all of it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vibe.agent.loop import Agent
from vibe.agent.session_facts import AgentSettings
from vibe.config.loader import LoadedConfig
from vibe.extensions.agents import AgentCatalog, AgentDefinition, built_in_agents, load_agents
from vibe.prompts import load_prompt
from vibe.protocol import events as ev
from vibe.session.records import AgentRecord

__all__ = [
    "DEFAULT_AGENT",
    "UnknownAgentError",
    "agent_catalog",
    "agent_settings",
    "explorer",
    "find_agent",
    "restorable",
    "work_as",
]

# The name that means "no custom agent": the conversation as configured.
DEFAULT_AGENT = "default"
# Starts the part of the system prompt an agent adds, so choosing another replaces it.
_MARKER = "\n\n# Working as the agent "


class UnknownAgentError(ValueError):
    """An agent name nobody defined, in one sentence listing the ones there are."""


def agent_catalog(config: LoadedConfig, home: Path) -> AgentCatalog:
    """The built-in agents, the user's, and the repository's when it is trusted."""
    texts = {name: load_prompt(f"agents/{name}.md") for name in ("plan", "review")}
    trust = config.trust
    return load_agents(home, trust.root, trusted=trust.trusted, built_in=built_in_agents(texts))


def explorer() -> AgentDefinition:
    """The subagent a task gets when it names none: reads and searches, changes nothing."""
    return AgentDefinition(
        name="explorer",
        description="Read-only exploration for another agent.",
        instructions=load_prompt("agents/explorer.md"),
        origin="built-in",
        permission_mode="plan",
        tools=("read_file", "grep", "glob", "outline", "find_symbol", "git_*", "bash"),
    )


def find_agent(catalog: AgentCatalog, name: str) -> AgentDefinition:
    agent = catalog.get(name)
    if agent is None:
        known = ", ".join([DEFAULT_AGENT, *catalog.names()])
        raise UnknownAgentError(f"no agent named `{name}` (known: {known})")
    return agent


def agent_settings(
    base: AgentSettings, agent: AgentDefinition | None, max_turns: int | None
) -> AgentSettings:
    """`base` with `agent`'s instructions in place of any earlier agent's, and its turn limit
    (the stricter of it and `max_turns`, the configured one)."""
    prompt = base.system_prompt.split(_MARKER, 1)[0]
    turns = max_turns
    if agent is not None:
        prompt += f"{_MARKER}`{agent.name}`\n{agent.instructions}".rstrip()
        if agent.max_turns is not None:
            turns = agent.max_turns if turns is None else min(turns, agent.max_turns)
    return replace(base, system_prompt=prompt, limits=replace(base.limits, max_turns=turns))


def restorable(catalog: AgentCatalog, saved: str | None) -> tuple[str | None, str | None]:
    """The agent a resumed session works as, from the one it `saved` (None: it never chose one),
    and a notice when that agent is gone: then it works as `default`."""
    if saved is None or saved == DEFAULT_AGENT or catalog.get(saved) is not None:
        return saved, None
    return DEFAULT_AGENT, (
        f"this session worked as the agent `{saved}`, which is no longer available (its file was "
        f"removed, or the folder is no longer trusted); it continues as `{DEFAULT_AGENT}`"
    )


def work_as(conversation: Agent, catalog: AgentCatalog, name: str, max_turns: int | None) -> ev.AgentEvent:
    """Makes `conversation` work as the agent `name` (or as configured, for `default`) from its
    next request on, and writes so in its session (resuming it restores the agent); returns the
    `agent_changed` event. Raises UnknownAgentError."""
    agent = None if name == DEFAULT_AGENT else find_agent(catalog, name)
    conversation.record(AgentRecord(name=name))
    policy = conversation.policy
    policy.set_ceiling(agent.permission_mode if agent else None)
    conversation.tools.restrict(agent.tools if agent else None)
    settings = agent_settings(conversation.settings, agent, max_turns)
    return conversation.switch_agent(
        settings,
        ev.AgentChanged(
            name=agent.name if agent else DEFAULT_AGENT,
            description=agent.description if agent else "",
            permission_mode=policy.mode,
            tools=list(agent.tools) if agent and agent.tools is not None else None,
        ),
    )
