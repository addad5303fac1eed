"""Switching a conversation to another model, written once for every frontend (the TUI's /model,
the editor's model selector).

The name is resolved with the engine's settings exactly as at start-up (an alias from
config.toml, or a raw model id on the start-up endpoint); the client comes from the engine, one
per resolved model; the context window is found as at start-up (configured, else the endpoint's
/models). The agent announces the switch (`model_changed`) to its observers.
"""

from __future__ import annotations

from dataclasses import replace

from vibe.agent.budget import Pricing
from vibe.agent.loop import Agent
from vibe.composition.engine import Engine
from vibe.config.loader import ResolvedModel, resolve_model
from vibe.model.types import Sampling
from vibe.protocol.events import AgentEvent

__all__ = ["switch_model"]


async def switch_model(
    engine: Engine,
    agent: Agent,
    name: str,
    base_url_flag: str | None = None,
    local_server: str | None = None,
) -> tuple[ResolvedModel, AgentEvent]:
    """Point `agent` at the model `name` from its next request on; returns what `name` resolved
    to and the agent's `model_changed` event. `base_url_flag` is the --base-url the engine was
    started with (it applies to a raw id); `local_server` the base URL of the local server the
    user chose instead, where a raw id goes, with no key. Raises ConfigError, in one sentence,
    for a model that cannot be used."""
    settings = engine.settings.model_copy(update={"model": name})
    if name == engine.resolved.name:
        resolved = engine.resolved  # back to the start: the same endpoint, whichever it was
    elif local_server is not None and name not in settings.models:
        # A loopback port may be another user's server: no key of the user's goes to it.
        resolved = replace(resolve_model(settings, engine.env, local_server), api_key=None)
    else:
        resolved = resolve_model(settings, engine.env, base_url_flag)
    profile = resolved.profile
    client = engine.client_for(resolved)
    if resolved == engine.resolved:
        window = await engine.context_window()  # cached by the engine since start-up
    else:
        window = profile.context_window or await client.context_window(profile.id)
    agent_settings = replace(
        agent.settings,
        sampling=Sampling(
            model=profile.id,
            temperature=profile.temperature,
            parallel_tool_calls=profile.parallel_tool_calls,
        ),
        pricing=Pricing(profile.input_price, profile.output_price),
        context_window=window,
        vision=profile.vision,
    )
    changed = agent.switch_model(client, agent_settings, profile.id, chosen_as=name)
    return resolved, changed
