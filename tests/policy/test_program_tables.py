"""The allow-lists against the real programs: every name is one the program knows in full.

A long option in a table must be a real option, written in full: GNU programs take a prefix of a
long name as that name, so a listed name that is not real could be read as some other option.
Checked against the programs installed here (`--help`, git's completion helper, git itself).
The sed reader is checked against GNU sed's own `--sandbox`, which refuses exactly w/W/e/r/R.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from vibe.config.permissions import split_pattern
from vibe.policy.builtin_rules import builtin_rules
from vibe.policy.programs import knows_program
from vibe.policy.programs.git import SUBCOMMANDS
from vibe.policy.programs.grammar import Options
from vibe.policy.programs.judge import PROGRAMS, SED, TAR
from vibe.policy.programs.sed_script import sed_effects

# Whose `--help` lists every long option (GNU tools); others (jq, which, rg, tree) do not.
_GNU_HELP = ["ls", "cat", "head", "tail", "wc", "grep", "stat", "du", "df", "basename", "dirname",
             "realpath", "readlink", "diff", "cmp", "comm", "sort", "uniq", "cut", "tr", "nl", "paste",
             "fold", "expand", "seq", "od", "tee", "md5sum", "cksum", "date", "id", "uname",
             "printenv", "sleep", "whoami", "strings", "column", "hexdump", "file"]  # fmt: skip


def long_names(options: Options) -> set[str]:
    text = " ".join([options.long_flags, options.long_valued, options.long_optional, options.long_pairs])
    return set(text.split())


def test_every_built_in_rule_names_a_program_with_an_allow_list() -> None:
    for rule in builtin_rules():
        words, anchored = split_pattern(rule.pattern)
        assert anchored or knows_program(words), rule.pattern


@pytest.mark.parametrize("program", _GNU_HELP)
def test_long_options_are_real_and_written_in_full(program: str) -> None:
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")
    shown = subprocess.run([program, "--help"], capture_output=True, text=True, timeout=10).stdout
    missing = {name for name in long_names(PROGRAMS[program]) if not re.search(rf"--{name}\b(?!-)", shown)}
    # diff's help names these as --LTYPE-line-format and --GTYPE-group-format.
    missing -= {f"{kind}-line-format" for kind in ("old", "new", "unchanged")}
    missing -= {f"{kind}-group-format" for kind in ("old", "new", "unchanged", "changed")}
    assert not missing, f"{program} --help does not list {sorted(missing)}"


@pytest.mark.parametrize(("program", "options"), [("sed", SED), ("tar", TAR)])
def test_sed_and_tar_options_are_real(program: str, options: Options) -> None:
    shown = subprocess.run([program, "--help"], capture_output=True, text=True, timeout=10).stdout
    missing = {name for name in long_names(options) if not re.search(rf"--{name}\b(?!-)", shown)}
    assert not missing, f"{program} --help does not list {sorted(missing)}"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("repo")
    for command in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@x", *command], cwd=path, check=True)
    return path


def _git_rejects(repo: Path, *arguments: str) -> bool:
    done = subprocess.run(
        ["git", *arguments], cwd=repo, capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL
    )
    return bool(re.search(r"unrecognized argument|invalid option|unknown option", done.stderr))


def test_git_history_options_are_real(repo: Path) -> None:
    # log, diff, rev-list and shortlog read these without abbreviating (checked below), so a
    # name git accepts is one it knows in full.
    assert _git_rejects(repo, "log", "--onel")
    table = SUBCOMMANDS[("log",)]
    names = [(n, False) for n in (table.long_flags + " " + table.long_optional).split()]
    names += [(n, True) for n in table.long_valued.split()]
    rejected = []
    for name, valued in names:
        option = f"--{name}=1" if valued else f"--{name}"
        if all(_git_rejects(repo, sub, option, "HEAD") for sub in ("log", "rev-list", "diff", "shortlog")):
            rejected.append(name)
    assert not rejected, rejected


@pytest.mark.parametrize(
    "key", [key for key, table in SUBCOMMANDS.items() if not table.anything and key[0] not in ("log", "show",
            "diff", "rev-list", "shortlog", "stash", "reflog")],
)  # fmt: skip
def test_git_parse_options_names_are_exact(key: tuple[str, ...]) -> None:
    helper = subprocess.run(
        ["git", *key, "--git-completion-helper-all"], capture_output=True, text=True, timeout=10
    ).stdout
    known = {word.rstrip("=") for word in helper.split()}
    missing = {f"--{name}" for name in long_names(SUBCOMMANDS[key])} - known
    # Accepted through the revision machinery (blame) or by newer git only.
    missing -= {"--reverse", "--first-parent", "--since", "--date", "--encoding", "--no-textconv",
                "--omit-empty"}  # fmt: skip
    assert not missing, missing


SED_SCRIPTS = [
    "p", "1,5p", "s/a/b/g", "s/a/b/w out", "s/a/b/ w out", "s/a/b/e", "s|a|b|gw out", "w out",
    "1W out", "e touch x", "1e", "r in", "R in", "$!N;P;D", "/x/I,+2{p;d}", "0,/re/s//X/",
    "1~2p", "\\,a,d", "s/[/]w/X/", "s/[]/]/w/", "s/[[:alpha:]/]/x/w out", "y/abc/xyz/", "y/a\\/b/c\\/d/",
    ":a;w out", "b x;w out\n:x", "bx;:x;s/a/b/e", "a hello; w out", "i\\\nw out", "c\\\nx\\\nw out",
    "#n\np", "# w out\np", "s/a/\\n/;l 5", "s/a/b/;#w c\np", "{s/a/b/e}", "1!G;h;$!d", "s/x/[/w out",
    "/[/]/w out", "/a\\/b/s//c/e", "l;w out", "=;e", "v;w out", "q5", "s/a/b/3p", "s/a/b/pe", "z;F",
    "s/a/b/M;s/c/d/I", "T;w out", "s/a/b/gI w out",
]  # fmt: skip


@pytest.mark.parametrize("script", SED_SCRIPTS)
def test_the_sed_reader_agrees_with_gnu_sed_sandbox(script: str, tmp_path: Path) -> None:
    # --sandbox refuses e, w, W, r, R (also s///e and s///w): the reader must find the same,
    # where it finds effects (e/w/W) only; r/R only read.
    refused = subprocess.run(
        ["sed", "--sandbox", "-n", script, "/dev/null"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=10,
    )
    sandboxed = "disabled in sandbox mode" in refused.stderr
    reads = re.search(r"(^|[;}\n])\s*[0-9$]*\s*[rR] ", script) is not None
    found = bool(sed_effects(script))
    assert found == (sandboxed and not reads), (script, refused.stderr)


def all_tables() -> dict[str, Options]:
    from vibe.policy import wrapper_options
    from vibe.policy.programs.judge import AWK

    tables = {**PROGRAMS, "sed": SED, "awk": AWK, "tar": TAR}
    tables |= {"git " + " ".join(key): table for key, table in SUBCOMMANDS.items()}
    tables |= {name: t for name, t in vars(wrapper_options).items() if isinstance(t, Options)}
    return tables


@pytest.mark.parametrize(("name", "table"), all_tables().items())
def test_no_option_is_listed_twice_with_different_arguments(name: str, table: Options) -> None:
    # The first list a name is found in decides how its value is read: one list per name.
    short = [set(table.flags), set(table.valued), set(table.attached)]
    long = [set(names.split()) for names in (table.long_flags, table.long_valued, table.long_optional)]
    for kinds in (short, long):
        for index, names in enumerate(kinds):
            for other in kinds[index + 1 :]:
                assert not names & other, (name, names & other)
