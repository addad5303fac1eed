"""The seams around every tool call, asked in order at each point of a call (see
`vibe.agent.call_seams` for what each point may say).

A seam that fails is logged, and what its failure means depends on the point: before the
decision it says nothing (the policy decides alone), before the call it refuses the call (a
checkpoint or hook that failed could lose work), after the result or the call it adds nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from vibe.agent.call_seams import CallAbout, CallOutcome, CallSeam, SeamVerdict
from vibe.tools.base import ToolResult

__all__ = ["SeamChain"]

log = logging.getLogger("vibe.agent")

_STRICTNESS = {"allow": 0, "ask": 1, "deny": 2}


class SeamChain:
    def __init__(self, seams: Sequence[CallSeam]) -> None:
        self._seams = tuple(seams)

    async def before_decision(self, about: CallAbout) -> SeamVerdict | None:
        """The strictest thing the seams say (deny > ask > allow)."""
        said: SeamVerdict | None = None
        for seam in self._seams:
            try:
                verdict = await seam.before_decision(about)
            except Exception:
                log.exception("a before-decision seam failed for %s", about.tool.name)
                continue
            if verdict is not None and (
                said is None or _STRICTNESS[verdict.action] > _STRICTNESS[said.action]
            ):
                said = verdict
        return said

    async def before_call(self, about: CallAbout) -> str | None:
        """The first seam that refuses the call says why."""
        for seam in self._seams:
            try:
                refusal = await seam.before_call(about)
            except Exception as exc:
                log.exception("a before-call seam failed for %s", about.tool.name)
                return f"the call could not be prepared ({type(exc).__name__}: {exc})"
            if refusal is not None:
                return refusal
        return None

    async def after_result(self, about: CallAbout, result: ToolResult) -> ToolResult:
        """The result with whatever the seams add for the model to read."""
        for seam in self._seams:
            try:
                extra = await seam.after_result(about, result)
            except Exception:
                log.exception("an after-result seam failed for %s", about.tool.name)
                continue
            if extra:
                result = replace(result, output=f"{result.output}\n\n{extra}")
        return result

    def after_call(self, outcome: CallOutcome) -> None:
        for seam in self._seams:
            try:
                seam.after_call(outcome)
            except Exception:  # what a seam records must not change what the model reads
                log.exception("an after-call seam failed for %s", outcome.tool)
