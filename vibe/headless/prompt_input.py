"""The prompt of `vibe -p`: the argument, `--prompt-file` and piped stdin, in that order.

With prompt text given, piped stdin is context appended to it (`git diff | vibe -p "review"`).
It is read to its end, however slowly the producer writes, so the model never works from a
silently cut copy. Two waits keep a pipe that never closes from hanging the run, and each says
so on stderr when it gives up: one for the first byte, one for a pause once input has started.
Without prompt text, stdin is the prompt and is read to its end.

Input that is not UTF-8 is decoded with replacement characters: a stray Latin-1 byte in a log
must not end the run.
"""

from __future__ import annotations

import os
import select
import stat
from pathlib import Path
from typing import TextIO

__all__ = ["PromptError", "gather_prompt"]

FIRST_INPUT_WAIT = 3.0  # seconds for piped context to start: a slow `git diff` is still read
QUIET_GAP = 5.0  # seconds of silence after input started before the pipe is taken as done
_READ_BYTES = 1 << 16


class PromptError(Exception):
    """No usable prompt: a usage error (exit code 2)."""


def gather_prompt(text: str | None, prompt_file: Path | None, stdin: TextIO | None, err: TextIO) -> str:
    parts: list[str] = []
    if prompt_file is not None:
        try:
            parts.append(prompt_file.read_bytes().decode("utf-8", errors="replace"))
        except OSError as exc:
            raise PromptError(f"cannot read prompt file {prompt_file}: {exc.strerror or exc}") from None
    if text:
        parts.append(text)
    fd = _piped_fd(stdin)
    if fd is not None:
        parts.append(_read_context(fd, err) if parts else _read_all(fd))
    prompt = "\n\n".join(part.strip("\n") for part in parts).strip()
    if not prompt:
        raise PromptError('no prompt: pass it as -p "...", with --prompt-file, or on stdin')
    return prompt


def _piped_fd(stdin: TextIO | None) -> int | None:
    """The descriptor of stdin when it is a pipe or a file (not a terminal, not closed)."""
    if stdin is None or stdin.closed:
        return None
    try:
        return None if stdin.isatty() else stdin.fileno()
    except (OSError, ValueError):
        return None


def _read_all(fd: int) -> str:
    chunks: list[bytes] = []
    while chunk := os.read(fd, _READ_BYTES):
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", errors="replace")


def _read_context(fd: int, err: TextIO) -> str:
    if stat.S_ISREG(os.fstat(fd).st_mode):  # `< file`: a file always ends, read it whole
        return _read_all(fd)
    chunks: list[bytes] = []
    wait = FIRST_INPUT_WAIT
    while True:
        try:
            ready = select.select([fd], [], [], wait)[0]
        except (OSError, ValueError):
            break
        if not ready:
            _warn_open_pipe(err, started=bool(chunks))
            break
        chunk = os.read(fd, _READ_BYTES)
        if not chunk:
            break
        chunks.append(chunk)
        wait = QUIET_GAP
    return b"".join(chunks).decode("utf-8", errors="replace")


def _warn_open_pipe(err: TextIO, *, started: bool) -> None:
    if started:
        message = f"stdin sent nothing for {QUIET_GAP:g} s but stayed open; going on with what it sent"
    else:
        message = (
            f"nothing arrived on stdin within {FIRST_INPUT_WAIT:g} s; going on without it "
            "(redirect stdin from /dev/null to skip this wait)"
        )
    err.write(f"vibe: warning: {message}\n")
    err.flush()
