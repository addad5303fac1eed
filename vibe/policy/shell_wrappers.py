"""The real command behind a wrapper, and the files a command writes through its own options.

`sudo env FOO=1 timeout 5 nice -n 5 rm -rf x` runs `rm -rf x`: rules must judge that, not `sudo`.
Each wrapper's options are read the way the wrapper reads them (`vibe.policy.wrapper_options`).
`bash -c SCRIPT` (and `watch`, `flock -c`) is replaced by the commands of SCRIPT; `find -exec
CMD ;` and `xargs CMD` yield CMD as its own part. Files written and programs run through other
options (`sort -o f`, `rg --pre CMD`) are found by `vibe.policy.option_effects`; `find -delete`
and `find -fprint f` here.

Privilege escalation asks whatever hides it. A part run by sudo, doas, pkexec, run0 or please
is `elevated`; so is every part whose program the text does not show, since it may be sudo: a
name known only at run time (`$(which sudo) ls`, `/usr/bin/su*`), `eval`, a shell reading its
commands from input, wrapper options vibe cannot read, `alias`/`hash -p`/`enable -f`, `su` and
the like, and a program vibe has no table for that is given `sudo` as an argument (`strace sudo
x`). What a program does once it runs (a script calling sudo) is beyond the text: there the
sandbox's no_new_privs keeps setuid programs from raising privileges.

Variables set by `env NAME=value` follow `vibe.policy.simple_command`: those that change which
program runs make the part opaque, the others (except display-only ones) are carried in
`environment`, through `bash -c`, `find -exec` and `xargs`, to every command they reach.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import replace

from vibe.policy.option_effects import UNKNOWN_FILE, option_effects
from vibe.policy.simple_command import Glob, SimpleCommand, Word

# Parses a `bash -c` script into its parts (shell_parse.analyse_command, one level deeper).
ParseScript = Callable[[str], tuple[SimpleCommand, ...]]

SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh", "mksh", "ash", "yash"})
# Programs that run commands as another user themselves: never unwrapped, they always ask.
ELEVATING_PROGRAMS = frozenset(
    {"su", "sudoedit", "pleaseedit", "ksu", "sg", "newgrp", "runuser", "machinectl", "systemd-run"}
)
# Builtins that run text as a command, or make a name run another program later.
_RUNS_TEXT = frozenset({"eval", "trap"})
# Wrappers nest (sudo env timeout 5 nice cmd); more than this is not a real command line.
_MAX_WRAPPERS = 16
_UNKNOWN_NAME = "the command name is only known at run time (it may be sudo)"


def unknowable(part: SimpleCommand, reason: str) -> SimpleCommand:
    """`part` runs a program the text does not show: opaque, and counted as raising privileges."""
    return replace(part, opaque=reason, elevated=True)


def unwrap(
    part: SimpleCommand, parse_script: ParseScript, placeholder: str | None = None
) -> list[SimpleCommand]:
    """The commands `part` really runs, wrappers removed, each carrying the wrappers' effects."""
    # The tables load with the first command judged, not at start-up.
    from vibe.policy.wrapper_options import ELEVATORS, WRAPPERS

    words = part.words
    for _ in range(_MAX_WRAPPERS):
        if not words or part.opaque is not None:
            break
        name = words[0]
        if name is None or isinstance(name, Glob):
            return [unknowable(replace(part, words=words), _UNKNOWN_NAME)]
        wrapper = WRAPPERS.get(posixpath.basename(name))
        if wrapper is None:
            break
        result = wrapper(words)
        part = replace(
            part,
            writes=part.writes + result.writes,
            open_tail=part.open_tail or result.open_tail,
            elevated=part.elevated or posixpath.basename(name) in ELEVATORS,
            executes=part.executes + result.executes,
            environment=part.environment + result.environment,
        )
        if result.unknown is not None:
            return [unknowable(replace(part, words=words), result.unknown)]
        placeholder = result.placeholder or placeholder
        if result.script != "":
            return _script(replace(part, words=words), result.script, parse_script, placeholder)
        if result.rest is None:
            break
        words = result.rest
    else:
        return [unknowable(replace(part, words=words), "wrappers are nested too deeply to follow")]
    part = replace(part, words=words)
    if part.opaque is not None or not words:
        return [part]
    if words[0] is None or isinstance(words[0], Glob):
        return [unknowable(part, _UNKNOWN_NAME)]
    base = posixpath.basename(words[0])
    if base in SHELLS:
        return _shell(part, base, parse_script, placeholder)
    if placeholder:
        # Words holding the placeholder (`{}` of find -exec, xargs -I) get file names at run time.
        words = tuple(None if w is None or placeholder in w else w for w in words)
        part = replace(part, words=words)
        if words[0] is None:
            return [unknowable(part, _UNKNOWN_NAME)]
    hidden = _hidden_program(base, words)
    if hidden is not None:
        return [unknowable(part, hidden)]
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


def _hidden_program(base: str, words: tuple[Word, ...]) -> str | None:
    """Why `words` may run a program its text does not show (sudo among them), or None."""
    from vibe.policy.programs import knows_program
    from vibe.policy.wrapper_options import ELEVATORS

    if base in ELEVATING_PROGRAMS:
        return f"{base} runs commands as another user"
    if base in _RUNS_TEXT:
        return f"{base} runs a command given as text"
    arguments = words[1:]
    if base == "alias" and any(w is None or "=" in w for w in arguments):
        return "alias gives a name to a command the text does not show (bash may expand it later)"
    if base == "hash" and any(w is None or (w.startswith("-") and "p" in w) for w in arguments):
        return "hash -p makes a command name run another program"
    if base == "enable" and any(w is None or (w.startswith("-") and "f" in w) for w in arguments):
        return "enable -f loads a builtin from a shared library"
    if not knows_program(words):
        # An unknown program given `sudo` as a word may run it: `strace sudo x`, `flock f sudo x`.
        for word in arguments:
            first = (word or "").split(maxsplit=1)[:1]
            if first and posixpath.basename(first[0]) in ELEVATORS | ELEVATING_PROGRAMS:
                return f"{base} is given `{first[0]}`, which it may run with raised privileges"
    return None


def _script(
    part: SimpleCommand, script: Word, parse_script: ParseScript, placeholder: str | None
) -> list[SimpleCommand]:
    """The commands of a script a wrapper hands to a shell (`watch 'a && b'`, `flock -c`)."""
    name = posixpath.basename(part.words[0] or "")
    if script is None:
        return [unknowable(part, f"{name} runs a script only known at run time")]
    if placeholder and placeholder in script:
        return [unknowable(part, f"file names are pasted into a script {name} runs")]
    return [_inherit(p, part) for p in parse_script(script)]


def _shell(
    part: SimpleCommand, shell: str, parse_script: ParseScript, placeholder: str | None
) -> list[SimpleCommand]:
    words = part.words
    runs_script = False
    i = 1
    while i < len(words):
        word = words[i]
        if word is None:
            return [unknowable(part, f"{shell} is given options only known at run time")]
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
                return [unknowable(part, f"{shell} -s reads commands from its input")]
        i += 1
    if not runs_script:
        if i >= len(words):
            return [unknowable(part, f"{shell} reads the commands to run from its input")]
        return [part]  # `bash script.sh`: judged by rules like any program
    if i >= len(words) or words[i] is None:
        return [unknowable(part, f"{shell} -c runs a script only known at run time")]
    return _script(part, words[i], parse_script, placeholder)


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
                return [unknowable(part, f"find {word} has no closing ; or +")]
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
