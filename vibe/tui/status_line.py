"""The status line: model, permission mode, sandbox, context used, cost, git branch.

Updated only when something changes (an event arrives); it owns no timer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from vibe.tui.render import tokens


@dataclass(frozen=True, slots=True)
class StatusFacts:
    model: str = "…"
    mode: str = "…"
    sandbox: str = "…"
    context_used: int = 0
    context_window: int | None = None
    cost_usd: float = 0.0
    branch: str | None = None
    busy: bool = False
    queued: int = 0


def git_branch(cwd: Path) -> str | None:
    """The checked-out branch, read from .git/HEAD (no subprocess: this runs on every turn)."""
    for folder in (cwd, *cwd.parents):
        git = folder / ".git"
        if git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                git = (folder / text.removeprefix("gitdir:").strip()).resolve()
        if git.is_dir():
            try:
                head = (git / "HEAD").read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if head.startswith("ref: refs/heads/"):
                return head.removeprefix("ref: refs/heads/")
            return head[:8] or None  # detached
    return None


def short_sandbox(summary: str) -> str:
    """The status line has room for a word or two; /status shows the full sentence."""
    lowered = summary.lower()
    if lowered.startswith("no os sandbox") or "full permissions" in lowered:
        return "no sandbox"
    return summary.split(":", 1)[0][:30]


class StatusLine(Static):
    def __init__(self) -> None:
        super().__init__(id="status")
        self.facts = StatusFacts()

    def set(self, **changes: object) -> None:
        self.facts = replace(self.facts, **changes)  # type: ignore[arg-type]
        self.update(self._render_facts())

    def _render_facts(self) -> Text:
        facts = self.facts
        parts: list[tuple[str, str]] = [(facts.model, "bold"), (f"mode: {facts.mode}", "")]
        parts.append((short_sandbox(facts.sandbox), "" if "no sandbox" not in facts.sandbox else "bold"))
        if facts.context_window:
            share = facts.context_used * 100 // facts.context_window
            parts.append((f"ctx {share}% of {tokens(facts.context_window)}", ""))
        else:
            parts.append((f"ctx {tokens(facts.context_used)}", ""))
        parts.append((f"${facts.cost_usd:.4f}", ""))
        if facts.branch:
            parts.append((f"⎇ {facts.branch}", ""))
        if facts.busy:
            parts.append(("working · Esc interrupts", "bold"))
        if facts.queued:
            parts.append((f"{facts.queued} queued", "bold"))
        text = Text()
        for index, (part, style) in enumerate(parts):
            if index:
                text.append("  │  ", style="dim")
            text.append(part, style=style)
        return text
