"""Runs `[[hooks]]` programs: in the sandbox the bash tool uses, told a JSON payload on stdin,
answering JSON on stdout; each run is an event for the frontends and a record in the audit log.

The answer: `{"decision": "allow" | "deny" | "ask", "reason": "...", "additional_context": "..."}`
(every key optional; no output at all says nothing). Exit code 2 means deny, with stderr as the
reason. Anything else (another exit code, a signal, the timeout, output that is not a JSON object,
a program that cannot start) is reported as `failed` and ignored: a broken hook must not stop work.
Only this module knows how a hook runs; `hook_points` decides what its answer does.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from vibe.config.hooks import HookEvent, HookSpec
from vibe.protocol import events as ev
from vibe.protocol.hook_events import HookOutcome
from vibe.sandbox.base import Sandbox
from vibe.sandbox.piped import PipedOutcome, run_piped
from vibe.tools.bash import shell_argv

__all__ = ["HookAnswer", "HookRunner"]

log = logging.getLogger("vibe.hooks")

DENY_EXIT_CODE = 2
# A hook's answer is a few lines of JSON; a flood is cut (head and tail kept) like command output.
_OUTPUT_CAP_BYTES = 64 * 1024
# What an event and the audit log keep of a reason or context.
_SHOWN_CHARS = 4000
Decision = Literal["allow", "deny", "ask"]
AuditWrite = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class HookAnswer:
    """What one hook said: a decision (or none), why, and text for the model."""

    hook: HookSpec
    decision: Decision | None = None
    reason: str = ""
    context: str = ""
    failed: bool = False


class HookRunner:
    def __init__(
        self,
        hooks: Sequence[HookSpec],
        sandbox: Sandbox,
        cwd: Path,
        session_id: str,
        audit: AuditWrite | None = None,
    ) -> None:
        self._hooks = tuple(hooks)
        self._sandbox = sandbox
        self._cwd = cwd
        self._session_id = session_id
        self._audit = audit
        self._audit_broken = False

    def hooks_for(self, event: HookEvent, tool: str | None = None) -> tuple[HookSpec, ...]:
        return tuple(
            hook
            for hook in self._hooks
            if hook.event == event
            and (tool is None or hook.matcher is None or fnmatch.fnmatchcase(tool, hook.matcher))
        )

    async def run(
        self,
        event: HookEvent,
        fields: dict[str, Any],
        emit: ev.Emit,
        *,
        tool: str | None = None,
        call_id: str | None = None,
        stop_at_deny: bool = False,
    ) -> list[HookAnswer]:
        """Runs the event's hooks (those matching `tool`) one after another, in config order."""
        answers: list[HookAnswer] = []
        payload = {"event": event, "session_id": self._session_id, "cwd": str(self._cwd), **fields}
        data = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        for hook in self.hooks_for(event, tool):
            started = time.monotonic()
            answer = await self._run_one(hook, data)
            duration_ms = int((time.monotonic() - started) * 1000)
            self._report(answer, emit, tool, call_id, duration_ms)
            answers.append(answer)
            if stop_at_deny and answer.decision == "deny":
                break
        return answers

    async def _run_one(self, hook: HookSpec, data: bytes) -> HookAnswer:
        spec = self._sandbox.wrap(shell_argv(hook.command), self._cwd)
        env = dict(spec.env or {})
        env["VIBE_HOOK_EVENT"] = hook.event
        env["VIBE_SESSION_ID"] = self._session_id
        try:
            outcome = await run_piped(
                replace(spec, env=env), data, timeout=hook.timeout, cap_bytes=_OUTPUT_CAP_BYTES
            )
        except OSError as exc:
            return HookAnswer(hook, reason=f"could not start: {exc}", failed=True)
        return _answer(hook, outcome)

    def _report(
        self, answer: HookAnswer, emit: ev.Emit, tool: str | None, call_id: str | None, duration_ms: int
    ) -> None:
        outcome: HookOutcome = (
            "failed" if answer.failed else answer.decision or ("context" if answer.context else "none")
        )
        event = ev.HookRan(
            event=answer.hook.event,
            command=answer.hook.command,
            outcome=outcome,
            reason=answer.reason[:_SHOWN_CHARS],
            additional_context=answer.context[:_SHOWN_CHARS],
            call_id=call_id,
            tool=tool,
            source=answer.hook.source,
            duration_ms=duration_ms,
        )
        emit(event)
        if answer.failed:
            log.warning("hook %r (%s) failed: %s", answer.hook.command, answer.hook.event, answer.reason)
        self._write_audit(event)

    def _write_audit(self, event: ev.HookRan) -> None:
        if self._audit is None or self._audit_broken:
            return
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "session_id": self._session_id,
            "cwd": str(self._cwd),
            **event.model_dump(mode="json", exclude={"seq", "type"}),
            "event": "hook",
            "hook_event": event.event,
        }
        try:
            self._audit(record)
        except OSError as exc:  # the audit trail failing must not stop the work; the log says so
            self._audit_broken = True
            log.error("cannot write the audit log: %s", exc)


def _answer(hook: HookSpec, outcome: PipedOutcome) -> HookAnswer:
    if outcome.timed_out:
        return HookAnswer(hook, reason=f"timed out after {hook.timeout:g} s and was killed", failed=True)
    if outcome.exit_code == DENY_EXIT_CODE:
        reason = outcome.stderr.strip() or f"the hook exited with code {DENY_EXIT_CODE}"
        return HookAnswer(hook, decision="deny", reason=reason)
    if outcome.exit_code != 0:
        how = f"code {outcome.exit_code}" if outcome.exit_code is not None else f"signal {outcome.signal}"
        detail = outcome.stderr.strip().splitlines()[-1:] or [""]
        return HookAnswer(hook, reason=f"exited with {how} {detail[0]}".rstrip(), failed=True)
    text = outcome.stdout.strip()
    if not text:
        return HookAnswer(hook)
    try:
        parsed: object = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return HookAnswer(hook, reason="its output is not JSON", failed=True)
    if not isinstance(parsed, dict):
        return HookAnswer(hook, reason="its output is not a JSON object", failed=True)
    return _read_object(hook, cast(dict[str, object], parsed))


def _read_object(hook: HookSpec, answer: dict[str, object]) -> HookAnswer:
    decision = answer.get("decision")
    reason = answer.get("reason", "")
    context = answer.get("additional_context", "")
    if decision is not None and decision not in ("allow", "deny", "ask"):
        return HookAnswer(hook, reason=f"unknown decision {decision!r}", failed=True)
    if not isinstance(reason, str) or not isinstance(context, str):
        return HookAnswer(hook, reason="reason and additional_context must be strings", failed=True)
    return HookAnswer(hook, decision, reason.strip(), context.strip())
