"""Privilege escalation asks in every mode, with --auto-approve and `bash = "always"`, however
the command line hides it: wrappers, paths, quoting, names known only at run time, scripts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from vibe.config.permissions import CommandRule, PermissionsSettings
from vibe.config.settings import PermissionMode
from vibe.policy.engine import PermissionPolicy

HIDDEN_ESCALATIONS = [
    "sudo ls", "/usr/bin/sudo ls", 's"u"do ls', "s''udo ls", "\\sudo ls", "su\\\ndo ls",
    "$(which sudo) ls", "`which sudo` ls", '"$(command -v sudo)" ls', "$SUDO ls", "${S:-sudo} ls",
    "$'sudo' ls", "$'\\x73udo' ls", '$"sudo" ls', "/usr/bin/su* -c id", "/usr/bin/sud? ls",
    "{sudo,ls}", "env sudo ls", "env -i A=1 sudo ls", "env -- sudo ls", "nice -n 5 sudo ls",
    "nice -5 sudo ls", "timeout 5 sudo ls", "timeout -s KILL 5 sudo ls", "command sudo ls",
    "exec sudo ls", "exec -a x sudo ls", "nohup sudo ls", "setsid sudo ls", "stdbuf -oL sudo ls",
    "time sudo ls", "coproc sudo ls", "ls | xargs sudo rm", "ls | xargs -I{} sudo rm {}",
    "find . -exec sudo rm {} \\;", "find . -execdir /usr/bin/sudo rm {} +", "bash -c 'sudo ls'",
    "sh -c \"env sudo ls\"", "bash -c \"$(echo sudo) ls\"", "bash -c \"$CMD\"", "echo sudo ls | sh",
    "eval sudo ls", "eval \"$x\"", "trap 'sudo ls' EXIT", "su -c ls", "su root", "sudoedit /etc/hosts",
    "pkexec ls", "run0 ls", "doas ls", "please ls", "sg root -c ls", "runuser -u root ls",
    "systemd-run ls", "machinectl shell", "busybox su", "toybox sudo ls", "watch 'sudo ls'",
    "watch -x sudo ls", "flock /tmp/l -c 'sudo ls'", "flock /tmp/l sudo ls", "strace -f sudo ls",
    "ionice -c3 sudo ls", "env --unse ls sudo rm", "xargs --max-ch ls sudo rm", "nice -n $n ls",
    "timeout $t ls", "env $opts ls", "alias s=sudo", "hash -p /usr/bin/sudo ls; ls",
    "BASH_CMDS[ls]=/usr/bin/sudo; ls", "declare -A BASH_CMDS=([ls]=/usr/bin/sudo)",
    "shopt -s expand_aliases", "enable -f ./x.so ls", "sudo -s", "sudo -i", "sudo -u root -e /etc/x",
    "ls && (cd / && sudo ls)", "f() { sudo ls; }; f", "x=$(sudo cat /etc/shadow)",
    "echo $(sudo id)", "cat <(sudo id)",
    "nice nice nice nice nice nice nice nice nice nice nice nice nice nice nice nice nice sudo ls",
]  # fmt: skip


def policy(mode: PermissionMode, **options: bool) -> PermissionPolicy:
    bash_always = PermissionsSettings(
        tools={"bash": "always"}, commands=[CommandRule(pattern="*", action="allow")]
    )
    return PermissionPolicy(
        mode,
        bash_always,
        sandbox_confined=options.get("confined", True),
        auto_approve=options.get("auto_approve", False),
    )


@pytest.mark.parametrize("command", HIDDEN_ESCALATIONS)
def test_hidden_escalation_always_asks(command: str) -> None:
    for mode in ("ask", "accept-edits", "auto"):
        for confined in (True, False):
            judged = policy(mode, confined=confined, auto_approve=True).assess_command(command)
            assert judged.verdict.action == "ask", (command, mode, confined, judged.verdict.reason)
            assert judged.verdict.suggested_rule is None
    assert policy("plan", auto_approve=True).assess_command(command).verdict.action == "deny"


def test_the_sudo_forms_really_run_sudo(tmp_path: Path) -> None:
    # A stand-in `sudo` first on PATH records that it ran: the hiding forms above are real.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sudo").write_text(f"#!/bin/sh\ntouch {tmp_path}/ran\n")
    (bin_dir / "sudo").chmod(0o755)
    forms = ['s"u"do ls', "su\\\ndo ls", "$(command -v sudo) ls", "$'\\x73udo' ls", "{sudo,ls}",
             f"{bin_dir}/su* ls", "nice -5 sudo ls", "env -- sudo ls", f"BASH_CMDS[ls]={bin_dir}/sudo; ls",
             "flock /tmp/vibe-test-lock -c 'sudo ls'", f"hash -p {bin_dir}/sudo ls; ls"]  # fmt: skip
    for form in forms:
        (tmp_path / "ran").unlink(missing_ok=True)
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
        subprocess.run(["bash", "--norc", "-c", form], cwd=tmp_path, env=env, capture_output=True, timeout=10)
        assert (tmp_path / "ran").exists(), form
        judged = policy("auto", confined=False, auto_approve=True).assess_command(form)
        assert judged.verdict.action == "ask", form


@pytest.mark.parametrize(
    "command",
    ["echo sudo", "which sudo", "command -v sudo", "type sudo", "grep -r sudo .", "git log --grep=sudo",
     "npm test", "ls | xargs wc -l", "find . -exec grep -l x {} +", "timeout 5 make", "env A=1 make"],
)  # fmt: skip
def test_naming_sudo_as_data_or_running_other_programs_does_not_count(command: str) -> None:
    assert policy("auto", confined=False, auto_approve=True).assess_command(command).verdict.action == "allow"
