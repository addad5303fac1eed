"""The status line: model, permission mode, sandbox, context used, cost, git branch, run state.

Updated only when something changes (an event arrives or the terminal is resized); it owns no
timer. When the terminal is narrow the least important facts give way first (`_SHRINK_ORDER`).
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from vibe.tui.render import clip_cells, tokens
from vibe.tui.state import StatusFacts, TuiState
from vibe.unicode_text import for_terminal


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


# A fact's forms, longest first; "" drops it. The line shows the facts in `_forms`' order.
Forms = tuple[str, ...]
_SEPARATORS = ("  │  ", " │ ")
# What gives way first when the line is too wide: the least important facts are dropped or
# shortened before the essential ones (working/queued state, mode, model, branch) are touched.
# Each step moves one fact to its next shorter form ("sep" narrows the separators).
_SHRINK_ORDER = (
    "cost",  # $0.0123 -> dropped
    "ctx",  # ctx 12% of 128k -> ctx 12%
    "sep",
    "busy",  # working · Esc interrupts -> working
    "sandbox",  # -> dropped (/status has it)
    "ctx",  # -> dropped
    "mode",  # mode: plan -> plan
    "branch",  # long names cut to 20 characters
    "model",  # ... and models to 24
    "branch",  # ... then 12
    "model",  # ... then 14
    "branch",  # a tiny terminal: dropped, so the run state at the end still shows
    "model",  # ... and the model too
)


def context_share(used: int, window: int) -> str:
    """ "12%"; "<1%" for a context that is used but not yet a whole percent (never a false 0%)."""
    percent = used * 100 // window
    return "<1%" if percent == 0 and used > 0 else f"{percent}%"


def _clip(text: str, width: int) -> str:
    return clip_cells(text, width)


def _forms(facts: StatusFacts) -> dict[str, tuple[Forms, str]]:
    """Each fact's forms and style, in display order."""
    forms: dict[str, tuple[Forms, str]] = {
        "model": ((facts.model, _clip(facts.model, 24), _clip(facts.model, 14), ""), "bold"),
        "mode": ((f"mode: {facts.mode}", facts.mode), ""),
        "sandbox": ((short_sandbox(facts.sandbox), ""), "" if "no sandbox" not in facts.sandbox else "bold"),
    }
    if facts.context_window:
        share = context_share(facts.context_used, facts.context_window)
        forms["ctx"] = ((f"ctx {share} of {tokens(facts.context_window)}", f"ctx {share}", ""), "")
    else:
        forms["ctx"] = ((f"ctx {tokens(facts.context_used)}", f"ctx {tokens(facts.context_used)}", ""), "")
    forms["cost"] = ((f"${facts.cost_usd:.4f}", ""), "")
    if facts.branch:
        branch = facts.branch
        forms["branch"] = ((f"⎇ {branch}", f"⎇ {_clip(branch, 20)}", f"⎇ {_clip(branch, 12)}", ""), "")
    if facts.busy:
        forms["busy"] = (("working · Esc interrupts", "working"), "bold")
    if facts.queued:
        forms["queued"] = ((f"{facts.queued} queued",), "bold")
    return forms


def _pick(forms: dict[str, tuple[Forms, str]], level: dict[str, int]) -> list[tuple[str, str]]:
    picked = [
        (options[min(level[name], len(options) - 1)], style) for name, (options, style) in forms.items()
    ]
    return [(part, style) for part, style in picked if part]


def _separator(level: dict[str, int]) -> str:
    return _SEPARATORS[min(level["sep"], len(_SEPARATORS) - 1)]


def _width(parts: list[tuple[str, str]], separator: str) -> int:
    return sum(cell_len(part) for part, _ in parts) + cell_len(separator) * max(len(parts) - 1, 0)


def fit_facts(facts: StatusFacts, width: int) -> Text:
    """The status line for `width` cells: everything when it fits, else shortened in
    `_SHRINK_ORDER` until it does (and, on a tiny terminal, cut with an ellipsis)."""
    forms = _forms(facts)
    level = dict.fromkeys([*_SHRINK_ORDER, *forms], 0)

    def fits() -> bool:
        return _width(_pick(forms, level), _separator(level)) <= width

    applied: list[str] = []
    if width > 0:  # 0: not laid out yet, so the full line
        for name in _SHRINK_ORDER:
            if fits():
                break
            level[name] += 1
            applied.append(name)
        # A late, big cut can leave room for an earlier, small one to be undone (the Esc hint
        # comes back once the sandbox is gone): give back what fits, most important first.
        for name in reversed(applied):
            level[name] -= 1
            if not fits():
                level[name] += 1
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, (part, style) in enumerate(_pick(forms, level)):
        if index:
            text.append(_separator(level), style="dim")
        text.append(for_terminal(part), style=style)
    if width > 0:
        text.truncate(width, overflow="ellipsis")
    return text


class StatusLine(Static):
    def __init__(self) -> None:
        super().__init__(id="status")
        self.facts = StatusFacts()

    def show(self, state: TuiState) -> None:
        """Observes the TUI's state: redrawn when a fact it shows changed."""
        if state.facts != self.facts:
            self.facts = state.facts
            self.refresh()

    def render(self) -> Text:
        # Rendered for the width it has now, so a resize re-fits the facts.
        return fit_facts(self.facts, self.size.width)
