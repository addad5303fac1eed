"""Does a command allowed by a read-only rule only read? The allow-lists, applied to one part.

`read_only_problem` answers for the programs vibe has a table for (every built-in read-only
command, and git's reading sub-commands): the first option, word or operand that may make the
program write or run something, as a sentence for `vibe policy check`. For any other program it
answers None: a rule the user marked `read_only` is then taken at its word.

Operands that are code are read too: sed scripts, awk programs, tar's archive name, date's
operand. Privilege escalation and wrappers are not judged here: the part is the command the
wrappers run (see `vibe.policy.shell_wrappers`).
"""

from __future__ import annotations

from collections.abc import Sequence

from vibe.policy.programs.awk_program import awk_program_problem
from vibe.policy.programs.git import git_problem, git_subcommand
from vibe.policy.programs.grammar import RUNTIME_WORD, Options, Scan, scan
from vibe.policy.programs.search_tools import FILE, RG, TREE, find_problem
from vibe.policy.programs.sed_script import sed_script_problem
from vibe.policy.programs.text_tools import TABLES
from vibe.policy.simple_command import SimpleCommand, Word

_HELP = "help version"

SED = Options(
    flags="nrsuzE",
    valued="efl",
    long_flags=f"quiet silent regexp-extended separate unbuffered null-data posix debug sandbox {_HELP}",
    long_valued="expression file line-length",
)
# awk reads its options before the program only; gawk's long forms of -F and -v.
AWK = Options(valued="Fvf", long_valued="field-separator assign file", permute=False)
AWK_NAMES = frozenset({"awk", "gawk", "mawk", "nawk"})
TAR = Options(
    flags="tvzjJZaBiRlPhk",
    valued="fbXTKNHC",
    long_flags=(
        "list verbose gzip gunzip ungzip bzip2 xz zstd lzip lzma lzop compress uncompress "
        "auto-compress no-auto-compress wildcards no-wildcards anchored no-anchored ignore-case "
        "no-ignore-case wildcards-match-slash no-wildcards-match-slash null no-null "
        "read-full-records ignore-zeros full-time utc numeric-owner block-number force-local "
        "ignore-failed-read verbatim-files-from no-verbatim-files-from absolute-names dereference "
        f"check-links show-defaults usage {_HELP}"
    ),
    long_valued=(
        "file exclude exclude-from files-from blocking-factor quoting-style quote-chars "
        "no-quote-chars strip-components transform xform format warning starting-file newer "
        "after-date newer-mtime directory record-size"
    ),
    long_optional="totals occurrence",
)
_TAR_VALUED = frozenset(TAR.valued)
PROGRAMS: dict[str, Options] = {**TABLES, "rg": RG, "tree": TREE, "file": FILE}


def knows_program(words: Sequence[Word]) -> bool:
    """Whether vibe has an allow-list for this command (its operands are then data, not commands)."""
    name = words[0] if words else None
    if name == "git":
        return git_subcommand(words) is not None
    return name in PROGRAMS or name in AWK_NAMES or name in ("find", "sed", "tar")


def read_only_problem(part: SimpleCommand) -> str | None:
    """Why `part` may do more than read and print, or None (also for programs vibe has no table for)."""
    words = part.words
    name = words[0] if words else None
    if name is None or not knows_program(words):
        return None
    table = PROGRAMS.get(name, Options())
    if part.open_tail and "--" not in words and not (table.inert or table.anything):
        return f"xargs adds words at run time where {name} reads options"
    if name == "git":
        return git_problem(words)
    if name == "find":
        return find_problem(words)
    if name == "sed":
        return _sed(words)
    if name in AWK_NAMES:
        return _awk(words, name)
    if name == "tar":
        return _tar(words)
    found = scan(PROGRAMS[name], words, name)
    if found.problem is None and name == "date":
        return _date(found)
    return found.problem


def _sed(words: Sequence[Word]) -> str | None:
    found = scan(SED, words, "sed")
    if found.problem is not None:
        return found.problem
    if found.has("-f", "--file"):
        return "the sed script is read from a file vibe does not see (-f)"
    scripts = found.values("-e", "--expression") or list(found.operands[:1])
    if not scripts:
        return None  # sed without a script only prints its usage
    if any(script is None for script in scripts):
        return f"the sed script is {RUNTIME_WORD}"
    return sed_script_problem("\n".join(s for s in scripts if s is not None))


def _awk(words: Sequence[Word], name: str) -> str | None:
    found = scan(AWK, words, name)
    if found.problem is not None:
        return found.problem
    if found.has("-f", "--file"):
        return f"the {name} program is read from a file vibe does not see (-f)"
    if not found.operands:
        return None  # no program: awk prints its usage
    program = found.operands[0]
    if program is None:
        return f"the {name} program is {RUNTIME_WORD}"
    return awk_program_problem(program)


def _tar(words: Sequence[Word]) -> str | None:
    found = scan(TAR, _dashed(words), "tar")
    if found.problem is not None:
        return found.problem
    if not found.has("-t", "--list"):
        return "tar only reads when it lists an archive (-t, --list)"
    if not found.has("--force-local"):
        for archive in found.values("-f", "--file"):
            # GNU tar reaches `host:file` through rsh/ssh, unless a `/` comes before the `:`.
            if archive is not None and ":" in archive.partition("/")[0]:
                return f"the archive `{archive}` names another host, which tar reaches by running rsh"
    return None


def _dashed(words: Sequence[Word]) -> list[Word]:
    """`tar tzf x.tar` as `tar -t -z -f x.tar`: old-style letters take their values in order."""
    first = words[1] if len(words) > 1 else None
    if first is None or first.startswith("-"):
        return list(words)
    dashed: list[Word] = [words[0]]
    rest = list(words[2:])
    for letter in first:
        dashed.append(f"-{letter}")
        if letter in _TAR_VALUED and rest:
            dashed.append(rest.pop(0))
    return dashed + rest


def _date(found: Scan) -> str | None:
    for operand in found.operands:
        if operand is None or not operand.startswith("+"):
            shown = "a word only known at run time" if operand is None else f"`{operand}`"
            return f"date given {shown} (not +FORMAT) sets the system clock"
    return None
