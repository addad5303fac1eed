"""The real command behind a wrapper, and the files a command writes through its own options.

`sudo env FOO=1 timeout 5 nice -n 5 rm -rf x` runs `rm -rf x`: rules must judge that, not `sudo`.
Each wrapper's options are skipped the way the wrapper itself reads them. `bash -c SCRIPT` is
replaced by the commands of SCRIPT; `find -exec CMD ;` and `xargs CMD` yield CMD as its own part.
Files written and programs run through other options (`sort -o f`, `rg --pre CMD`) are found
by `vibe.policy.option_effects`; `find -delete` and `find -fprint f` here.

Variables set by `env NAME=value` follow `vibe.policy.simple_command`: those that change which
program runs make the part opaque, the others (except display-only ones) are carried in
`environment`, through `bash -c`, `find -exec` and `xargs`, to every command they reach.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from vibe.policy.option_effects import UNKNOWN_FILE, option_effects, option_values, skip_options
from vibe.policy.simple_command import (
    SimpleCommand,
    Word,
    harmless_variable,
    holds_shell_code,
    sensitive_assignment,
)

# Parses a `bash -c` script into its parts (shell_parse.analyse_command, one level deeper).
ParseScript = Callable[[str], tuple[SimpleCommand, ...]]

SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh", "mksh", "ash", "yash"})
ELEVATORS = frozenset({"sudo", "doas", "pkexec", "run0"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Wrappers nest (sudo env timeout 5 nice cmd); more than this is not a real command line.
_MAX_WRAPPERS = 16


@dataclass(frozen=True, slots=True)
class _Unwrapped:
    """What a wrapper runs. `rest` None: it runs nothing else and is judged as itself."""

    rest: tuple[Word, ...] | None
    opaque: str | None = None
    writes: tuple[str, ...] = ()
    open_tail: bool = False
    placeholder: str | None = None
    executes: tuple[str, ...] = ()
    environment: tuple[str, ...] = ()


def _simple(
    short_args: str = "", long_args: frozenset[str] = frozenset(), operands_before: int = 0
) -> Callable[[tuple[Word, ...]], _Unwrapped]:
    def handler(words: tuple[Word, ...]) -> _Unwrapped:
        start = skip_options(words, 1, short_args, long_args)
        if start is None:
            return _Unwrapped(None, opaque=f"{words[0]} has options only known at run time")
        start += operands_before
        return _Unwrapped(words[start:] if start < len(words) else None)

    return handler


def _env(words: tuple[Word, ...]) -> _Unwrapped:
    start = skip_options(words, 1, "uCS", frozenset({"unset", "chdir", "split-string"}))
    if start is None:
        return _Unwrapped(None, opaque="env has options only known at run time")
    for word in words[1:start]:
        if word is not None and (
            word.startswith(("-S", "--split-string")) or (word[:1] == "-" and "S" in word[1:2])
        ):
            return _Unwrapped(None, opaque="env -S splits a string into a command")
    chdir = option_values(words[:start], short="C", long="chdir", min_prefix=2, short_args="uS")
    executes = tuple(f"env --chdir={d or '?'} (runs the command in another directory)" for d in chdir)
    environment: list[str] = []
    while start < len(words):
        word = words[start]
        if word is None:
            return _Unwrapped(None, opaque="env is given a variable or command only known at run time")
        name, equals, value = word.partition("=")
        if not equals or not _IDENTIFIER.fullmatch(name):
            break
        if sensitive_assignment(name, value):
            return _Unwrapped(None, opaque=f"setting {name} changes what the command runs")
        if holds_shell_code(value):
            return _Unwrapped(None, opaque=f"the value given to {name} holds shell code")
        if not harmless_variable(name, value):
            environment.append(name)
        start += 1
    rest = words[start:] if start < len(words) else None
    return _Unwrapped(rest, executes=executes, environment=tuple(environment))


def _elevator(words: tuple[Word, ...]) -> _Unwrapped:
    name = posixpath.basename(words[0] or "")
    start = skip_options(
        words,
        1,
        "ugCDhprtUTR",
        frozenset({"user", "group", "close-from", "chdir", "host", "prompt", "role", "type", "other-user"}),
    )
    if start is None:
        return _Unwrapped(None, opaque=f"{name} has options only known at run time")
    for word in words[1:start]:
        assert word is not None
        if word in ("-s", "-i", "-e", "--shell", "--login", "--edit") or (
            word[:1] == "-" and word[1:2] != "-" and any(flag in word[1:] for flag in "sie")
        ):
            return _Unwrapped(None, opaque=f"{name} {word} starts a shell or an editor as another user")
    return _Unwrapped(words[start:] if start < len(words) else None)


def _timeout(words: tuple[Word, ...]) -> _Unwrapped:
    return _simple("sk", frozenset({"signal", "kill-after"}), operands_before=1)(words)


def _time(words: tuple[Word, ...]) -> _Unwrapped:
    start = skip_options(words, 1, "fo", frozenset({"format", "output"}))
    if start is None:
        return _Unwrapped(None, opaque="time has options only known at run time")
    outputs = option_values(words[:start], short="o", long="output", short_args="f")
    writes = tuple(UNKNOWN_FILE if out is None else out for out in outputs)
    return _Unwrapped(words[start:] if start < len(words) else None, writes=writes)


def _command_builtin(words: tuple[Word, ...]) -> _Unwrapped:
    # `command -v git` only looks a name up; judged as itself ("command -v" is a read-only rule).
    if any(word in ("-v", "-V") for word in words[1:2]):
        return _Unwrapped(None)
    return _simple()(words)


_XARGS_SHORT_WITH_VALUE = frozenset({"-a", "-d", "-E", "-L", "-n", "-P", "-s"})
_XARGS_LONG_WITH_VALUE = frozenset(
    {"arg-file", "delimiter", "max-args", "max-procs", "max-chars", "process-slot-var"}
)


def _xargs(words: tuple[Word, ...]) -> _Unwrapped:
    placeholder: str | None = None
    i = 1
    while i < len(words):
        word = words[i]
        if word is None:
            return _Unwrapped(None, opaque="xargs has options only known at run time")
        if word == "--":
            i += 1
            break
        if not word.startswith("-") or word == "-":
            break
        if word.startswith("-I"):
            placeholder = word[2:] or (words[i + 1] if i + 1 < len(words) else None)
            i += 1 if word[2:] else 2
            continue
        if word.startswith(("-i", "--replace")):
            placeholder = word.partition("=")[2] if word.startswith("--") else word[2:]
            placeholder = placeholder or "{}"
        elif word in _XARGS_SHORT_WITH_VALUE or word[2:] in _XARGS_LONG_WITH_VALUE:
            i += 1  # the option's value is the next word
        i += 1
    rest = words[i:] or ("echo",)
    # With -I the input replaces the placeholder inside the words instead of being appended.
    return _Unwrapped(rest, open_tail=placeholder is None, placeholder=placeholder)


_WRAPPERS: dict[str, Callable[[tuple[Word, ...]], _Unwrapped]] = {
    "env": _env,
    "timeout": _timeout,
    "nice": _simple("n", frozenset({"adjustment"})),
    "nohup": _simple(),
    "time": _time,
    "command": _command_builtin,
    "builtin": _simple(),
    "exec": _simple("a"),
    "stdbuf": _simple("ioe", frozenset({"input", "output", "error"})),
    "setsid": _simple(),
    "xargs": _xargs,
    **dict.fromkeys(ELEVATORS, _elevator),
}


def unwrap(
    part: SimpleCommand, parse_script: ParseScript, placeholder: str | None = None
) -> list[SimpleCommand]:
    """The commands `part` really runs, wrappers removed, each carrying the wrappers' effects."""
    words = part.words
    for _ in range(_MAX_WRAPPERS):
        if not words or part.opaque is not None:
            break
        name = words[0]
        if name is None:
            return [replace(part, words=words, opaque="the command name is only known at run time")]
        wrapper = _WRAPPERS.get(posixpath.basename(name))
        if wrapper is None:
            break
        result = wrapper(words)
        part = replace(
            part,
            writes=part.writes + result.writes,
            open_tail=part.open_tail or result.open_tail,
            elevated=part.elevated or posixpath.basename(name) in ELEVATORS,
            opaque=result.opaque,
            executes=part.executes + result.executes,
            environment=part.environment + result.environment,
        )
        placeholder = result.placeholder or placeholder
        if result.rest is None:
            break
        words = result.rest
    part = replace(part, words=words)
    if part.opaque is not None or not words or words[0] is None:
        if words and words[0] is None and part.opaque is None:
            part = replace(part, opaque="the command name is only known at run time")
        return [part]
    base = posixpath.basename(words[0])
    if base in SHELLS:
        return _shell(part, base, parse_script, placeholder)
    if placeholder:
        # Words holding the placeholder (`{}` of find -exec, xargs -I) get file names at run time.
        words = tuple(None if w is None or placeholder in w else w for w in words)
        if words[0] is None:
            return [replace(part, words=words, opaque="the command name is only known at run time")]
        part = replace(part, words=words)
    if base in ("eval", "su", "sudoedit", "trap"):
        return [replace(part, opaque=f"{base} runs a command given as text")]
    if base == "find":
        return _find(part, parse_script)
    effects = option_effects(base, words)
    return [
        replace(
            part,
            writes=part.writes + effects.writes,
            executes=part.executes + effects.executes,
            opaque=effects.opaque,
        )
    ]


