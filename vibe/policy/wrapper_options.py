"""The options of the wrappers whose command the policy judges instead (`nice -n 5 CMD` → CMD).

Every option a wrapper takes is listed, with whether it takes a value, so the command the wrapper
runs is found exactly where the wrapper finds it. An option not listed (or a long option written
shorter than in full: `env --unse X ls rm` is `env --unset=ls rm`), or a word known only at run
time among the options (`nice -n $n ls`, where n="5 sudo" runs sudo), leaves the command unknown:
the part is opaque and, since it may be any program, counted as possibly raising privileges.

Wrappers stop reading options at their first operand (they use `+` in getopt), so `permute` is
off. Names come from each program's `--help` and manual page.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import NamedTuple

from vibe.policy.option_effects import UNKNOWN_FILE
from vibe.policy.programs.grammar import Options, Scan, scan
from vibe.policy.simple_command import Word, harmless_variable, holds_shell_code, sensitive_assignment

# Wrappers that run their command with raised privileges.
ELEVATORS = frozenset({"sudo", "doas", "pkexec", "run0", "please"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_HELP = "help version"

ENV = Options(
    flags="i0v",
    valued="uCS",
    long_flags=f"ignore-environment null debug list-signal-handling {_HELP}",
    long_valued="unset chdir split-string",
    long_optional="block-signal default-signal ignore-signal",
    permute=False,
)
TIMEOUT = Options(
    flags="fpv",
    valued="ks",
    long_flags=f"foreground preserve-status verbose {_HELP}",
    long_valued="kill-after signal",
    permute=False,
)
NICE = Options(valued="n", long_valued="adjustment", long_flags=_HELP, numbers=True, permute=False)
NO_OPTIONS = Options(long_flags=_HELP, permute=False)
# GNU time; bash's own `time` keyword takes -p.
TIME = Options(
    flags="apqvV",
    valued="fo",
    long_flags=f"append portability quiet verbose {_HELP}",
    long_valued="format output",
    permute=False,
)
COMMAND = Options(flags="p", permute=False)
EXEC = Options(flags="cl", valued="a", permute=False)
STDBUF = Options(valued="ioe", long_valued="input output error", long_flags=_HELP, permute=False)
SETSID = Options(flags="cfw", long_flags=f"ctty fork wait {_HELP}", permute=False)
# Not --process-slot-var: it sets a variable (PATH, LD_PRELOAD) for the command it runs.
XARGS = Options(
    flags="0oprtx",
    valued="adEILnPs",
    attached="eil",
    long_flags=f"null open-tty interactive no-run-if-empty verbose exit show-limits {_HELP}",
    long_valued="arg-file delimiter max-lines max-args max-procs max-chars",
    long_optional="eof replace",
    permute=False,
)
# sudo, doas, pkexec, run0 and please share one table: the part asks whatever it holds, so the
# table only has to find the command. Options that start a shell or an editor are found after.
ELEVATOR = Options(
    flags="AbBEHiKklLnNPsSVve",
    valued="aCDghprRTtUu",
    long_flags=(
        "askpass background bell preserve-env set-home login remove-timestamp reset-timestamp list "
        "non-interactive preserve-groups shell stdin validate keep-cwd disable-internal-agent "
        f"edit no-ask-password {_HELP}"
    ),
    long_valued=(
        "auth-type close-from chdir group host prompt chroot role command-timeout type other-user "
        "user property description slice setenv nice machine"
    ),
    permute=False,
)
ELEVATOR_SHELL_FLAGS = frozenset("sie")
ELEVATOR_SHELL_OPTIONS = frozenset({"--shell", "--login", "--edit"})
WATCH = Options(
    flags="bcCegptwrx",
    valued="nq",
    attached="d",
    long_flags=f"beep color no-color errexit chgexit precise no-title no-wrap exec no-rerun {_HELP}",
    long_valued="interval equexit",
    long_optional="differences",
    permute=False,
)
# flock reads `-c CMD` after the lock file, not among its options.
FLOCK = Options(
    flags="sxunoFev",
    valued="wE",
    long_flags=f"shared exclusive unlock nonblock nb close no-fork verbose {_HELP}",
    long_valued="timeout wait conflict-exit-code",
    permute=False,
)


class Unwrapped(NamedTuple):
    """What a wrapper runs. `rest` None: it runs nothing else and is judged as itself."""

    rest: tuple[Word, ...] | None
    # Why the command it runs cannot be known (it may be any program, sudo included).
    unknown: str | None = None
    writes: tuple[str, ...] = ()
    open_tail: bool = False
    placeholder: str | None = None
    executes: tuple[str, ...] = ()
    environment: tuple[str, ...] = ()
    # A shell script it runs (`watch 'a && b'`, `flock f -c '...'`), parsed like `bash -c`.
    script: Word = ""


def _read(options: Options, words: tuple[Word, ...]) -> Scan | Unwrapped:
    name = posixpath.basename(words[0] or "")
    found = scan(options, words, name)
    if found.problem is not None:
        return Unwrapped(None, unknown=f"{found.problem}, so the command it runs is not certain")
    return found


def _rest(words: tuple[Word, ...], start: int) -> tuple[Word, ...] | None:
    return words[start:] if start < len(words) else None


def _simple(options: Options, operands_before: int = 0) -> Callable[[tuple[Word, ...]], Unwrapped]:
    """A wrapper that runs the words after its options (and `operands_before` operands of its own)."""

    def handler(words: tuple[Word, ...]) -> Unwrapped:
        found = _read(options, words)
        if isinstance(found, Unwrapped):
            return found
        start = found.end + operands_before
        if None in words[found.end : start]:
            # `timeout $t ls`: t="5 sudo" splits into the duration and another command.
            return Unwrapped(None, unknown=f"{words[0]} is given a word only known at run time")
        return Unwrapped(_rest(words, start))

    return handler


def _env(words: tuple[Word, ...]) -> Unwrapped:
    found = _read(ENV, words)
    if isinstance(found, Unwrapped):
        return found
    if found.has("-S", "--split-string"):
        return Unwrapped(None, unknown="env -S splits a string into a command")
    chdir = found.values("-C", "--chdir")
    executes = tuple(f"env --chdir={d or '?'} (runs the command in another directory)" for d in chdir)
    start = found.end + (words[found.end : found.end + 1] == ("-",))  # `env -` is `env -i`
    environment: list[str] = []
    while start < len(words):
        word = words[start]
        if word is None:
            return Unwrapped(None, unknown="env is given a variable or command only known at run time")
        name, equals, value = word.partition("=")
        if not equals or not _IDENTIFIER.fullmatch(name):
            break
        if sensitive_assignment(name, value):
            return Unwrapped(None, unknown=f"setting {name} changes what the command runs")
        if holds_shell_code(value):
            return Unwrapped(None, unknown=f"the value given to {name} holds shell code")
        if not harmless_variable(name, value):
            environment.append(name)
        start += 1
    return Unwrapped(_rest(words, start), executes=executes, environment=tuple(environment))


def _elevator(words: tuple[Word, ...]) -> Unwrapped:
    found = _read(ELEVATOR, words)
    if isinstance(found, Unwrapped):
        return found
    for option, _value in found.options:
        if option in ELEVATOR_SHELL_OPTIONS or option[1:] in ELEVATOR_SHELL_FLAGS:
            name = posixpath.basename(words[0] or "")
            return Unwrapped(None, unknown=f"{name} {option} starts a shell or an editor as another user")
    return Unwrapped(_rest(words, found.end))


def _time(words: tuple[Word, ...]) -> Unwrapped:
    found = _read(TIME, words)
    if isinstance(found, Unwrapped):
        return found
    outputs = found.values("-o", "--output")
    writes = tuple(UNKNOWN_FILE if out is None else out for out in outputs)
    return Unwrapped(_rest(words, found.end), writes=writes)


def _command_builtin(words: tuple[Word, ...]) -> Unwrapped:
    # `command -v git` only looks a name up; judged as itself ("command -v" is a read-only rule).
    if any(word in ("-v", "-V") for word in words[1:2]):
        return Unwrapped(None)
    return _simple(COMMAND)(words)


def _xargs(words: tuple[Word, ...]) -> Unwrapped:
    found = _read(XARGS, words)
    if isinstance(found, Unwrapped):
        return found
    placeholder: Word = ""
    for option, value in found.options:
        if option == "-I":
            placeholder = value
        elif option in ("-i", "--replace"):
            placeholder = value or "{}"
    if placeholder is None:
        return Unwrapped(None, unknown="xargs is given a placeholder only known at run time")
    rest = _rest(words, found.end) or ("echo",)
    # With -I the input replaces the placeholder inside the words instead of being appended.
    return Unwrapped(rest, open_tail=not placeholder, placeholder=placeholder or None)


def _watch(words: tuple[Word, ...]) -> Unwrapped:
    found = _read(WATCH, words)
    if isinstance(found, Unwrapped):
        return found
    rest = _rest(words, found.end)
    if rest is None or found.has("-x", "--exec"):
        return Unwrapped(rest)
    # Without -x, watch joins its words and hands them to `sh -c`.
    if None in rest:
        return Unwrapped(None, unknown="watch runs a script only known at run time")
    return Unwrapped(None, script=" ".join(word or "" for word in rest))


def _flock(words: tuple[Word, ...]) -> Unwrapped:
    found = _read(FLOCK, words)
    if isinstance(found, Unwrapped):
        return found
    after_lock = found.end + 1  # the lock file (or descriptor) comes first
    if after_lock < len(words) and words[after_lock] in ("-c", "--command"):
        script = words[after_lock + 1] if after_lock + 1 < len(words) else ""
        return Unwrapped(None, script=script)
    return Unwrapped(_rest(words, after_lock))


def _multi_call(words: tuple[Word, ...]) -> Unwrapped:
    # `busybox sh -c ...`: the first word names the applet; `busybox --list` is itself.
    name, applet = words[0], (words[1] if len(words) > 1 else "")
    if applet is None:
        return Unwrapped(None, unknown=f"{name} runs an applet only known at run time")
    return Unwrapped(None if applet.startswith("-") else _rest(words, 1))


WRAPPERS: dict[str, Callable[[tuple[Word, ...]], Unwrapped]] = {
    "env": _env,
    "timeout": _simple(TIMEOUT, operands_before=1),
    "nice": _simple(NICE),
    "nohup": _simple(NO_OPTIONS),
    "time": _time,
    "command": _command_builtin,
    "builtin": _simple(NO_OPTIONS),
    "exec": _simple(EXEC),
    "stdbuf": _simple(STDBUF),
    "setsid": _simple(SETSID),
    "coproc": _simple(Options(anything=True)),
    "xargs": _xargs,
    "watch": _watch,
    "flock": _flock,
    "busybox": _multi_call,
    "toybox": _multi_call,
    **dict.fromkeys(ELEVATORS, _elevator),
}
