"""The holes a security review found in the permission policy, each shown real and then closed.

Code evaluated by bash from data, read-only commands that run programs or write through their
options (abbreviated too), variables that change what a read-only command does, and file tools
writing where git or vibe read what to run or allow.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from vibe.config.permissions import CommandRule, PermissionsSettings, ToolPermission
from vibe.config.settings import PermissionMode
from vibe.policy.engine import PermissionPolicy
from vibe.policy.shell_parse import analyse_command
from vibe.policy.verdict import ApprovalRequest, Decision, DecisionScope, Verdict
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import AnyTool, Invocation, ToolContext
from vibe.tools.builtin import builtin_registry
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace

MODES: tuple[PermissionMode, ...] = ("ask", "accept-edits", "auto")


def make_policy(
    mode: PermissionMode,
    *rules: CommandRule,
    tools: dict[str, ToolPermission] | None = None,
    auto_approve: bool = False,
    rules_file: Path | None = None,
) -> PermissionPolicy:
    permissions = PermissionsSettings(commands=list(rules), tools=tools or {})
    return PermissionPolicy(
        mode, permissions, sandbox_confined=True, auto_approve=auto_approve, rules_file=rules_file
    )


async def prepare(ctx: ToolContext, name: str, **arguments: Any) -> tuple[AnyTool, Invocation]:
    tool = builtin_registry().get(name)
    assert tool is not None
    prepared = await tool.prepare(tool.args_model.model_validate(arguments), ctx)
    assert isinstance(prepared, Invocation), prepared
    return tool, prepared


async def verdict(policy: PermissionPolicy, ctx: ToolContext, name: str, **arguments: Any) -> Verdict:
    tool, invocation = await prepare(ctx, name, **arguments)
    return policy.evaluate(tool, invocation)


# Each runs `touch p` from a value bash evaluates again; all were allowed, even in plan mode.
CODE_FROM_DATA = [
    "x='a[$(touch p)]'; echo $((x))",
    "x='a[$(touch p)]'; echo $[x]",
    "x='a[$(touch p)]'; ((x))",
    "x='a[$(touch p)]'; let x",
    "x='$(touch p)'; echo ${x@P}",
    "x='a[$(touch p)]'; echo ${!x}",
    "x='a[$(touch p)]'; a=(1); echo ${a[x]}",
    "x='a[$(touch p)]'; s=abc; echo ${s:x}",
    "x='a[$(touch p)]'; [[ $x -eq 1 ]]",
    "test -v 'a[$(touch p)]'",
    "[ -v 'a[$(touch p)]' ]",
    "[[ -v 'a[$(touch p)]' ]]",
    "printf -v 'a[$(touch p)]' y",
    "printf -v PS4 '$(touch p)'; set -x; ls",
    "declare -i y; y='a[$(touch p)]'",
    "x='a[$(touch p)]'; a=(); a[$x]=1",
]


def run_bash(command: str, cwd: Path) -> bool:
    """Runs `command` in a real bash in `cwd`; whether it created the file `p`."""
    subprocess.run(["bash", "--norc", "-c", command], cwd=cwd, capture_output=True, timeout=10, check=False)
    created = (cwd / "p").exists()
    (cwd / "p").unlink(missing_ok=True)
    return created


def action(policy: PermissionPolicy, command: str) -> str:
    return policy.assess_command(command).verdict.action


@pytest.mark.parametrize("command", CODE_FROM_DATA)
def test_code_evaluated_from_data_is_opaque(command: str, tmp_path: Path) -> None:
    assert run_bash(command, tmp_path), "the vector must really run code, or the test proves nothing"
    assert action(make_policy("plan"), command) == "deny"
    assessment = make_policy("auto").assess_command(command)
    assert assessment.verdict.action == "ask"
    assert any(p.part.opaque for p in assessment.parts)


# The same with the value read from a file: no literal text gives it away, only the syntax.
FROM_A_FILE = [
    "x=$(cat data); echo $((x))",
    "x=$(cat data); echo $[x]",
    "x=$(cat data); ((x))",
    "x=$(cat data); echo ${!x}",
    "x=$(cat data); a=(1); echo ${a[x]}",
    "x=$(cat data); s=abc; echo ${s:x}",
    "x=$(cat data); [[ $x -eq 1 ]]",
    "x=$(cat data); [[ -v $x ]]",
    'x=$(cat data); [ -v "$x" ]',
    'x=$(cat data); test -v "$x"',
    "x=$(cat data); a=(); a[$x]=1",
    "x=$(cat data); for ((i=x; i<0; i++)); do :; done",
    "y=$(cat code); echo ${y@P}",
]


@pytest.mark.parametrize("command", FROM_A_FILE)
def test_code_evaluated_from_a_file_is_opaque(command: str, tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a[$(touch p)]\n")
    (tmp_path / "code").write_text("$(touch p)\n")
    assert run_bash(command, tmp_path), "the vector must really run code, or the test proves nothing"
    assert action(make_policy("plan"), command) == "deny"
    assert action(make_policy("auto"), command) == "ask"


@pytest.mark.parametrize(
    "command",
    [
        "export PS4",
        "export HOME=/tmp/x; git status",
        "HOME=/tmp/x; git status",
        "declare -n r=PATH",
        "declare 'a[1]=2'",
        "local a[1]=2",
        "export $name",
        "for PATH in /tmp; do ls; done",
        "set -x",
        "set -a",
        "set -ex",
        "echo '${HOME}'",
        "x=$(cat f); echo ${x:=y}",
        "env X='$(touch p)' ls",
    ],
)
def test_declarations_and_shell_state_that_run_code_later_ask(command: str) -> None:
    assert action(make_policy("plan"), command) == "deny", command
    assert action(make_policy("accept-edits"), command) == "ask", command


@pytest.mark.parametrize(
    "command",
    [
        "set -e",
        "set -euo pipefail",
        "set +o pipefail",
        "echo ${x:-default} ${#x} ${x%%.*} ${x:1:2} ${a[0]} ${a[@]}",
        '[ -n "$x" ] && [[ -v name ]] && test -v name',
        '[ "$x" -eq 1 ]',
        "[[ 3 -gt 2 ]]",
        'for f in *.py; do cat "$f"; done',
        "export lower=1; local y=2; readonly z",
        "printf '%s\\n' x",
        "grep -F '\\$(' f",
        "LANG=C LC_ALL=C TZ=UTC NO_COLOR=1 ls",
        "GIT_PAGER=cat git log",
        "git diff --no-ext-diff --no-textconv --text --output-indicator-new=+",
        "rg --pretty foo",
        "sort -t o f",
    ],
)
def test_harmless_forms_stay_read_only(command: str) -> None:
    assert action(make_policy("plan"), command) == "allow", command


@pytest.mark.parametrize(
    "command",
    [
        "rg --pre touch x",
        "rg --pre=touch x",
        "rg --pre-glob '*' x",
        "rg --hostname-bin=touch x",
        "sort --compress-program=touch f",
        "sort --compress-prog=touch f",
        "sort --co=touch f",
        "git -C /tmp status",
        "git --git-dir=/tmp/x status",
        "git --work-tree=/tmp status",
        "git --exec-path=/tmp status",
        "git -c core.fsmonitor=x status",
        "git diff --ext-diff",
        "git diff --ext",
        "git log --textconv",
        "git show --textc",
        "env -C /tmp git status",
        'rg "$pattern" src',
        "sort $opts f",
    ],
)
def test_read_only_commands_that_run_programs_are_not_read_only(command: str) -> None:
    assert action(make_policy("plan"), command) == "deny", command
    part = make_policy("accept-edits").assess_command(command).parts[-1]
    assert (part.action, part.part.executes != ()) == ("ask", True), command
    assert "may run other programs through" in part.reason
    assert action(make_policy("auto"), command) == "allow"  # inside the sandbox


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        ("sort --outp=f g", ("f",)),
        ("sort --ou f g", ("f",)),
        ("sort --o=f g", ("f",)),
        ("sort -ro f g", ("f",)),
        ("sort -rof g", ("f",)),
        ("tree -o f", ("f",)),
        ("tree --outfile f", ("f",)),
        ("tree --outf=f", ("f",)),
        ("git diff --output=d", ("d",)),
        ("git diff --outp=d", ("d",)),
        ("file -C -m x", ("(a magic .mgc file compiled by file -C)",)),
        ("file --comp -m x", ("(a magic .mgc file compiled by file -C)",)),
        ("file -bC", ("(a magic .mgc file compiled by file -C)",)),
    ],
)
def test_writes_through_abbreviated_and_bundled_options(command: str, writes: tuple[str, ...]) -> None:
    (part,) = analyse_command(command)
    assert part.writes == writes
    assert action(make_policy("plan"), command) == "deny"


def test_gnu_sort_really_takes_abbreviated_and_bundled_output_options(tmp_path: Path) -> None:
    (tmp_path / "in").write_text("b\na\n")
    for index, command in enumerate(["sort --outp=o0 in", "sort --ou o1 in", "sort -ro o2 in"]):
        subprocess.run(command.split(), cwd=tmp_path, check=True, timeout=10)
        assert (tmp_path / f"o{index}").exists(), command


@pytest.mark.parametrize(
    "command",
    [
        "HOME=x git status",
        "XDG_CONFIG_HOME=x git status",
        "GIT_DIR=x git status",
        "GIT_TRACE=/tmp/p git status",
        "RIPGREP_CONFIG_PATH=x rg foo",
        "GCONV_PATH=x ls",
        "LOCPATH=x ls",
        "TMPDIR=x sort f",
        "env HOME=x git status",
        "HOME=x bash -c 'git status'",
        "HOME=x find . -exec git status \\;",
    ],
)
def test_variables_that_are_not_display_only_leave_read_only_rules(command: str) -> None:
    assert action(make_policy("plan"), command) == "deny", command
    assessment = make_policy("accept-edits").assess_command(command)
    assert assessment.verdict.action == "ask", command
    # "always allow" would not help: a rule for the command does not cover the variable.
    assert assessment.verdict.suggested_rule is None
    assert action(make_policy("auto"), command) == "allow"


def test_your_own_allow_rules_still_allow_variables() -> None:
    npm = CommandRule(pattern="npm test", action="allow")
    policy = make_policy("accept-edits", npm)
    assert action(policy, "NODE_ENV=test npm test") == "allow"
    marked = make_policy("accept-edits", CommandRule(pattern="make lint", action="allow", read_only=True))
    assert action(marked, "CC=x make lint") == "ask"
    assert action(make_policy("plan", npm), "NODE_ENV=test npm test") == "deny"


# -- file tools and protected paths ----------------------------------------------------------


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    (tmp_path / ".git" / "hooks").mkdir(parents=True)
    (tmp_path / ".git" / "config").write_text("[core]\n")
    (tmp_path / ".vibe").mkdir()
    (tmp_path / ".vibe" / "config.toml").write_text("# rules\n")
    (tmp_path / "notes.txt").write_text("hello\n")
    return ToolContext(workspace=Workspace.create(tmp_path), fs=LocalFileSystem(), sandbox=NoSandbox())


@pytest.mark.parametrize("path", [".git/hooks/pre-commit", ".git/config", ".vibe/config.toml", "sub/.git/x"])
@pytest.mark.parametrize("mode", MODES)
async def test_writes_to_git_and_vibe_always_ask(ctx: ToolContext, path: str, mode: PermissionMode) -> None:
    always = make_policy(mode, tools={"write_file": "always"})
    for policy in (make_policy(mode), always, make_policy(mode, auto_approve=True)):
        found = await verdict(policy, ctx, "write_file", path=path, content="touch p\n")
        assert (found.action, found.source, found.protected) == ("ask", "sandbox", True), (path, mode)
        assert path in found.reason and ".git/ and .vibe/" in found.reason
    plan = await verdict(make_policy("plan", auto_approve=True), ctx, "write_file", path=path, content="x")
    assert plan.action == "deny"


async def test_edits_to_the_project_rules_ask_and_reading_them_does_not(ctx: ToolContext) -> None:
    policy = make_policy("auto")
    edit = await verdict(
        policy, ctx, "edit", path=".vibe/config.toml", old_string="# rules", new_string="[permissions]"
    )
    assert edit.action == "ask"
    assert (await verdict(policy, ctx, "read_file", path=".git/config")).action == "allow"
    assert (await verdict(policy, ctx, "write_file", path="notes.txt", content="x")).action == "allow"


async def test_a_symlink_into_git_is_resolved_before_the_check(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "innocent").symlink_to(tmp_path / ".git")
    (tmp_path / "hook").symlink_to(tmp_path / ".git" / "hooks" / "pre-commit")  # dangling
    policy = make_policy("accept-edits")
    for path in ("innocent/hooks/pre-commit", "hook"):
        found = await verdict(policy, ctx, "write_file", path=path, content="touch p\n")
        assert found.action == "ask", path
        assert ".git/hooks/pre-commit" in found.reason


@pytest.mark.parametrize("scope", ["session", "always"])
async def test_approving_a_protected_write_keeps_no_tool_rule(
    ctx: ToolContext, tmp_path: Path, scope: DecisionScope
) -> None:
    rules_file = tmp_path / "rules.toml"
    policy = make_policy("ask", rules_file=rules_file)
    tool, invocation = await prepare(ctx, "write_file", path=".git/hooks/pre-commit", content="x")
    found = policy.evaluate(tool, invocation)
    request = ApprovalRequest(
        call_id="c1",
        tool=tool.name,
        title=invocation.title,
        arguments={},
        reason=found.reason,
        protected=True,
    )
    assert policy.remember(request, Decision(approved=True, scope=scope)) is None
    assert not rules_file.exists()
    assert (await verdict(policy, ctx, "write_file", path="notes.txt", content="x")).action == "ask"
    assert (await verdict(policy, ctx, "write_file", path=".git/config", content="x")).action == "ask"
    # Rejecting it for the session does not switch the tool off either.
    assert policy.remember(request, Decision(approved=False, scope="session")) is None
    assert (await verdict(policy, ctx, "write_file", path="notes.txt", content="x")).action == "ask"


def shape(folder: Path, *names: str) -> None:
    """Give `folder` the entries that make (or almost make) it a git directory."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        if name in ("objects", "refs"):
            (folder / name).mkdir(exist_ok=True)
        else:
            (folder / name).write_text("ref: refs/heads/main\n" if name == "HEAD" else "../common\n")


