"""What an agent is told when it is built: the facts of its session (for `session_started`) and
the settings of its runs. The composition root fills both."""

from __future__ import annotations

from dataclasses import dataclass, field

from vibe.agent.budget import Pricing, RunLimits
from vibe.agent.compaction import CompactionSettings
from vibe.model.types import Sampling
from vibe.protocol import events as ev

__all__ = ["AgentSettings", "SessionFacts", "session_started"]


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What `session_started` tells frontends."""

    session_id: str
    resumed: bool
    cwd: str
    workspace_roots: list[str]
    model: str
    provider: str
    base_url: str
    permission_mode: str
    sandbox: str
    sandbox_info: ev.SandboxInfo | None = None
    # Settings of the repository's .vibe/ left out because the folder is not trusted.
    untrusted_keys: list[str] = field(default_factory=list[str])
    # The session this one continues, when the one asked for was busy with another run.
    forked_from: str | None = None
    # Sentences the user should read about the session (a fork, damaged lines skipped).
    notices: list[str] = field(default_factory=list[str])
    # The custom agent a resumed session was restored to work as ("default" when it had
    # switched back, or its agent is gone); None when the session never chose one.
    restored_agent: str | None = None


@dataclass(frozen=True, slots=True)
class AgentSettings:
    sampling: Sampling
    system_prompt: str
    limits: RunLimits = field(default_factory=RunLimits)
    pricing: Pricing = field(default_factory=Pricing)
    context_window: int | None = None
    compaction: CompactionSettings = field(default_factory=CompactionSettings)
    vision: bool = False  # whether the model reads images (the profile's `vision`)


def session_started(facts: SessionFacts, context_window: int | None, tools: list[str]) -> ev.SessionStarted:
    return ev.SessionStarted(
        session_id=facts.session_id,
        resumed=facts.resumed,
        cwd=facts.cwd,
        workspace_roots=facts.workspace_roots,
        model=facts.model,
        context_window=context_window,
        provider=facts.provider,
        base_url=facts.base_url,
        permission_mode=facts.permission_mode,
        sandbox=facts.sandbox,
        sandbox_info=facts.sandbox_info,
        tools=tools,
        untrusted_keys=facts.untrusted_keys,
        forked_from=facts.forked_from,
        notices=facts.notices,
    )