def _shell(
    part: SimpleCommand, shell: str, parse_script: ParseScript, placeholder: str | None
) -> list[SimpleCommand]:
    words = part.words
    runs_script = False
    i = 1
    while i < len(words):
        word = words[i]
        if word is None:
            return [replace(part, opaque=f"{shell} is given options only known at run time")]
        if word == "--" or word == "-":
            i += 1
            break
        if word in ("-o", "+o", "-O", "+O"):
            i += 2
            continue
        if not word.startswith(("-", "+")):
            break
        if not word.startswith("--"):
            runs_script = runs_script or "c" in word[1:]
            if "s" in word[1:]:
                return [replace(part, opaque=f"{shell} -s reads commands from its input")]
        i += 1
    if not runs_script:
        if i >= len(words):
            return [replace(part, opaque=f"{shell} reads the commands to run from its input")]
        return [part]  # `bash script.sh`: judged by rules like any program
    if i >= len(words) or words[i] is None:
        return [replace(part, opaque=f"{shell} -c runs a script only known at run time")]
    script = words[i]
    assert script is not None
    if placeholder and placeholder in script:
        return [replace(part, opaque=f"file names are pasted into a {shell} script")]
    inner = parse_script(script)
    return [_inherit(p, part) for p in inner]


def _inherit(inner: SimpleCommand, outer: SimpleCommand) -> SimpleCommand:
    """A command run by `outer` (its script, find -exec): the wrappers' effects and variables apply."""
    return replace(
        inner,
        writes=inner.writes + outer.writes,
        elevated=inner.elevated or outer.elevated,
        executes=inner.executes + outer.executes,
        environment=inner.environment + outer.environment,
    )


