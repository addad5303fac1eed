"""Builds the subagents the `task` tool runs, from the conversation's own parts.

A subagent shares its parent's model client, workspace, file system, audit and checkpoint seams
and policy rules; it gets a fresh, unsaved context, the parent's tools intersected with its
agent's allow-list (never `task`: one level of delegation), and a policy capped at the stricter
of the parent's mode now and its agent's. When that cap is plan mode its commands run under the
read-only sandbox, as the parent's would. An agent that names a `model` runs on that model
(`vibe.composition.subagent_models`), priced at its own prices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

from vibe.agent.approvals import Approver
from vibe.agent.budget import RunLimits
from vibe.agent.call_seams import CallSeam
from vibe.agent.loop import Agent
from vibe.composition.custom_agents import agent_settings, explorer
from vibe.composition.subagent_models import SubagentModels, settings_for
from vibe.extensions.agents import AgentCatalog, AgentDefinition
from vibe.model.client import ChatClient
from vibe.sandbox.base import Sandbox
from vibe.sandbox.switching import SwitchingSandbox
from vibe.tools.base import ToolRegistry

__all__ = ["SubagentFactory"]

_TASK = "task"


class SubagentFactory:
    """Implements `vibe.agent.subagents.SubagentMaker`; `parent` is set once the conversation's
    agent exists."""

    def __init__(
        self,
        catalog: AgentCatalog,
        read_only_sandbox: Callable[[], Sandbox],
        seams: Sequence[CallSeam],
        models: SubagentModels | None = None,
    ) -> None:
        self._catalog = catalog
        self._models = models
        # The clients of subagents on a model of their own, closed when their task ends.
        self._own_clients: dict[int, ChatClient] = {}
        self._read_only = cache(read_only_sandbox)
        self._seams = tuple(seams)
        self.parent: Agent | None = None

    def check(self, agent: str | None) -> str | None:
        if agent is None:
            return None
        definition = self._catalog.get(agent)
        if definition is not None:
            if definition.model is None or self._models is None:
                return None
            return self._models.problem(definition.model)
        known = ", ".join(self._catalog.names()) or "none"
        return f"no agent named `{agent}` (known: {known}); leave `agent` out for the read-only explorer"

    def agents_text(self) -> str:
        lines = [f"- {agent.name}: {agent.description}" for agent in self._catalog.agents.values()]
        return "Agents:\n" + "\n".join(lines) if lines else ""

    def make(self, agent: str | None, limits: RunLimits, approver: Approver) -> Agent:
        parent = self.parent
        if parent is None:
            raise RuntimeError("the subagent factory has no conversation yet")
        definition = self._catalog.agents[agent] if agent is not None else explorer()
        policy = parent.policy.capped(definition.permission_mode)
        context = parent.tool_context
        sandbox = SwitchingSandbox(context.sandbox, self._read_only, lambda: policy.mode == "plan")
        settings = agent_settings(parent.settings, definition, parent.settings.limits.max_turns)
        model = parent.model
        own_client: ChatClient | None = None
        if definition.model is not None and self._models is not None:
            resolved = self._models.resolve(definition.model)  # checked already by `check`
            settings = settings_for(settings, resolved)
            if resolved != self._models.start:
                model = own_client = self._models.client(resolved)
        child = Agent(
            model=model,
            tools=_tools_for(parent.tools, definition),
            tool_context=replace(context, sandbox=sandbox),
            policy=policy,
            approver=approver,
            settings=replace(settings, limits=replace(limits, max_turns=settings.limits.max_turns)),
            facts=replace(parent.facts, resumed=False, permission_mode=policy.mode, notices=[]),
            seams=self._seams,
        )
        if own_client is not None:
            self._own_clients[id(child)] = own_client
        return child

    async def release(self, agent: Agent) -> None:
        client = self._own_clients.pop(id(agent), None)
        if client is not None:
            await client.aclose()


def _tools_for(parent: ToolRegistry, definition: AgentDefinition) -> ToolRegistry:
    """What the parent offers now (its own allow-list applied), less `task`, then the agent's."""
    registry = ToolRegistry()
    for tool in parent:
        if tool.name != _TASK:
            registry.register(tool)
    registry.restrict(definition.tools)
    return registry
