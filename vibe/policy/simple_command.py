"""One simple command as the policy sees it: literal words, the files it writes, and what is unknown."""

from __future__ import annotations

from dataclasses import dataclass

# One word of a simple command: its literal text, or None when only the running shell knows it
# (a variable, a command substitution, an ANSI-C string, a brace expansion).
Word = str | None


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
    # Runs with raised privileges (sudo, doas, pkexec, run0).
    elevated: bool = False
    # Why this part cannot be judged from the text; such a part is never allowed by a rule.
    opaque: str | None = None

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

_NOT_FILES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "-"})


def is_file_target(target: str) -> bool:
    """A redirection/tee target that is a real file (not /dev/null, an fd or stdout)."""
    return target not in _NOT_FILES and not target.startswith("/dev/fd/") and not target.isdigit()


def sensitive_assignment(name: str, value: Word) -> bool:
    """Whether `NAME=value` before or around a command changes which program runs or what it does."""
    if name.startswith(("LD_", "DYLD_", "GIT_CONFIG")):
        return True
    return name in _SENSITIVE_VARIABLES and not (name.endswith("PAGER") and value in _HARMLESS_VALUES)
