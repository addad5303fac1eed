"""What every model request carries besides the history, and how big a request is.

The frame is the system prompt (the agent's own, then the repository map once it is built) and
the tool specs (refreshed when tools join or leave the registry). Sizes are rough estimates
scaled by what the endpoint last reported, so the loop decides on compaction and limits with
numbers that track the real tokenizer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vibe.agent.compaction import Sizes
from vibe.agent.context_size import calibrated_ratio, history_tokens, message_tokens, specs_tokens
from vibe.agent.repo_map_context import MapBuilder, RepoMapContext
from vibe.agent.tool_specs import tool_specs
from vibe.messages import Message, SystemMessage
from vibe.model.types import ToolSpec
from vibe.tools.base import ToolRegistry

__all__ = ["RequestFrame"]


class RequestFrame:
    def __init__(
        self, tools: ToolRegistry, base_prompt: Callable[[], str], repo_map: MapBuilder | None
    ) -> None:
        self._tools = tools
        self._base_prompt = base_prompt  # the agent's settings may change between runs
        self.specs: list[ToolSpec] = tool_specs(tools)
        self._specs_version: int = tools.version
        # Endpoint-reported prompt tokens per estimated token (see calibrate).
        self._token_ratio = 1.0
        # The repository map joins the system prompt once built (see repo_map_context).
        self.repo_map = RepoMapContext(repo_map)

    def respec(self) -> None:
        """Lists the tools again (another model may be shown them differently)."""
        self.specs = tool_specs(self._tools)
        self._specs_version = self._tools.version

    def refresh_specs(self) -> None:
        """Tools that joined or left since the last request are shown from this one on."""
        if self._tools.version != self._specs_version:
            self.respec()

    def system_prompt(self) -> str:
        repo_map = self.repo_map.text
        base = self._base_prompt()
        return f"{base}\n\n{repo_map}" if repo_map else base

    def tokens(self, history: Sequence[Message]) -> int:
        """A request's size: the rough estimate scaled by what the endpoint last reported."""
        return int((self._fixed_tokens() + history_tokens(history)) * self._token_ratio)

    def sizes(self, window: int | None, history: Sequence[Message]) -> Sizes:
        """What compaction needs to know of the request it is making smaller."""
        return Sizes(
            window=window,
            tokens_before=self.tokens(history),
            fixed_tokens=int(self._fixed_tokens() * self._token_ratio),
            token_ratio=self._token_ratio,
        )

    def calibrate(self, messages: list[Message], reported: int) -> None:
        """Characters per token vary (code, languages); the endpoint's count corrects the guess."""
        estimated = history_tokens(messages) + specs_tokens(self.specs)
        self._token_ratio = calibrated_ratio(self._token_ratio, reported, estimated)

    def _fixed_tokens(self) -> int:
        """Estimated tokens of what every request carries whatever the history: prompt and tools."""
        return message_tokens(SystemMessage(content=self.system_prompt())) + specs_tokens(self.specs)
