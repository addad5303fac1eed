"""Repairs a conversation so strict chat templates accept it.

Histories go wrong in ordinary ways: a run is cancelled between a tool call and its result, a
session is resumed after a crash, a server reuses tool-call ids. Mistral's API and many Jinja chat
templates then reject the whole request, so the client repairs the history before every send. The
repair is pure (it never touches the stored conversation) and a no-op on a healthy history.

Rules:
- a message's note for the model (vibe.notes) is rendered into its text;
- every assistant tool call is answered by exactly one tool message, right after the assistant
  message, in call order; an unanswered call gets the result the loop gives a call it stopped
  ("Not finished: the run was interrupted …"), and tool
  messages that answer nothing (orphans, duplicates) are dropped;
- tool-call ids are unique across the history; a reused id is renamed (deterministically, 9
  alphanumeric characters as Mistral requires) in the assistant message and its results alike;
- every call is sent with arguments that are a JSON object and a name: arguments a model glitch
  or its output limit left unparsable go as `{}`, a missing name as `MISSING_TOOL_NAME` (vLLM
  parses the arguments of every earlier call and answers 400 otherwise, for the rest of the
  session). The result the model read already says what was wrong;
- consecutive user messages are merged, an assistant message without tool calls is merged into the
  assistant message that follows it, and an assistant message with nothing in it is dropped;
- a user message never directly follows a tool message: the placeholder reply the loop writes
  for a run that stopped before answering is inserted.

The texts of these repairs are the loop's own (vibe.notes), so the model reads one set of words
whichever wrote them.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Sequence

from vibe.messages import AssistantMessage, Message, ToolCall, ToolMessage, UserMessage
from vibe.notes import INTERRUPTED, NO_REPLY, unfinished_call, with_note_in_text

# The name a call the model sent without one is sent back with.
MISSING_TOOL_NAME = "missing_tool_name"

_ID_ALPHABET = string.ascii_letters + string.digits
_ID_LENGTH = 9


def sanitize_history(messages: Sequence[Message]) -> list[Message]:
    answered = _pair_tool_calls([with_note_in_text(message) for message in messages])
    return _fix_role_order(answered)


def _pair_tool_calls(messages: Sequence[Message]) -> list[Message]:
    """Give each tool call exactly one result and make ids unique; drop stray tool messages."""
    out: list[Message] = []
    used_ids: set[str] = set()
    index = 0
    while index < len(messages):
        message = messages[index]
        index += 1
        if isinstance(message, ToolMessage):
            continue  # not directly after an assistant message with calls: an orphan
        if not isinstance(message, AssistantMessage) or not message.tool_calls:
            out.append(message)
            continue
        results: list[ToolMessage] = []
        while index < len(messages) and isinstance(candidate := messages[index], ToolMessage):
            results.append(candidate)
            index += 1
        out.extend(_answer_calls(message, results, used_ids, position=len(out)))
    return out


def _answer_calls(
    assistant: AssistantMessage, results: list[ToolMessage], used_ids: set[str], position: int
) -> list[Message]:
    renamed_calls: list[ToolCall] = []
    for call_number, call in enumerate(assistant.tool_calls):
        call_id = call.id
        if call_id in used_ids:
            call_id = _fresh_id(call.id, f"{position}:{call_number}", used_ids)
        used_ids.add(call_id)
        renamed_calls.append(_sendable(call).model_copy(update={"id": call_id}))

    # Match results to calls by the id the server gave; with duplicate ids inside one message the
    # n-th result for an id answers the n-th call with it.
    answers: dict[int, ToolMessage] = {}
    for result in results:
        for call_number, call in enumerate(assistant.tool_calls):
            if call.id == result.tool_call_id and call_number not in answers:
                answers[call_number] = result
                break
        # A result that matched no open call is a duplicate or an orphan: dropped.

    out: list[Message] = [assistant.model_copy(update={"tool_calls": tuple(renamed_calls)})]
    for call_number, call in enumerate(renamed_calls):
        answer = answers.get(call_number)
        if answer is None:
            out.append(
                ToolMessage(tool_call_id=call.id, name=call.name, content=unfinished_call(INTERRUPTED))
            )
        else:
            out.append(answer.model_copy(update={"tool_call_id": call.id, "name": call.name}))
    return out


def _sendable(call: ToolCall) -> ToolCall:
    """`call` as a strict server accepts it; the very same object when it already is."""
    update: dict[str, str] = {}
    if not call.name.strip():
        update["name"] = MISSING_TOOL_NAME
    if not _is_json_object(call.arguments):
        update["arguments"] = "{}"
    return call.model_copy(update=update) if update else call


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return False


def _fresh_id(original: str, salt: str, taken: set[str]) -> str:
    """A 9-character alphanumeric id derived from the original, so repeated sends agree."""
    counter = 0
    while True:
        digest = hashlib.sha256(f"{original}\0{salt}\0{counter}".encode()).digest()
        candidate = "".join(_ID_ALPHABET[byte % len(_ID_ALPHABET)] for byte in digest[:_ID_LENGTH])
        if candidate not in taken:
            return candidate
        counter += 1


def _fix_role_order(messages: list[Message]) -> list[Message]:
    out: list[Message] = []
    for message in messages:
        previous = out[-1] if out else None
        if isinstance(message, AssistantMessage):
            if not (message.content or message.reasoning or message.tool_calls):
                continue
            if isinstance(previous, AssistantMessage) and not previous.tool_calls:
                out[-1] = _merge_assistants(previous, message)
                continue
        elif isinstance(message, UserMessage):
            if isinstance(previous, UserMessage):
                joined = _join(previous.content, message.content)
                out[-1] = UserMessage(content=joined, images=previous.images + message.images)
                continue
            if isinstance(previous, ToolMessage):
                out.append(AssistantMessage(content=NO_REPLY))
        out.append(message)
    return out


def _merge_assistants(first: AssistantMessage, second: AssistantMessage) -> AssistantMessage:
    """`first` has no tool calls, so `second`'s calls (and the results after them) stay in place."""
    return AssistantMessage(
        content=_join(first.content, second.content),
        reasoning=_join(first.reasoning, second.reasoning),
        tool_calls=second.tool_calls,
    )


def _join(first: str, second: str) -> str:
    return "\n\n".join(part for part in (first, second) if part)
