"""Writes the session files kept in tests/fixtures/sessions/, with the engine of this checkout.

Each scenario runs real conversations: the engine the frontends use (`Engine.new_agent`), the
real tools in a temporary repository, and the scripted Mistral endpoint (`tools.fake_mistral`).
The files are then made stable: the temporary folder becomes /home/user/project, the session
ids fixture names, the times a fixed date. Run it only to add a fixture from a new version; the
files already kept stay as an older version wrote them, so tests keep proving they still load.

    python -m tools.session_fixtures OUT_DIR [NAME ...]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from pathlib import Path

from tools.fake_mistral import FakeMistral, call, reply
from vibe.agent.approvals import HeadlessApprover
from vibe.agent.loop import Agent
from vibe.composition.engine import Engine
from vibe.composition.run_options import RunOptions
from vibe.protocol import events as ev

STABLE_CWD = "/home/user/project"
STABLE_TIME = "2026-12-05T12:00:00+00:00"
_ID = re.compile(r"\d{8}-\d{6}-\d{6}-[0-9a-f]{4}")
_CONFIG = "[network]\nidle_timeout = 5\nretry_base_delay = 0.01\nretry_max_delay = 0.05\nmax_attempts = 2\n"


class Scene:
    """One scenario's world: a repository, a VIBE_HOME, an endpoint and an engine over them."""

    def __init__(self, root: Path, fake: FakeMistral) -> None:
        self.repo = root / "project"
        self.home = root / "home"
        self.fake = fake
        self.repo.mkdir()
        self.home.mkdir()
        (self.home / "config.toml").write_text(_CONFIG, encoding="utf-8")
        (self.repo / "README.md").write_text("demo project\n", encoding="utf-8")
        (self.repo / "app.py").write_text("print('hello')\n", encoding="utf-8")
        subprocess.run(["git", "init", "-q", str(self.repo)], check=True)
        env = {"VIBE_HOME": str(self.home), "VIBE_BASE_URL": fake.base_url, "VIBE_MODEL": "devstral-test"}
        self.engine = Engine.load(self.repo, env, {})

    async def agent(self, *, auto_approve: bool = True, resume: str | None = None) -> Agent:
        options = RunOptions(cwd=self.repo, auto_approve=auto_approve, resume=resume, frontend="headless")
        return await self.engine.new_agent(options, HeadlessApprover())

    def sessions(self) -> list[Path]:
        return sorted((self.home / "sessions").glob("*.jsonl"))


async def drain(events: AsyncIterator[ev.AgentEvent]) -> list[ev.AgentEvent]:
    return [event async for event in events]


async def _plain(scene: Scene) -> None:
    scene.fake.script(reply("Hello! How can I help?"), reply("It prints hello."))
    agent = await scene.agent()
    await drain(agent.run("hi"))
    await drain(agent.run("what does app.py do?"))
    await agent.aclose()


async def _tools(scene: Scene) -> None:
    scene.fake.script(
        reply("Let me look.", tool_calls=[call("read_file", {"path": "app.py"})]),
        reply(tool_calls=[call("bash", {"command": "ls"}), call("grep", {"pattern": "hello"})]),
        reply("app.py prints hello; the folder holds README.md and app.py."),
    )
    agent = await scene.agent()
    await drain(agent.run("look around"))
    await agent.aclose()


async def _denied(scene: Scene) -> None:
    scene.fake.script(
        reply(tool_calls=[call("bash", {"command": "rm -f README.md"})]),
        reply("I could not delete it: the call was denied."),
    )
    agent = await scene.agent(auto_approve=False)
    await drain(agent.run("delete the readme"))
    await agent.aclose()


async def _mode(scene: Scene) -> None:
    scene.fake.script(reply("Planning only, then."))
    agent = await scene.agent()
    agent.set_mode("plan")
    await drain(agent.run("plan the change"))
    await agent.aclose()


async def _compaction(scene: Scene) -> None:
    scene.fake.script(
        reply("First answer.", tool_calls=[call("read_file", {"path": "app.py"})]),
        reply("It prints hello."),
        reply("Second answer."),
        reply("The user asked about app.py, which prints hello."),
        reply("After the summary."),
    )
    agent = await scene.agent()
    agent.use_context_window(8_000)
    await drain(agent.run("read app.py"))
    await drain(agent.run("and then?"))
    await drain(agent.compact())
    await drain(agent.run("go on"))
    await agent.aclose()


