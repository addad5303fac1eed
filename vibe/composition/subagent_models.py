"""The model a subagent runs on when its agent names one (`model:` in the agent's file).

The name is resolved as `--model` resolves it (`resolve_model`: an alias from config.toml with
its provider, or a raw id). A model of the provider the run already talks to is reached at the
run's own endpoint with the run's own key (so `--base-url` and a project's redirected URL hold
for subagents too, and no key goes anywhere it did not already go); a raw id goes to that
endpoint as it is. Each task gets its own client, closed when the task ends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from vibe.agent.budget import Pricing
from vibe.agent.session_facts import AgentSettings
from vibe.config.loader import ResolvedModel, resolve_model
from vibe.config.settings import ConfigError, ModelProfile, Settings
from vibe.model.client import ChatClient
from vibe.model.types import Sampling

__all__ = ["SubagentModels", "settings_for"]


@dataclass(frozen=True, slots=True)
class SubagentModels:
    settings: Settings
    env: Mapping[str, str]
    # What the conversation started on: its endpoint and key are the ones a subagent may reuse.
    start: ResolvedModel
    build: Callable[[Settings, ResolvedModel], ChatClient]

    def resolve(self, name: str) -> ResolvedModel:
        """What `name` means here; raises ConfigError in one sentence."""
        if name in (self.start.name, self.start.profile.id):
            return self.start
        if name not in self.settings.models:
            # A raw id: as-is on the endpoint the run talks to, priced at zero (unknown).
            return replace(self.start, name=name, profile=ModelProfile(provider=self.start.provider, id=name))
        resolved = resolve_model(self.settings.model_copy(update={"model": name}), self.env, None)
        if resolved.provider == self.start.provider:
            resolved = replace(resolved, base_url=self.start.base_url, api_key=self.start.api_key)
        return resolved

    def problem(self, name: str) -> str | None:
        """Why `name` cannot be used for a subagent; None when it can."""
        try:
            self.resolve(name)
        except ConfigError as exc:
            return f"the agent's model `{name}` cannot be used: {exc}"
        return None

    def client(self, resolved: ResolvedModel) -> ChatClient:
        return self.build(self.settings, resolved)


def settings_for(base: AgentSettings, resolved: ResolvedModel) -> AgentSettings:
    """`base` (the subagent's settings) on `resolved`: its id, sampling, prices and window."""
    profile = resolved.profile
    return replace(
        base,
        sampling=Sampling(
            model=profile.id,
            temperature=profile.temperature,
            parallel_tool_calls=profile.parallel_tool_calls,
        ),
        pricing=Pricing(profile.input_price, profile.output_price),
        context_window=profile.context_window,
        vision=profile.vision,
    )