_EXEC_ACTIONS = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
_FIND_FILE_WRITERS = frozenset({"-fprint", "-fprint0", "-fls", "-fprintf"})


def _find(part: SimpleCommand, parse_script: ParseScript) -> list[SimpleCommand]:
    words = part.words
    kept: list[Word] = [words[0]]
    writes: list[str] = []
    found: list[SimpleCommand] = []
    i = 1
    while i < len(words):
        word = words[i]
        if word in _EXEC_ACTIONS:
            end = i + 1
            while end < len(words) and words[end] not in (";", "+"):
                end += 1
            if end == len(words):
                return [replace(part, opaque=f"find {word} has no closing ; or +")]
            command = words[i + 1 : end]
            inner = SimpleCommand(command, " ".join(w or "$?" for w in command))
            found.extend(unwrap(_inherit(inner, replace(part, writes=())), parse_script, placeholder="{}"))
            i = end + 1
            continue
        if word == "-delete":
            writes.append("(files matched by find -delete)")
        elif word in _FIND_FILE_WRITERS:
            target = words[i + 1] if i + 1 < len(words) else None
            writes.append(UNKNOWN_FILE if target is None else target)
        kept.append(word)
        i += 1
    return [replace(part, words=tuple(kept), writes=part.writes + tuple(writes)), *found]
