"""`VibeApp`: the interactive session. Submits operations to the conversation service and shows
the events it answers with; approvals are asked in a modal and answered by operation.

Calm by construction: nothing ticks while idle (no spinner, no blinking cursor, no polling);
the screen changes only when an event, a key or a one-shot stream flush asks for it.

Fast to start: the first frame, with a working prompt, needs only textual and the widgets here.
The engine is imported and built afterwards, in a worker thread (`backend_factory`); text typed
meanwhile waits for the agent like any queued prompt. Engine modules are therefore imported
inside the functions that run once it is loaded, never at the top of a vibe.tui module.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.worker import Worker

from vibe.protocol.commands import find_command
from vibe.tui.approval import ApprovalScreen, answer_in_modal, dismiss_question
from vibe.tui.attach import attached
from vibe.tui.attention import Attention
from vibe.tui.backend import Backend, BackendFactory
from vibe.tui.completion import custom_items, repository_files
from vibe.tui.engine_start import EngineStart
from vibe.tui.event_view import EventView
from vibe.tui.pinned_plan import PinnedPlan
from vibe.tui.prompt_input import CompletionMenu, PromptInput
from vibe.tui.resume import show_opened
from vibe.tui.state import TuiState
from vibe.tui.status_line import StatusLine, git_branch
from vibe.tui.styles import APP_CSS
from vibe.tui.transcript import Transcript

if TYPE_CHECKING:
    from vibe.config.settings import PermissionMode
    from vibe.protocol import events as ev
    from vibe.protocol import operations as op
    from vibe.service.conversation import Conversation

__all__ = ["VibeApp"]

QUIT_WINDOW_SECONDS = 2.0
# Shift+Tab cycles these; "auto" (no approvals at all) is only reachable by asking for it.
MODE_CYCLE: tuple[PermissionMode, ...] = ("ask", "accept-edits", "plan")
WELCOME = "vibe · type a task and press Enter · /help for commands · @ mentions files · !cmd runs a shell"


class VibeApp(App[int]):
    CSS = APP_CSS
    TITLE = "vibe"
    BINDINGS = [  # noqa: RUF012 - textual's declared shape
        Binding("escape", "interrupt", "Interrupt", show=False),
        Binding("ctrl+c", "quit_twice", "Quit", show=False),
        Binding("shift+tab", "cycle_mode", "Mode", show=False, priority=True),
        # The prompt has focus, but page keys are for reading the transcript.
        Binding("ctrl+t", "toggle_plan", "Fold the plan", show=False, priority=True),
        Binding("ctrl+g", "edit_prompt", "Prompt in $EDITOR", show=False, priority=True),
        Binding("pageup", "scroll_transcript(-1)", "Page up", show=False, priority=True),
        Binding("pagedown", "scroll_transcript(1)", "Page down", show=False, priority=True),
    ]

    def __init__(self, backend_factory: BackendFactory, cwd: Path, initial_prompt: str | None = None) -> None:
        # The terminal's own palette. Said to textual up front (not only through the theme set
        # below): with NO_COLOR it picks its filter at construction, and for a non-ANSI theme
        # that filter maps colours to greys (black text on a dark terminal) instead of the
        # terminal's default colours.
        super().__init__(ansi_color=True)
        self.theme = "ansi-dark"
        self.cwd = cwd
        self._closed = False
        # Set when the backend could not be built; the caller prints it once the TUI is gone.
        self.startup_error: str | None = None
        self.initial_prompt = initial_prompt
        # The session's state, observed by the widgets (`vibe.tui.state`).
        self.state = TuiState()
        self._agent_ready = asyncio.Event()
        self._last_ctrl_c = -QUIT_WINDOW_SECONDS
        self._shell_count = 0
        self._shells: list[Worker[None]] = []  # running `!command`s, for Esc
        self.transcript = Transcript()
        self.menu = CompletionMenu()
        self.prompt = PromptInput(self.menu, cwd)
        self.status_line = StatusLine()
        self.attention = Attention(self.bell)
        self.pinned_plan = PinnedPlan()
        self.state.observe(self.status_line.show)
        self.events = EventView(
            self.state,
            self.transcript,
            self.pinned_plan,
            self.attention,
            ask=lambda request: self.run_worker(
                answer_in_modal(self, request, lambda: self.conversation, self.interrupt_agent),
                group="approval",
                exit_on_error=False,
            ),
            answered=lambda call_id: dismiss_question(self, call_id),
        )
        # Built behind the first frame (`vibe.tui.engine_start`); then the first conversation opens.
        parts = (self.transcript, self.state, self.attention)
        self._engine = EngineStart(
            self, backend_factory, parts, opened=self.open_agent, failed=self._startup_failed
        )

    @property
    def conversation(self) -> Conversation | None:
        return self.state.conversation

    @property
    def busy(self) -> bool:
        return self.state.busy

    @property
    def queue(self) -> deque[str]:
        return self.state.queue

    async def action_edit_prompt(self) -> None:
        await self.edit_prompt()

    async def edit_prompt(self) -> None:
        """The prompt in the user's editor; what they save becomes the prompt."""
        from vibe.tui.external_editor import edit_prompt

        await edit_prompt(self.prompt, self.transcript, self.suspend)

    def action_toggle_plan(self) -> None:
        self.pinned_plan.toggle()

    def on_app_blur(self) -> None:
        self.attention.blurred()

    def on_app_focus(self) -> None:
        self.attention.focused()

    def compose(self) -> ComposeResult:
        yield self.transcript
        yield self.pinned_plan
        yield self.menu
        yield self.prompt
        yield self.status_line

    async def on_mount(self) -> None:
        await self.transcript.mount(Static(WELCOME, classes="welcome"))
        self.state.update(branch=git_branch(self.cwd))
        self.prompt.focus()
        # The first frame goes out first; the engine loads behind it.
        self.call_after_refresh(self._engine.start)

    # -- the engine -------------------------------------------------------------------------

    @property
    def backend(self) -> Backend:
        """The engine's port; commands and runs reach it only after the engine is ready."""
        if self._engine.backend is None:
            raise RuntimeError("the engine is still loading")
        return self._engine.backend

    def _startup_failed(self, message: str) -> None:
        self.startup_error = message
        self.exit(return_code=2)

    # -- agents -----------------------------------------------------------------------------

    @work(exclusive=True, group="open-agent", exit_on_error=False)
    async def open_agent(
        self, operation: op.NewConversation | op.ResumeConversation | None = None, replace: bool = False
    ) -> None:
        """Opens the first conversation (`operation` None: what the command line asked for), or
        carries out /new or /resume. `replace`: the transcript is cleared only once the new
        conversation is open, so one that cannot be opened leaves the current one on screen."""
        from vibe.protocol import operations as op
        from vibe.service.host import ServiceError

        self._agent_ready.clear()
        conversation = self.conversation or self.backend.conversation()
        conversation.watch(self._between_runs)
        try:
            if operation is None:
                await conversation.open()
                replayed = await conversation.replay() if conversation.facts.resumed else []
            else:
                replayed = [event async for event in conversation.submit(operation)]
        except ServiceError as exc:
            await self.transcript.notice(f"✗ {exc}", "error")
            if self.conversation is not None:
                self._agent_ready.set()  # keep the conversation we had
            elif operation is None:  # e.g. --resume with an unknown id: go on with a new conversation
                self.open_agent(op.NewConversation())
            return
        self.state.conversation = conversation
        self.prompt.custom_commands = custom_items(conversation.commands)
        from vibe.tui.mcp_prompts import offer_mcp_prompts

        prompts = offer_mcp_prompts(conversation, self.prompt, self.transcript)
        self.run_worker(prompts, group="mcp-prompts", exclusive=True, exit_on_error=False)
        if replace:
            # A `!command` still running would go on unseen, its card gone with the screen.
            self.stop_shells()
            await self.transcript.clear()
            self.pinned_plan.clear()
        earlier = await show_opened(self.transcript, self.state, conversation, replayed, replace=replace)
        if earlier:
            self.run_worker(earlier, group="history", exclusive=True, exit_on_error=False)
        self._agent_ready.set()
        if self.initial_prompt:
            prompt, self.initial_prompt = self.initial_prompt, None
            self.submit(prompt)

    # -- prompts ----------------------------------------------------------------------------

    async def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        self.submit(message.text)

    def submit(self, text: str) -> None:
        if _is_command(text):
            self.run_worker(self._command(text), group="command", exit_on_error=False)
        elif text.startswith("!") and len(text) > 1:
            self._shells = [worker for worker in self._shells if not worker.is_finished]
            self._shells.append(
                self.run_worker(self.shell(text[1:].strip()), group="shell", exit_on_error=False)
            )
        else:
            self.send_prompt(text)

    def send_prompt(self, text: str) -> None:
        """A prompt for the model (or a custom command): runs now, or queues behind the run."""
        if self.busy:
            self.state.enqueue(text)
            self.run_worker(self.transcript.queued(text))
        else:
            self.start_run(text)

    def start_run(self, text: str) -> None:
        self.state.update(busy=True)
        self.run_worker(self._run(text), group="run", exit_on_error=False)

    def start_compaction(self, instructions: str | None) -> None:
        """/compact: shown and interrupted like a run (Esc stops it, prompts typed meanwhile queue)."""
        self.state.update(busy=True)
        self.run_worker(self._run(None, instructions), group="run", exit_on_error=False)

    async def _run(self, text: str | None, compact_focus: str | None = None) -> None:
        """A prompt, or with no text a compaction, run to its result; then the next queued one."""
        from vibe.protocol import operations as op

        await self._agent_ready.wait()
        conversation = self.conversation
        assert conversation is not None
        operation: op.Operation | None = op.Compact(instructions=compact_focus)
        if text is not None:
            await self.transcript.user(text)
            workspace = conversation.agent.tool_context.workspace if conversation.is_open else None
            found = await attached(self.transcript, self.cwd, text, workspace)  # None: not sent
            operation = op.Prompt(text=found.text, images=found.images) if found is not None else None
        from vibe.service.host import ServiceError

        try:
            if operation is not None:
                async for event in conversation.submit(operation):
                    await self.show_event(event)
        except ServiceError as exc:  # e.g. a skill run as /name whose SKILL.md broke since
            await self.transcript.notice(f"✗ {exc}", "error")
        finally:
            self.state.update(busy=False, branch=git_branch(self.cwd))
        next_prompt = self.state.next_queued()
        if next_prompt is not None:
            self.transcript.unqueue(1)
            self.start_run(next_prompt)

    async def _command(self, text: str) -> None:
        await self._engine.ready.wait()  # typed during start-up: runs once the engine is there
        if find_command(text.split(maxsplit=1)[0], "tui") is None:
            await self._agent_ready.wait()  # maybe a custom command: known once one is open
        from vibe.tui.commands import run_command

        await run_command(self, text)

    def _between_runs(self, event: ev.AgentEvent) -> None:
        """An MCP server that fails or dies while no prompt runs is shown as it happens."""
        self.run_worker(self.show_event(event), exit_on_error=False)

    async def show_event(self, event: ev.AgentEvent) -> None:
        """Renders one agent event (`vibe.tui.event_view`); also the seam the snapshot tests drive."""
        await self.events.show(event)

    async def shell(self, command: str) -> None:
        """`!command`: the user's own command, run in the workspace, shown as a card."""
        self._shell_count += 1
        call_id = f"shell-{self._shell_count}"
        await self._agent_ready.wait()  # it runs in the conversation's sandbox
        from vibe.tui.shell import run_shell

        assert self.conversation is not None
        await run_shell(self.transcript, self.conversation, command, call_id)

    # -- keys -------------------------------------------------------------------------------

    def action_interrupt(self) -> None:
        """Esc: stops the agent's run and any `!command` still running (its process group)."""
        self.interrupt_agent()
        self.stop_shells()

    def stop_shells(self) -> None:
        """Cancels the running `!command`s; each stops its process group before it ends."""
        for worker in self._shells:
            worker.cancel()

    def interrupt_agent(self) -> None:
        if self.busy and self.conversation is not None:
            self.conversation.interrupt()
            self._return_queue_to_prompt()

    def _return_queue_to_prompt(self) -> None:
        """Esc means stop: prompts queued behind the interrupted run go back into the input,
        to edit, send (Enter) or drop, as in Claude Code and Codex, instead of starting at once."""
        if not self.state.queue:
            return
        parts = [*self.state.take_queue(), self.prompt.text.strip()]
        self.transcript.unqueue()
        self.prompt.text = "\n\n".join(part for part in parts if part)
        self.prompt.move_cursor(self.prompt.document.end)
        self.notify("Queued prompts are back in the input: Enter sends them")

    async def action_quit_twice(self) -> None:
        now = time.monotonic()
        if now - self._last_ctrl_c < QUIT_WINDOW_SECONDS:
            await self.shutdown()
            return
        self._last_ctrl_c = now
        self.prompt.clear()
        self.notify("Press Ctrl+C again to quit", timeout=QUIT_WINDOW_SECONDS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cycle_mode", "interrupt") and isinstance(self.screen, ApprovalScreen):
            return False
        return not (action in ("cycle_mode", "scroll_transcript") and self.screen is not self.screen_stack[0])

    def action_scroll_transcript(self, direction: int) -> None:
        if direction < 0:
            self.transcript.scroll_page_up(animate=False)
        else:
            self.transcript.scroll_page_down(animate=False)

    async def action_cycle_mode(self) -> None:
        if self.conversation is None:
            return
        current = self.conversation.mode
        index = MODE_CYCLE.index(current) + 1 if current in MODE_CYCLE else 0
        await self.set_mode(MODE_CYCLE[index % len(MODE_CYCLE)])

    async def set_mode(self, mode: PermissionMode) -> None:
        from vibe.protocol import operations as op

        if self.conversation is not None:
            async for event in self.conversation.submit(op.SetMode(mode=mode)):
                await self.show_event(event)

    def on_prompt_input_files_wanted(self, message: PromptInput.FilesWanted) -> None:
        self.index_files()

    @work(thread=True, exclusive=True, group="files", exit_on_error=False)
    def index_files(self) -> None:
        files = repository_files(self.cwd)
        self.call_from_thread(self._files_ready, files)

    def _files_ready(self, files: list[str]) -> None:
        self.prompt.files = files
        self.prompt.refresh_completion()

    async def shutdown(self) -> None:
        await self._close()
        self.exit(0)

    async def on_unmount(self) -> None:
        """However the app ends, the conversation closes (its MCP servers stop in order)."""
        await self._close()

    async def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.conversation is not None:
            await self.conversation.aclose()
        if self._engine.backend is not None:
            await self._engine.backend.aclose()


def _is_command(text: str) -> bool:
    """`/help` is a command; `/home/me/app.py fails` (a pasted path) is a prompt."""
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    return word.startswith("/") and "/" not in word[1:]
