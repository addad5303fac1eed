"""The rules vibe ships: commands that only read are allowed (and may run in plan mode).

Nothing that changes files, history or the system is allowed by default; everything not listed
here asks (or is denied in plan mode). A pattern only names the command: what it is given is
held to the allow-list of options and operands vibe keeps for it (`vibe.policy.programs`), so
`sort -o f`, `find -delete`, `sed 's/a/b/w f'` or `git log --output=f` are not read-only.
Writes through redirections and `tee FILE` are found by the parser. User and project rules take
precedence over these (see `vibe.policy.rules`).

Left out on purpose: `less`, `more` and `man` are interactive pagers that run other programs
(LESSOPEN preprocessors, `!` shell escapes, `v` an editor, man's formatters and pager); `cat`
and `git show` read as much. `xargs`, `env`, `timeout`, ... are wrappers: the command they run
is what is judged.
"""

from __future__ import annotations

from vibe.config.permissions import CommandRule

_READ_ONLY_COMMANDS = (
    # Files and text
    "ls", "cat", "head", "tail", "wc", "pwd", "echo", "printf", "true", "false", "test", "[",
    "grep", "egrep", "fgrep", "rg", "find", "tree", "file", "stat", "du", "df", "basename",
    "dirname", "realpath", "readlink", "diff", "cmp", "comm", "sort", "uniq", "cut", "tr", "nl",
    "column", "paste", "fold", "expand", "seq", "jq", "od", "hexdump", "strings", "tee",
    "md5sum", "sha1sum", "sha256sum", "sha512sum", "cksum",
    # Their operands are code, read by vibe: sed scripts, awk programs; tar only lists (-t).
    "sed", "awk", "tar",
    # The environment
    "which", "whereis", "type", "command -v", "command -V", "date", "whoami", "id", "uname",
    "printenv", "env $", "cd", "sleep",
    # Only the `set` forms that make a script stricter: `set -x` would evaluate PS4 (code), and
    # `set -a` exports every later variable.
    "set -e $", "set +e $", "set -u $", "set +u $", "set -eu $", "set -ue $", "set -o pipefail $",
    "set +o pipefail $", "set -eo pipefail $", "set -uo pipefail $", "set -euo pipefail $",
    "set -ueo pipefail $", "set -o errexit $", "set -o nounset $",
    # Git, reading only. `git branch`/`git tag`/`git remote` with arguments change things, so
    # only their listing forms are anchored with `$`.
    "git status", "git diff", "git log", "git show", "git rev-parse", "git ls-files",
    "git ls-tree", "git blame", "git describe", "git shortlog", "git cat-file", "git merge-base",
    "git rev-list", "git show-ref", "git count-objects", "git version", "git --version",
    "git stash list", "git reflog $", "git reflog show", "git config --get", "git config --list",
    "git branch $", "git branch -a $", "git branch --all $", "git branch -r $", "git branch -v $",
    "git branch -vv $", "git branch -av $", "git branch --list $", "git branch --show-current $",
    "git tag $", "git remote $", "git remote -v $", "git branch --list", "git tag -l",
    "git tag --list",
)  # fmt: skip

_EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "git status": (["git status --short"], ["git stash"]),
    "git branch $": (["git branch"], ["git branch -D main", "git branch new"]),
    "find": (["find . -name '*.py'"], ["fd x"]),
    "env $": (["env"], ["env -i"]),
    "set -e $": (["set -e"], ["set -x", "set -e -x", "set -ex"]),
    "sed": (["sed -n 1,5p f"], ["sedit f"]),
    "tar": (["tar -tzf x.tar.gz"], ["tarx"]),
}


def builtin_rules() -> list[CommandRule]:
    rules: list[CommandRule] = []
    for pattern in _READ_ONLY_COMMANDS:
        match, not_match = _EXAMPLES.get(pattern, ([], []))
        rules.append(
            CommandRule(pattern=pattern, action="allow", read_only=True, match=match, not_match=not_match)
        )
    return rules
