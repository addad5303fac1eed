"""Builds the real TUI over the real engine, pointed at the scripted endpoint in a temp git repo."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pexpect
from textual.pilot import Pilot

from support.vibe_process import TEST_CONFIG, make_repo
from tools.fake_mistral import FakeMistral
from vibe.cli import build_parser
from vibe.composition.tui_backend import build_backend
from vibe.tui.app import VibeApp
from vibe.tui.transcript import AnswerEntry, Notice, UserEntry

SIZE = (100, 32)


@dataclass
class TuiEnv:
    repo: Path
    home: Path
    fake: FakeMistral

    def env(self) -> dict[str, str]:
        return {
            "VIBE_HOME": str(self.home),
            "VIBE_BASE_URL": self.fake.base_url,
            "VIBE_MODEL": "devstral-test",
        }

    def app(self, *argv: str, initial_prompt: str | None = None) -> VibeApp:
        args = build_parser().parse_args(list(argv))
        env = self.env()
        return VibeApp(lambda: build_backend(args, env, self.repo), self.repo.resolve(), initial_prompt)

    def spawn_in_terminal(
        self, home: Path, *, size: tuple[int, int] = (40, 120), extra_env: dict[str, str] | None = None
    ) -> pexpect.spawn[str]:
        """The real `vibe` on a pseudo-terminal, as a user starts it (`home` is their $HOME)."""
        base = {"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": str(home)}
        return pexpect.spawn(
            sys.executable,
            ["-m", "vibe"],
            cwd=str(self.repo),
            env={**base, **self.env(), **(extra_env or {})},
            dimensions=size,
            encoding="utf-8",
            timeout=20,
        )

    def ask_mode(self) -> None:
        (self.repo / ".vibe").mkdir(exist_ok=True)
        (self.repo / ".vibe" / "config.toml").write_text('permission_mode = "ask"\n')


def make_env(tmp_path: Path, fake: FakeMistral, files: dict[str, str] | None = None) -> TuiEnv:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(TEST_CONFIG, encoding="utf-8")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n", **(files or {})})
    # The branch name shows in the status line; fix it whatever git's default is on this machine.
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return TuiEnv(repo, home, fake)


async def wait_for(pilot: Pilot[int], condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Lets the app run until `condition` holds. The app shares this event loop, so yielding
    is all it needs; `pilot.pause` would wait for an idle app, which a stream never is."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


async def wait_idle(pilot: Pilot[int]) -> None:
    app = pilot.app
    assert isinstance(app, VibeApp)
    await wait_for(pilot, lambda: app.conversation is not None and not app.busy and not app.queue)
    await pilot.pause()


async def send(pilot: Pilot[int], text: str) -> None:
    app = pilot.app
    assert isinstance(app, VibeApp)
    await wait_for(pilot, lambda: app.conversation is not None)
    app.prompt.text = text
    app.prompt.move_cursor(app.prompt.document.end)
    await pilot.press("enter")


def type_and_enter_now(app: VibeApp, text: str) -> None:
    """What Enter does, without the pilot's wait for an idle app (it is never idle mid-stream)."""
    app.prompt.text = text
    app.prompt.move_cursor(app.prompt.document.end)
    app.prompt.submit()


def answers(app: VibeApp) -> list[str]:
    return [entry.text for entry in app.query(AnswerEntry)]


def users(app: VibeApp) -> list[str]:
    return [str(entry.render()) for entry in app.query(UserEntry)]


def notices(app: VibeApp) -> list[str]:
    return [str(entry.render()) for entry in app.query(Notice)]
