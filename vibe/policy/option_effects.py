"""What otherwise read-only commands do through their options: files they write, programs they run.

The built-in rules allow `sort`, `rg`, `git diff`, `tree`, `file`, ... as read-only, but some of
their options write (`sort -o f`, `tree -o f`, `file -C`, `git diff --output=f`, `tee f`) or run
another program (`rg --pre CMD`, `sort --compress-program=CMD`, `git -C DIR`, `git --ext-diff`).
Those are found here, so plan mode refuses them and other modes ask.

Options are read the way the programs read them: short options may be bundled (`sort -ro f`),
GNU long options may be abbreviated to any unambiguous prefix (`sort --outp=f` is `--output`),
so a prefix counts as the option (an ambiguous one only makes the program fail). A word known
only at run time (`sort "$x"`) may be any of these options, so for these commands it counts as
an unknown effect too.

Also here: commands that evaluate their own arguments as code (`printf -v`, `let`, `test -v`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vibe.policy.simple_command import Word, is_file_target

UNKNOWN_FILE = "(a file named at run time)"
_RUNTIME_OPTION = "an option only known at run time (it may also write a file)"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class OptionEffects:
    writes: tuple[str, ...] = ()
    executes: tuple[str, ...] = ()
    opaque: str | None = None


def skip_options(
    words: tuple[Word, ...], start: int, short_args: str, long_args: frozenset[str]
) -> int | None:
    """Index of the first operand after the options; None when an option is only known at run time."""
    i = start
    while i < len(words):
        word = words[i]
        if word is None:
            return None
        if word == "--":
            return i + 1
        if not word.startswith("-") or word == "-":
            return i
        if word.startswith("--"):
            name = word[2:].split("=", 1)[0]
            i += 2 if "=" not in word and name in long_args else 1
            continue
        takes_next = False
        for position, letter in enumerate(word[1:], start=1):
            if letter in short_args:
                takes_next = position == len(word) - 1
                break
        i += 2 if takes_next else 1
    return i


def _long_matches(word: str, long: str, min_prefix: int) -> bool:
    """`--name[=v]` where name is `long` or an abbreviation of it at least `min_prefix` long."""
    name = word[2:].split("=", 1)[0]
    return len(name) >= min(min_prefix, len(long)) and long.startswith(name)


def option_values(
    words: tuple[Word, ...],
    *,
    short: str = "",
    long: str = "",
    min_prefix: int = 1,
    short_args: str = "",
    takes_value: bool = True,
) -> list[Word]:
    """Values of one option among the options of `words` (up to `--`).

    `-X V`, `-XV`, bundled `-abX V` (stopping at a letter in `short_args`, whose value the rest
    is), `--long V`, `--long=V` and abbreviations `--lo=V`. With `takes_value=False` the option
    is a flag and each occurrence yields "".
    """
    values: list[Word] = []
    i = 1
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else UNKNOWN_FILE
        if word is None or not word.startswith("-") or word == "-":
            i += 1
            continue
        if word == "--":
            break
        if word.startswith("--"):
            if long and _long_matches(word, long, min_prefix):
                if not takes_value:
                    values.append("")
                elif "=" in word:
                    values.append(word.split("=", 1)[1])
                else:
                    values.append(following)
                    i += 1
            i += 1
            continue
        for position, letter in enumerate(word[1:], start=1):
            if letter == short and short:
                rest = word[position + 1 :]
                if not takes_value:
                    values.append("")
                elif rest:
                    values.append(rest)
                else:
                    values.append(following)
                    i += 1
                break
            if letter in short_args:
                break
        i += 1
    return values


def _operands(words: tuple[Word, ...], short_args: str, long_args: frozenset[str]) -> list[Word]:
    operands: list[Word] = []
    i = 1
    while i < len(words):
        start = skip_options(words, i, short_args, long_args)
        if start is None or start >= len(words):
            break
        operands.append(words[start])
        i = start + 1
    return operands


def _runtime_options(words: tuple[Word, ...]) -> bool:
    """Whether a word only known at run time stands where an option could (before `--`)."""
    for word in words[1:]:
        if word == "--":
            return False
        if word is None:
            return True
    return False


# git options, before the sub-command, that make git run code the sandbox does not protect
# against: another repository's config and hooks, another program directory, config from the
# command line or the environment.
_GIT_GLOBAL_RUNS = ("-C", "-c", "--git-dir", "--work-tree", "--exec-path", "--config-env")


def _git(words: tuple[Word, ...]) -> OptionEffects:
    runs: list[str] = []
    for word in words[1:]:
        if word is None or not word.startswith("-"):
            break  # the sub-command: global options end here
        if word.split("=", 1)[0] in _GIT_GLOBAL_RUNS or word.startswith("-c"):
            runs.append(f"git {word.split('=', 1)[0]} (hooks and config of another place)")
    # `--ext` is the shortest unambiguous `--ext-diff`; `--text` is its own option, `--textc` is not.
    for long, min_prefix in (("ext-diff", 3), ("textconv", 5)):
        if option_values(words, long=long, min_prefix=min_prefix, takes_value=False):
            runs.append(f"git --{long} (diff drivers)")
    outputs = option_values(words, long="output", min_prefix=1)
    return OptionEffects(writes=_files(outputs), executes=tuple(runs))


def _files(targets: list[Word]) -> tuple[str, ...]:
    return tuple(UNKNOWN_FILE if t is None else t for t in targets if t is None or is_file_target(t))


def _sed(words: tuple[Word, ...]) -> OptionEffects:
    in_place = any(
        w is not None
        and (w.startswith(("-i", "--in-place")) or (w[:1] == "-" and w[1:2] != "-" and "i" in w))
        for w in words[1:]
    )
    return OptionEffects(writes=("(files edited in place by sed -i)",) if in_place else ())


def _sort(words: tuple[Word, ...]) -> OptionEffects:
    outputs = option_values(words, short="o", long="output", short_args="kSTt")
    # `--c` is ambiguous (--check), `--co` already means --compress-program.
    programs = option_values(words, long="compress-program", min_prefix=2)
    runs = tuple(f"sort --compress-program={p or '?'}" for p in programs)
    return OptionEffects(writes=_files(outputs), executes=runs)


def _rg(words: tuple[Word, ...]) -> OptionEffects:
    runs: list[str] = []
    for word in words[1:]:
        if word == "--":
            break
        name = (word or "").split("=", 1)[0]
        if name in ("--pre", "--pre-glob", "--hostname-bin"):
            runs.append(f"rg {name}")
    return OptionEffects(executes=tuple(runs))


def _tree(words: tuple[Word, ...]) -> OptionEffects:
    outputs = option_values(words, short="o", long="outfile", short_args="LPIHT")
    outputs += option_values(words, long="output", min_prefix=6)
    writes = _files(outputs)
    if option_values(words, short="R", short_args="LPIHTo", takes_value=False):
        writes += ("(00Tree.html in every directory, by tree -R)",)
    return OptionEffects(writes=writes)


def _file(words: tuple[Word, ...]) -> OptionEffects:
    compiles = option_values(
        words, short="C", long="compile", min_prefix=2, short_args="efFmP", takes_value=False
    )
    return OptionEffects(writes=("(a magic .mgc file compiled by file -C)",) if compiles else ())


def _printf(words: tuple[Word, ...]) -> OptionEffects:
    first = words[1] if len(words) > 1 else ""
    if first is None or first.startswith("-v"):
        return OptionEffects(opaque="printf -v assigns any variable, evaluating its subscript")
    return OptionEffects()


def _test(words: tuple[Word, ...]) -> OptionEffects:
    # `-v NAME` / `-R NAME` evaluate a subscript in NAME (`a[$(cmd)]`) as arithmetic.
    operands = [w for w in words[1:] if w != "]"]
    for index, word in enumerate(operands):
        if word in ("-v", "-R"):
            name = operands[index + 1] if index + 1 < len(operands) else ""
            if name is None or not _IDENTIFIER.fullmatch(name):
                return OptionEffects(opaque=f"test {word} evaluates the subscript of a variable name")
    if len(operands) == 2 and operands[0] is None:
        return OptionEffects(opaque="test is given an operator only known at run time")
    return OptionEffects()


_HANDLERS = {
    "git": _git,
    "sed": _sed,
    "sort": _sort,
    "rg": _rg,
    "tree": _tree,
    "file": _file,
    "printf": _printf,
    "test": _test,
    "[": _test,
}
# For these, a word only known at run time may be one of the options above.
_RUNTIME_OPTIONS_MATTER = frozenset({"git", "sort", "rg", "tree", "file"})


def option_effects(base: str, words: tuple[Word, ...]) -> OptionEffects:
    """What `words` (a command named `base`, wrappers removed) writes or runs through its options."""
    if base == "let":
        return OptionEffects(opaque="let evaluates its arguments as arithmetic, running code in them")
    if base == "tee":
        return OptionEffects(writes=_files(_operands(words, "", frozenset({"output-error"}))))
    if base == "uniq":
        fields = frozenset({"skip-fields", "skip-chars", "check-chars"})
        return OptionEffects(writes=_files(_operands(words, "fsw", fields)[1:2]))
    handler = _HANDLERS.get(base)
    effects = handler(words) if handler is not None else OptionEffects()
    if base in _RUNTIME_OPTIONS_MATTER and _runtime_options(words):
        return OptionEffects(effects.writes, (*effects.executes, _RUNTIME_OPTION))
    return effects