@pytest.mark.parametrize(
    ("names", "path", "why"),
    [
        # Inside a bare repository (or any folder git would use as a git directory).
        (("HEAD", "objects", "refs"), "vendor/lib.git/config", "vendor/lib.git is a git directory"),
        (("HEAD", "commondir"), "vendor/lib.git/hooks/post-checkout", "vendor/lib.git is a git directory"),
        # Writes that would complete the shape.
        (("objects", "refs"), "vendor/lib.git/HEAD", "would make vendor/lib.git a git directory"),
        (("HEAD",), "vendor/lib.git/commondir", "would make vendor/lib.git a git directory"),
        (("HEAD", "objects"), "vendor/lib.git/refs/heads/main", "would make vendor/lib.git a git directory"),
    ],
)
async def test_git_directories_without_a_git_name_are_protected(
    ctx: ToolContext, tmp_path: Path, names: tuple[str, ...], path: str, why: str
) -> None:
    shape(tmp_path / "vendor" / "lib.git", *names)
    found = await verdict(make_policy("auto", auto_approve=True), ctx, "write_file", path=path, content="x")
    assert (found.action, found.protected) == ("ask", True), path
    assert why in found.reason


async def test_the_git_directory_a_gitdir_file_points_to_is_protected(
    ctx: ToolContext, tmp_path: Path
) -> None:
    # A submodule checked out with its git directory elsewhere in the workspace.
    shape(tmp_path / "store" / "sub", "HEAD", "objects", "refs")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".git").write_text("gitdir: ../store/sub\n")
    found = await verdict(make_policy("auto"), ctx, "write_file", path="store/sub/config", content="x")
    assert (found.action, found.protected) == ("ask", True)


async def test_a_file_named_head_elsewhere_is_an_ordinary_file(ctx: ToolContext, tmp_path: Path) -> None:
    shape(tmp_path / "docs", "refs")
    found = await verdict(make_policy("auto"), ctx, "write_file", path="docs/HEAD", content="x")
    assert (found.action, found.protected) == ("allow", False)