async def _retract(scene: Scene) -> None:
    scene.fake.script(reply("Short answer."))
    agent = await scene.agent()
    agent.use_context_window(3_000)
    await drain(agent.run("a small question"))
    await drain(agent.run("paste: " + "lorem ipsum dolor " * 2_000))
    await agent.aclose()


async def _fork(scene: Scene) -> None:
    scene.fake.script(reply("First run."), reply("Answered in the fork."))
    first = await scene.agent()
    await drain(first.run("start here"))
    await first.aclose()
    (path,) = scene.sessions()
    # Another process writing the session (its lock held): resuming it forks.
    with _lock_held_elsewhere(path):
        fork = await scene.agent(resume=path.stem)
        await drain(fork.run("continue elsewhere"))
        await fork.aclose()


@contextlib.contextmanager
def _lock_held_elsewhere(path: Path) -> Generator[None]:
    """A child process holding `path`'s session lock (as a running vibe would) until the end."""
    holder = (
        "import fcntl, sys\n"
        "handle = open(sys.argv[1])\n"
        "fcntl.flock(handle, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", holder, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        if child.stdout.readline().strip() != "held":
            raise RuntimeError("the lock holder did not start")
        yield
    finally:
        child.stdin.close()
        child.wait(timeout=10)


async def _interrupted(scene: Scene) -> None:
    scene.fake.script(
        reply("This answer is long and will be cut off before it ends. " * 8, chunk_size=4, chunk_delay=0.02),
        reply("Running it.", tool_calls=[call("bash", {"command": "sleep 30"})]),
        reply("Picking up where we stopped."),
    )
    agent = await scene.agent()
    await _cancel_when(agent, "explain it all", lambda event: isinstance(event, ev.TextDelta))
    await _cancel_when(agent, "run the slow thing", lambda event: isinstance(event, ev.ToolCallStarted))
    await drain(agent.run("and now?"))  # starts after a cut call: the placeholder reply is written
    await agent.aclose()


async def _cancel_when(agent: Agent, prompt: str, ready: Callable[[ev.AgentEvent], bool]) -> None:
    async for event in agent.run(prompt):
        if ready(event):
            agent.cancel()


async def _torn(scene: Scene) -> None:
    await _plain(scene)
    (path,) = scene.sessions()
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind":"message","message":{"role":"user","content":"cut o')


SCENARIOS: dict[str, Callable[[Scene], Awaitable[None]]] = {
    "plain": _plain,
    "tools": _tools,
    "denied": _denied,
    "mode": _mode,
    "compaction": _compaction,
    "retract": _retract,
    "fork": _fork,
    "interrupted": _interrupted,
    "torn": _torn,
}


def stable(text: str, ids: dict[str, str], scene: Scene) -> str:
    text = text.replace(str(scene.repo), STABLE_CWD).replace(scene.fake.base_url, "http://127.0.0.1:8080/v1")
    for real, name in ids.items():
        text = text.replace(real, name)
    return re.sub(r'"created":"[^"]*"', f'"created":"{STABLE_TIME}"', text)


async def write_fixture(name: str, out: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp, FakeMistral() as fake:
        scene = Scene(Path(tmp), fake)
        try:
            await SCENARIOS[name](scene)
        finally:
            await scene.engine.aclose()
        paths = scene.sessions()
        # In creation order: the first is the scenario's own name, a fork's new session the next.
        ids = {path.stem: name if n == 0 else f"{name}-{n}" for n, path in enumerate(paths)}
        written: list[Path] = []
        for path in paths:
            target = out / f"{ids[path.stem]}.jsonl"
            target.write_text(stable(path.read_text(encoding="utf-8"), ids, scene), encoding="utf-8")
            written.append(target)
        return written


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name in argv[1:] or list(SCENARIOS):
        for path in asyncio.run(write_fixture(name, out)):
            lines = path.read_text(encoding="utf-8").splitlines()
            print(f"{path}: {len(lines)} lines, kinds {sorted({_kind(line) for line in lines})}")
    return 0


def _kind(line: str) -> str:
    try:
        return str(json.loads(line).get("kind"))
    except json.JSONDecodeError:
        return "(torn)"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
