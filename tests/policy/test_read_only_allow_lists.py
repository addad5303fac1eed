"""Read-only rules hold each command to the options and operands that only read.

Each attack is first run in a real bash to show it really writes a file, then judged: a built-in
read-only rule must not cover it (plan mode refuses, other modes ask, auto mode with a sandbox
runs it confined).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from vibe.config.permissions import CommandRule, PermissionsSettings
from vibe.config.settings import PermissionMode
from vibe.policy.engine import PermissionPolicy
from vibe.policy.explain import explain_command
from vibe.policy.programs import read_only_problem


def policy(mode: PermissionMode, *rules: CommandRule) -> PermissionPolicy:
    return PermissionPolicy(mode, PermissionsSettings(commands=list(rules)), sandbox_confined=True)


def action(mode: PermissionMode, command: str, *rules: CommandRule) -> str:
    return policy(mode, *rules).assess_command(command).verdict.action


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "in").write_text("b a\na b\n")
    (tmp_path / "zz").write_text("orig\n")
    return tmp_path


def changes_files(command: str, cwd: Path) -> bool:
    """Runs `command` in a real bash in `cwd`: whether it created `p` or rewrote `zz`."""
    # A file named like an option for the globs below: the attacker's checkout may hold one.
    # For find, `*` must then yield exactly `-fprint zz`.
    planted = cwd / ("-fprint" if command.startswith("find *") else "--output=p")
    planted.write_text("")
    if command.startswith("find *"):
        (cwd / "in").unlink()
    subprocess.run(["bash", "--norc", "-c", command], cwd=cwd, capture_output=True, timeout=10, check=False)
    changed = (cwd / "p").exists() or (cwd / "zz").read_text() != "orig\n"
    (cwd / "p").unlink(missing_ok=True)
    (cwd / "zz").write_text("orig\n")
    planted.unlink()
    (cwd / "in").write_text("b a\na b\n")
    return changed


# (attack, the text the explanation must name)
HIDDEN_OPTIONS = [
    ('sort --o"utput"=p in', "--output"),  # quotes split the option name
    ("sort --o'utput'=p in", "--output"),
    ("sort --o\\\nutput=p in", "--output"),  # a backslash-newline inside the word
    ("sort -\\\no p in", "`-o`"),
    ("sort $'--output'=p in", "run time"),  # ANSI-C quoting
    ("sort $'\\x2d-output=p' in", "run time"),
    ("sort $(echo --output=p) in", "run time"),  # a command substitution
    ("sort `echo --output=p` in", "run time"),
    ("o=--output=p; sort $o in", "run time"),  # a variable
    ('o=--output=p; sort "$o" in', "run time"),
    ("sort in *", "pattern"),  # a glob matching the file `--output=p`
    ("sort --output p in", "--output"),
    ("sort in -o p", "`-o`"),  # GNU reads options after operands
    ("sort -rop in", "`-o`"),  # bundled
    ("echo --output=p | xargs sort in", "xargs adds words"),
    ("find * -maxdepth 0", "pattern"),  # the glob yields `-fprint zz`
    ("find . -maxdepth 0 -fprint p", "-fprint"),
    ("find . -maxdepth 0 -fls p", "-fls"),
    ("sed -n 'w p' in", "w"),
    ("sed 's/a/b/w p' in", "s///w"),
    ("sed -e 's/a/b/' -e '1w p' in", "w"),
    ("sed '1e touch p' in", "(e)"),
    ("sed 's/.*/touch p/e' in", "s///e"),
    ("sed --expression='$ a x' -i'' in; touch p", "-i"),
    ("awk 'BEGIN { system(\"touch p\") }'", "system()"),
    ("awk '{ print > \"p\" }' in", "`>`"),
    ('awk \'{ printf "%s", $0 >> "p" }\' in', "`>>`"),
    ('awk \'BEGIN { print "x" | "cat > p" }\'', "`|`"),
    ("awk 'BEGIN { \"touch p\" | getline }'", "`|`"),
    ("tar -cf p in", "`-c`"),
    ("tar cf p in", "`-c`"),
    ("git init -q; git log --output=p", "--output"),
]


@pytest.mark.parametrize(("attack", "named"), HIDDEN_OPTIONS)
def test_hidden_options_are_not_read_only(attack: str, named: str, workdir: Path) -> None:
    assert changes_files(attack, workdir), "the vector must really write, or the test proves nothing"
    assert action("plan", attack) == "deny"
    assessment = policy("accept-edits").assess_command(attack)
    assert assessment.verdict.action == "ask"
    # The allow-list finds it on its own (some are also found as writes, which speak first).
    problems = [read_only_problem(p.part) or "" for p in assessment.parts]
    assert any(named in problem for problem in problems), problems
    assert action("auto", attack) == "allow"  # confined by the sandbox


@pytest.mark.skipif(shutil.which("gawk") is None, reason="needs gawk for @-calls")
def test_gawk_indirect_calls_are_not_read_only(workdir: Path) -> None:
    attack = 'gawk \'BEGIN { f = "system"; @f("touch p") }\''
    assert changes_files(attack, workdir)
    assert action("plan", attack.replace("gawk", "awk")) == "deny"


@pytest.mark.parametrize(
    "command",
    [
        'awk \'BEGIN { f = "sys" "tem"; @f("touch p") }\'',
        "awk '@load \"filefuncs\"; BEGIN { }'",
        'awk \'BEGIN { print 1 > "/dev/stderr" "x" }\'',
        "awk -f prog.awk in",
        "sed -f script.sed in",
        'sed "$s" in',
        'awk "$p" in',
        "date 010100002030",
        "date -s tomorrow",
        "date $when",
        "tar -tf backup:x.tar",
        "tar -t --to-command=sh -f x.tar",
        "tar -t -I sh -f x.tar",
        "tar -xf x.tar",
        "git log --format=%G?",
        "git log --show-signature",
        "git diff --ext-diff",
        "git log --textconv",
        "git config user.name x",
        "git config --add x y",
        "git branch new-branch",
        "git branch --list -D old",
        "git tag v1",
        "git reflog expire --all",
        "git cat-file --filters HEAD:x",
        "git log --remerge-diff",
        "git log -n $n",
        "git $sub",
        "git --paginate log",
        "rg --pre=sh x",
        "rg --hostname-bin=sh x",
        "tree -R",
        "tree -o out",
        "file -C -m x",
        "file -p x",
        "diff --paginate a b",
        "sort -T /tmp f",
        "sort --compress-program=sh f",
        "uniq in $out",
        "tee $f",
    ],
)
def test_operands_and_options_that_write_or_run_are_not_read_only(command: str) -> None:
    assert action("plan", command) == "deny", command
    assert action("accept-edits", command) == "ask", command


STAYS_READ_ONLY = [
    "sort -rn in", "sort -k2,2 -t: in", "sort -u --key=1 in", "cat *", "wc -l *.py", "head -n 5 in",
    "tail -20 in", "grep -rn --color=never foo .", "ls -la --group-directories-first", "ls *",
    "git log --oneline -5", "git log --format='%h %s' -n 3 --author=me", "git diff --stat HEAD~1",
    "git diff --cached --name-only -- src", "git show HEAD:README.md", "git status -sb",
    "git status --porcelain=v1 --untracked-files=no", "git branch -vv", "git blame -L 1,5 in",
    "git rev-parse --abbrev-ref HEAD", "git config --get user.email", "git config --list --show-origin",
    "git tag -l 'v*'", "git branch --list 'feat*'", "git ls-files -z --others --exclude-standard",
    "git rev-list --count HEAD", "git log -p -M --follow -- in", "git shortlog -sne",
    "sed -n '1,5p' in", "sed 's/a/b/g' in", "sed -E 's/(a|b)/x/' in", "sed '/^#/d;s/ *$//' in",
    "sed -n '/start/,/end/{p}' in", "sed 'y/abc/xyz/' in", "sed '$!N;P;D' in", "sed 's|/|\\\\|g' in",
    "awk '{print $1}' in", "awk -F: '$3 > 100 {print $1}' /etc/passwd", "awk 'NR>1' in",
    "awk '{ s += $2 } END { print s / NR }' in", "awk '{print \"err\" > \"/dev/stderr\"}' in",
    "awk 'length($0) > 80 { print FILENAME \":\" FNR }' in", "awk '$1 ~ /a|b/ { print }' in",
    "awk -v n=3 'NR <= n' in", "find . -name '*.py' -type f", "find . -maxdepth 2 -newer in -print0",
    "find src -name '*.tmp' -o -name '*.bak'", "tar -tzf x.tgz", "tar tvf x.tar", "tar --list --file=x.tar",
    "rg -n --hidden -g '*.py' foo src", "jq -r '.a' in", "jq --arg k v '.[$k]' in", "date +%Y-%m-%d",
    "date -u -d @0 +%s", "for f in *.py; do wc -l \"$f\"; done", "ls | xargs wc -l", "seq -5 5",
    "ls | xargs", "ls | xargs echo", "git ls-files -z | xargs -0 grep -l foo",
    "diff -u in in", "tree -L 2 -a", "file -b --mime-type in", "stat -c %s in", "du -sh .",
    "echo --output=x", "printf '%s\\n' -o", "test -f in", "cut -d: -f1 in", "tr -d '\\r'",
]  # fmt: skip


@pytest.mark.parametrize("command", STAYS_READ_ONLY)
def test_reading_forms_stay_read_only(command: str) -> None:
    assert action("plan", command) == "allow", policy("plan").assess_command(command).verdict.reason


def test_git_global_options_may_precede_a_reading_sub_command() -> None:
    # `git --no-pager log` matches no built-in pattern, but a user's read-only rule may name it.
    rule = CommandRule(pattern="git --no-pager log", action="allow", read_only=True)
    assert action("plan", "git --no-pager log -1", rule) == "allow"
    assert action("plan", "git --no-pager log --output=x", rule) == "deny"


def test_your_own_allow_rules_allow_options_the_allow_lists_do_not_know() -> None:
    yours = CommandRule(pattern="sort", action="allow")
    assert action("accept-edits", "sort --random-source=/dev/zero --weird in", yours) == "allow"
    # ... but not effects (as before), and not in plan mode, which needs read_only rules.
    assert action("accept-edits", "sort -o p in", yours) == "ask"
    assert action("plan", "sort --weird in", yours) == "deny"


def test_a_read_only_rule_of_yours_is_held_to_the_allow_list_of_a_known_program() -> None:
    marked = CommandRule(pattern="sort", action="allow", read_only=True)
    assert action("plan", "sort -rn in", marked) == "allow"
    assert action("plan", "sort -T /tmp in", marked) == "deny"
    # Programs vibe has no table for are taken at your word.
    make = CommandRule(pattern="make lint", action="allow", read_only=True)
    assert action("plan", "make lint --keep-going", make) == "allow"


def test_always_allow_stores_only_the_exact_command() -> None:
    verdict = policy("accept-edits").assess_command("git log --show-signature -1").verdict
    assert verdict.suggested_rule == "git log --show-signature -1 $"
    assert policy("accept-edits").assess_command("sort $o in").verdict.suggested_rule is None


def test_policy_check_names_the_option_that_made_a_part_not_read_only() -> None:
    verdict, text = explain_command("git status && sort -rT /tmp in", PermissionsSettings(), "plan")
    assert verdict == "deny"
    assert "`-T` (in `-rT`) is not among the options vibe knows sort to only read with" in text
    assert 'rule: allow "sort"' in text
