"""One simple command as the policy sees it: literal words, the files it writes, and what is unknown.

Also the judgement of variables set around a command. Three kinds:
- `sensitive_assignment`: variables that change which program runs or make a program run code
  (PATH, LD_PRELOAD, GIT_PAGER, ...): the command becomes opaque.
- `harmless_variable`: display-only variables (LANG, LC_*, TZ, NO_COLOR, COLUMNS, ...): a
  read-only command stays read-only.
- anything else (HOME, XDG_CONFIG_HOME, GIT_DIR, TMPDIR, ...): recorded in
  `SimpleCommand.environment`, so a read-only rule no longer covers the command (it asks).
A value holding shell code (`'$(touch p)'`) is opaque wherever it is assigned: bash evaluates such
text again in arithmetic, `${x@P}`, subscripts and prompts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One word of a simple command: its literal text, or None when only the running shell knows it
# (a variable, a command substitution, an ANSI-C string, a brace expansion).
Word = str | None


class Glob(str):
    """A word bash expands as a file name pattern (`*.py`, `src/?`): its text is the pattern.

    A plain `str` everywhere (rules match its text), but the files it expands to are only known
    at run time: a pattern that may start with `-` may expand to a file named like an option.
    """

    __slots__ = ()

    def may_be_option(self) -> bool:
        # The first character is a wildcard or a dash: `*` may match a file named `-delete`.
        return self[:1] in ("-", "*", "?", "[")


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One command bash would run, after unwrapping wrappers (`sudo rm x` → `rm x`, elevated)."""

    words: tuple[Word, ...]
    # The command as written, for explanations.
    text: str
    # Files it writes: redirection targets, `tee` files, `find -delete`, `sort -o`, ...
    writes: tuple[str, ...] = ()
    # More arguments arrive at run time (the command run by `xargs`).
    open_tail: bool = False
    # Runs, or may run, with raised privileges: under sudo, doas, su, ..., or the program it runs
    # is not in the text (`$(which sudo) ls`, `eval`), so it may be one of those.
    elevated: bool = False
    # Why this part cannot be judged from the text; such a part is never allowed by a rule.
    opaque: str | None = None
    # Programs it runs through its options (`rg --pre CMD`, `git -C DIR`): not read-only.
    executes: tuple[str, ...] = ()
    # Variables set for it that are not display-only (`HOME=x git status`): read-only rules
    # do not cover it.
    environment: tuple[str, ...] = ()

    @property
    def name(self) -> str | None:
        return self.words[0] if self.words else None

    def display(self) -> str:
        """The words as the policy sees them, `$?` standing for what is only known at run time."""
        shown = " ".join("$?" if word is None else word for word in self.words)
        return shown + (" …" if self.open_tail else "") or self.text


# Assigning these changes which program runs or what it executes (PATH=. ls, GIT_PAGER='rm -rf x').
_SENSITIVE_VARIABLES = frozenset(
    {
        "PATH",
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "DYLD_INSERT_LIBRARIES",
        "BASH_ENV",
        "ENV",
        "SHELLOPTS",
        "BASHOPTS",
        "IFS",
        "PS4",
        "PROMPT_COMMAND",
        "GIT_EXTERNAL_DIFF",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_PAGER",
        "PAGER",
        "GIT_EDITOR",
        "GIT_SEQUENCE_EDITOR",
        "EDITOR",
        "VISUAL",
        "GIT_ASKPASS",
        "SSH_ASKPASS",
        "GIT_EXEC_PATH",
        "GIT_CONFIG_PARAMETERS",
        "NODE_OPTIONS",
        "PERL5OPT",
        "RUBYOPT",
        "PYTHONSTARTUP",
    }
)
_HARMLESS_VALUES = frozenset({"", "cat"})
# Variables that only change how output looks; setting them keeps a read-only command read-only.
_DISPLAY_ONLY_VARIABLES = frozenset(
    {
        "LANG", "LANGUAGE", "TZ", "NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM",
        "COLORTERM", "COLUMNS", "LINES", "CI", "LS_COLORS", "GREP_COLOR", "GREP_COLORS", "LESS",
        "GIT_PAGER", "PAGER", "PY_COLORS", "TERM_PROGRAM",
    }
)  # fmt: skip
# LC_* are locale categories; LOCPATH and GCONV_PATH (which load code) are not among them.
_DISPLAY_ONLY_PREFIXES = ("LC_",)
# Text bash evaluates again when it meets it in arithmetic, a subscript or a prompt: `$(`, `${`
# or a backtick that no backslash escapes.
_SHELL_CODE = re.compile(r"(?:^|[^\\])(?:\\\\)*(?:\$[({]|`)")

_NOT_FILES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "-"})


def is_file_target(target: str) -> bool:
    """A redirection/tee target that is a real file (not /dev/null, an fd or stdout)."""
    return target not in _NOT_FILES and not target.startswith("/dev/fd/") and not target.isdigit()


def sensitive_assignment(name: str, value: Word) -> bool:
    """Whether `NAME=value` before or around a command changes which program runs or what it does."""
    if name.startswith(("LD_", "DYLD_", "GIT_CONFIG")):
        return True
    return name in _SENSITIVE_VARIABLES and not (name.endswith("PAGER") and value in _HARMLESS_VALUES)


def harmless_variable(name: str, value: Word) -> bool:
    """Whether setting `name` for a read-only command keeps it read-only (display-only variables)."""
    if sensitive_assignment(name, value):
        return False
    return name in _DISPLAY_ONLY_VARIABLES or name.startswith(_DISPLAY_ONLY_PREFIXES)


def holds_shell_code(text: str) -> bool:
    """Whether literal text contains `$(`, `${` or a backtick that bash could evaluate later."""
    return _SHELL_CODE.search(text) is not None


def assignment_risk(name: str, value: Word) -> str | None:
    """Why `NAME=value` on its own (`x=1;`, `export`, `for NAME in`) makes the line opaque, or None.

    Such a variable lives on in the shell: bash reads some itself (PS4, IFS), and one already
    exported (HOME, TMPDIR) reaches every later command. Names with a lower-case letter are the
    shell's own by convention and stay harmless unless their value holds code.
    """
    if sensitive_assignment(name, value):
        return f"setting {name} changes what later commands run"
    if value is not None and holds_shell_code(value):
        return f"the value given to {name} holds shell code that bash may evaluate later"
    environment_like = not any(c.islower() for c in name)
    if environment_like and not harmless_variable(name, value):
        return f"setting {name} may change what later commands do (it reaches them if exported)"
    return None
