"""Where hooks attach and what their answers do.

Around tool calls they are a call seam (`before_decision`: pre_tool hooks allow, deny or ask;
`after_result`: post_tool hooks add text to the result the model reads). In the loop, a prompt
passes `prompt` (session_start hooks on the conversation's first prompt, then user_prompt hooks,
which may refuse it or add context) and a turn that would end passes `stop` (stop hooks may send
the model back with a message, at most `MAX_SENT_BACK` times a prompt).

Every hook here is the user's own or a trusted repository's (an untrusted repository's hooks
are never loaded: vibe.config.project_layer), so each may allow; what an allow can lift is
bounded by `call_seams.weigh`. Built only when hooks are configured: a conversation without
them never imports this.
"""

from __future__ import annotations

from vibe.agent.call_seams import CallAbout, CallSeam, SeamVerdict
from vibe.agent.hook_runner import HookAnswer, HookRunner
from vibe.agent.hook_text import framed, with_context
from vibe.agent.run_end import PromptDeniedError
from vibe.messages import UserMessage
from vibe.protocol import events as ev
from vibe.tools.base import ToolResult

__all__ = ["MAX_SENT_BACK", "ConversationHooks"]

# A stop hook that always objects must not keep a prompt going forever.
MAX_SENT_BACK = 3
_STRICTNESS = {"allow": 0, "ask": 1, "deny": 2}


def _ignore(_event: ev.AgentEvent) -> None:
    return None


class ConversationHooks(CallSeam):
    """The hooks of one conversation."""

    def __init__(self, runner: HookRunner) -> None:
        self._runner = runner
        self._started = False
        self._sent_back = 0

    # -- around tool calls ----------------------------------------------------------------------

    async def before_decision(self, call: CallAbout) -> SeamVerdict | None:
        name = call.tool.name
        if not self._runner.hooks_for("pre_tool", name):
            return None
        fields = {"tool_name": name, "tool_input": call.arguments, "call_id": call.call_id}
        answers = await self._runner.run(
            "pre_tool", fields, call.emit or _ignore, tool=name, call_id=call.call_id, stop_at_deny=True
        )
        decided = [a for a in answers if a.decision is not None and not a.failed]
        if not decided:
            return None
        strictest = max(decided, key=lambda a: _STRICTNESS[a.decision or "allow"])
        assert strictest.decision is not None
        return SeamVerdict(strictest.decision, _reason(strictest), f"hook: {strictest.hook.command}")

    async def after_result(self, call: CallAbout, result: ToolResult) -> str | None:
        name = call.tool.name
        if not self._runner.hooks_for("post_tool", name):
            return None
        fields = {
            "tool_name": name,
            "tool_input": call.arguments,
            "call_id": call.call_id,
            "tool_output": result.output,
            "status": "ok" if result.ok else "error",
        }
        answers = await self._runner.run(
            "post_tool", fields, call.emit or _ignore, tool=name, call_id=call.call_id
        )
        texts = _texts(answers, with_denials=True)
        return framed("post_tool", texts) if texts else None

    # -- in the loop ----------------------------------------------------------------------------

    async def prompt(self, incoming: UserMessage, resumed: bool, emit: ev.Emit) -> UserMessage:
        """The prompt as the model will read it (with the hooks' context), or PromptDeniedError."""
        self._sent_back = 0
        texts: list[str] = []
        if not self._started:
            self._started = True
            answers = await self._runner.run("session_start", {"resumed": resumed}, emit)
            texts += _texts(answers)
        answers = await self._runner.run("user_prompt", {"prompt": incoming.content}, emit, stop_at_deny=True)
        denied = next((a for a in answers if a.decision == "deny" and not a.failed), None)
        if denied is not None:
            raise PromptDeniedError(f"a user_prompt hook refused the prompt: {_reason(denied)}")
        texts += _texts(answers)
        if not texts:
            return incoming
        return incoming.model_copy(update={"content": with_context(incoming.content, texts)})

    async def stop(self, last_message: str, emit: ev.Emit) -> UserMessage | None:
        """The message that sends the model back to work, when a stop hook objects (and it has
        been sent back fewer than MAX_SENT_BACK times this prompt)."""
        if self._sent_back >= MAX_SENT_BACK or not self._runner.hooks_for("stop"):
            return None
        fields = {"last_message": last_message, "times_sent_back": self._sent_back}
        answers = await self._runner.run("stop", fields, emit, stop_at_deny=True)
        objections = [_reason(a) for a in answers if a.decision == "deny" and not a.failed]
        if not objections:
            return None
        self._sent_back += 1
        return UserMessage(content=framed("stop", objections))


def _reason(answer: HookAnswer) -> str:
    return answer.reason or answer.context or f"{answer.hook.command} said {answer.decision}"


def _texts(answers: list[HookAnswer], *, with_denials: bool = False) -> list[str]:
    texts: list[str] = []
    for answer in answers:
        if answer.failed:
            continue
        if with_denials and answer.decision == "deny" and answer.reason:
            texts.append(answer.reason)
        if answer.context:
            texts.append(answer.context)
    return texts
