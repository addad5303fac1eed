"""Running one git command for vibe's git tools: hardened by `vibe.sandbox.git_safety`, output
capped, stopped with everything it started when the call is cancelled.

The git command line (not GitPython) does the work: it is what the user's git does, it is fast,
and one subprocess per step is easy to stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vibe.sandbox.git_safety import SAFE_GIT_CONFIG, UNSANDBOXED_DIFF_OPTIONS
from vibe.tools.base import ToolError

# Settings on top of SAFE_GIT_CONFIG for vibe's own git processes: no background gc after a
# commit, no signature checks (a gpg run) while showing history, no recursion into submodules.
_EXTRA_CONFIG = (
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    ("log.showSignature", "false"),
    ("submodule.recurse", "false"),
    ("diff.ignoreSubmodules", "dirty"),
    ("core.quotePath", "false"),
    ("color.ui", "false"),
)
# GIT_OPTIONAL_LOCKS=0: status and diff do not rewrite the index, so they never hold its lock
# while the user's own git runs.
_ENV = {
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_EDITOR": ":",
    "GIT_OPTIONAL_LOCKS": "0",
}
DIFF_SAFETY = UNSANDBOXED_DIFF_OPTIONS
# How much output one git command may produce before it is stopped: results are capped far below.
DEFAULT_READ_LIMIT = 2_000_000
_STDERR_KEPT = 64_000
_TERM_GRACE_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class GitOutput:
    code: int
    stdout: str
    stderr: str
    # The output reached the read limit and the process was stopped.
    cut: bool = False

    @property
    def ok(self) -> bool:
        return self.code == 0

    def error_text(self) -> str:
        return (self.stderr.strip() or self.stdout.strip() or f"git exited with code {self.code}")[:2000]


async def run_git(
    args: list[str],
    cwd: Path,
    *,
    config: tuple[tuple[str, str], ...] = (),
    env: dict[str, str] | None = None,
    limit: int = DEFAULT_READ_LIMIT,
    hardened: bool = True,
    stdin: bytes | None = None,
) -> GitOutput:
    """`git <args>` in `cwd` with the hardening settings, then `config`; cancelling the caller
    stops git. `hardened=False` only for reading config as the user's git sees it (nothing runs)."""
    environment = {**os.environ, **_ENV, **(env or {})}
    # Later settings win, so a caller's hooks path replaces the /dev/null of SAFE_GIT_CONFIG.
    # Given through the environment, not `-c`: a driver name may hold a "=" that `-c` would split.
    settings = (*SAFE_GIT_CONFIG, *_EXTRA_CONFIG) if hardened else SAFE_GIT_CONFIG[:1]
    _add_config(environment, (*settings, *config))
    argv = ["git", "--no-pager"]
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            *args,
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise ToolError("git is not installed (no `git` on PATH); the git tools need it.") from None
    assert process.stdout is not None and process.stderr is not None

    async def feed() -> None:
        if stdin is None or process.stdin is None:
            return
        try:
            process.stdin.write(stdin)
            await process.stdin.drain()
            process.stdin.close()
        except (BrokenPipeError, ConnectionResetError):
            pass  # git stopped reading (it failed); its exit code says why

    # All three at once: git blocks when a pipe we are not reading fills up.
    try:
        (stdout, cut), (stderr, _), _ = await asyncio.gather(
            _read_limited(process.stdout, limit, lambda: _kill_group(process.pid)),
            _read_limited(process.stderr, _STDERR_KEPT, None),
            feed(),
        )
        code = await process.wait()
    except BaseException:
        if process.returncode is None:
            await _stop_group(process)
        raise
    return GitOutput(code, stdout.decode(errors="replace"), stderr.decode(errors="replace"), cut)


async def _stop_group(process: asyncio.subprocess.Process) -> None:
    """Stop git and whatever it started (a hook, a filter). SIGTERM first: git then removes the
    lock it holds (index.lock), which would otherwise block every later git command."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(process.wait()), _TERM_GRACE_SECONDS)
    _kill_group(process.pid)  # a hook that ignores SIGTERM
    await process.wait()


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _add_config(env: dict[str, str], settings: tuple[tuple[str, str], ...]) -> None:
    """Append `settings` as GIT_CONFIG_COUNT entries after those the user's environment holds."""
    try:
        start = max(int(env.get("GIT_CONFIG_COUNT", "0")), 0)
    except ValueError:
        start = 0
    for offset, (key, value) in enumerate(settings):
        env[f"GIT_CONFIG_KEY_{start + offset}"] = key
        env[f"GIT_CONFIG_VALUE_{start + offset}"] = value
    env["GIT_CONFIG_COUNT"] = str(start + len(settings))


async def _read_limited(
    stream: asyncio.StreamReader, limit: int, on_cut: Callable[[], None] | None
) -> tuple[bytes, bool]:
    """Up to `limit` bytes of `stream`. Past it: `on_cut` (stop the writer), or, when None, read
    on to the end without keeping it, so the writer never blocks."""
    chunks: list[bytes] = []
    size = 0
    cut = False
    while chunk := await stream.read(65_536):
        if size < limit:
            chunks.append(chunk[: limit - size])
        cut = cut or size + len(chunk) > limit
        size += len(chunk)
        if cut and on_cut is not None:
            on_cut()
            break
    return b"".join(chunks), cut
