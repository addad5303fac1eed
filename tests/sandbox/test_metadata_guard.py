"""Repository metadata at any depth, under every backend on this machine: what a command plants
is renamed aside when it ends (and the command's output says so); what exists is read-only
where the report claims it, writable (and said to be) where it does not."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.conftest import BACKENDS, build, run
from vibe.sandbox.base import Sandbox, SandboxPolicy
from vibe.sandbox.metadata_guard import MetadataGuard
from vibe.sandbox.quarantine import QUARANTINE_SUFFIX

Q = QUARANTINE_SUFFIX


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git("init", "-q", cwd=root)
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print()\n")
    (tmp_path / "outside").mkdir()
    return root


@pytest.fixture(params=["inotify", "timestamps"])
def watch(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def guard(repo: Path, watch: str) -> Iterator[MetadataGuard]:
    made = MetadataGuard((repo,), watch=watch)  # type: ignore[arg-type]
    yield made
    made.close()


@pytest.fixture(params=[*BACKENDS, "none"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def sandbox_for(backend: str, repo: Path, guard: MetadataGuard) -> Sandbox:
    policy = SandboxPolicy(writable_roots=(repo,), guard=guard)
    if backend == "none":
        from vibe.sandbox.base import NoSandbox

        return NoSandbox(policy=policy)
    return build(backend, policy)


def shell(command: str, cwd: Path) -> None:
    subprocess.run(command, shell=True, cwd=cwd, check=True)


def exists(path: Path) -> bool:
    """Exists as an entry, even a symlink to nowhere."""
    return path.is_symlink() or path.exists()


def usable_by_git(folder: Path, repo: Path) -> bool:
    """Whether plain git (no hardening, bare repositories allowed) run in `folder` finds a
    repository other than the workspace's own."""
    found = subprocess.run(
        ["git", "-c", "safe.bareRepository=all", "rev-parse", "--absolute-git-dir"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return found.returncode == 0 and found.stdout.strip() != str(repo / ".git")


PLANTS = {
    "nested repository": ("git init -q vendor/lib", "vendor/lib/.git"),
    "deep repository": ("mkdir -p a/b/c/d && git init -q a/b/c/d", "a/b/c/d/.git"),
    "gitdir file": ("mkdir -p sub && echo 'gitdir: /tmp' > sub/.git", "sub/.git"),
    "symlinked .git": ("mkdir -p sub && ln -s {outside} sub/.git", "sub/.git"),
    "renamed into place": ("mkdir -p x/y && git init -q x/y && mv x/y/.git x/.git", "x/.git"),
    "moved in from TMPDIR": ('git init -q "$TMPDIR/r" && mv "$TMPDIR/r" ./moved', "moved/.git"),
    "nested .vibe": (
        "mkdir -p pkg/.vibe && echo 'permission_mode = \"auto\"' > pkg/.vibe/config.toml",
        "pkg/.vibe",
    ),
    "upper-case .GIT": ("mkdir -p up/.GIT", "up/.GIT"),
}


@pytest.mark.parametrize("plant", list(PLANTS), ids=list(PLANTS))
async def test_planted_metadata_is_renamed_aside_when_the_command_ends(
    backend: str, repo: Path, guard: MetadataGuard, plant: str
) -> None:
    command, planted = PLANTS[plant]
    sandbox = sandbox_for(backend, repo, guard)
    outcome = await run(sandbox, command.format(outside=repo.parent / "outside"), repo)
    assert outcome.exit_code == 0, outcome.output
    path = repo / planted
    assert not exists(path), f"{planted} is still there"
    assert exists(path.with_name(path.name + Q))
    assert any(f"created {planted};" in note for note in outcome.notes), outcome.notes
    assert not usable_by_git(path.parent, repo)


async def test_a_planted_bare_repository_loses_its_head(
    backend: str, repo: Path, guard: MetadataGuard
) -> None:
    sandbox = sandbox_for(backend, repo, guard)
    outcome = await run(sandbox, "git init -q --bare store.git", repo)
    assert outcome.exit_code == 0, outcome.output
    assert not (repo / "store.git" / "HEAD").exists()
    assert (repo / "store.git" / f"HEAD{Q}").exists()
    assert any("made store.git a git directory" in note for note in outcome.notes)
    assert not usable_by_git(repo / "store.git", repo)


async def test_a_git_directory_completed_over_two_commands_is_caught(
    backend: str, repo: Path, guard: MetadataGuard
) -> None:
    sandbox = sandbox_for(backend, repo, guard)
    first = await run(sandbox, "mkdir -p d/objects d/refs", repo)
    assert first.notes == ()
    second = await run(sandbox, "echo 'ref: refs/heads/main' > d/HEAD", repo)
    assert not (repo / "d" / "HEAD").exists()
    assert second.notes


async def test_a_root_vibe_folder_cannot_be_created(backend: str, repo: Path, guard: MetadataGuard) -> None:
    sandbox = sandbox_for(backend, repo, guard)
    await run(sandbox, "mkdir .vibe && echo 'permission_mode = \"auto\"' > .vibe/config.toml", repo)
    assert not (repo / ".vibe").exists()  # refused (bubblewrap) or renamed aside (others)


async def test_an_unreadable_folder_does_not_hide_a_plant(
    backend: str, repo: Path, guard: MetadataGuard
) -> None:
    sandbox = sandbox_for(backend, repo, guard)
    outcome = await run(sandbox, "mkdir -p hid && git init -q hid && chmod 100 hid", repo)
    assert outcome.exit_code == 0, outcome.output
    assert (repo / "hid").stat().st_mode & 0o777 == 0o100  # left as the command made it
    (repo / "hid").chmod(0o700)
    assert not (repo / "hid" / ".git").exists()


EXISTING = {
    "nested repository": ("git init -q vendor/lib", "echo x >> vendor/lib/.git/config"),
    "bare repository": ("git init -q --bare store.git", "echo x >> store.git/config"),
    "nested .vibe": ("mkdir -p pkg/.vibe", "echo x > pkg/.vibe/config.toml"),
}


@pytest.mark.parametrize("existing", list(EXISTING), ids=list(EXISTING))
async def test_existing_metadata_at_depth_is_read_only_where_the_report_says_so(
    backend: str, repo: Path, guard: MetadataGuard, existing: str
) -> None:
    setup, write = EXISTING[existing]
    shell(setup, repo)
    sandbox = sandbox_for(backend, repo, guard)
    outcome = await run(sandbox, write, repo)
    claims = any("read-only at any depth" in line for line in sandbox.report.enforced)
    if claims:
        assert outcome.exit_code != 0
    else:
        admitted = ("at any depth", "no confinement")
        assert any(word in line for line in sandbox.report.not_enforced for word in admitted), sandbox.report
        assert outcome.exit_code == 0
    assert outcome.notes == ()  # it existed before: not the command's plant


async def test_the_git_directory_a_gitdir_file_points_to_is_read_only(
    repo: Path, guard: MetadataGuard
) -> None:
    (repo / "gitdirs").mkdir()
    git("init", "-q", "--separate-git-dir", str(repo / "gitdirs" / "lib"), "lib", cwd=repo)
    assert (repo / "lib" / ".git").is_file()
    sandbox = sandbox_for("bubblewrap", repo, guard)
    outcome = await run(sandbox, "echo x >> gitdirs/lib/config", repo)
    assert outcome.exit_code != 0
    assert "x" not in (repo / "gitdirs" / "lib" / "config").read_text().split()


async def test_what_the_user_makes_between_commands_is_theirs(
    backend: str, repo: Path, guard: MetadataGuard
) -> None:
    sandbox = sandbox_for(backend, repo, guard)
    await run(sandbox, "true", repo)
    git("init", "-q", "mine", cwd=repo)  # the user, in their own terminal
    outcome = await run(sandbox, "echo x >> mine/.git/config; true", repo)
    assert (repo / "mine" / ".git").is_dir()
    assert outcome.notes == ()


async def test_a_folder_holding_a_repository_may_be_renamed(
    backend: str, repo: Path, guard: MetadataGuard
) -> None:
    git("init", "-q", "vendor/lib", cwd=repo)
    sandbox = sandbox_for(backend, repo, guard)
    outcome = await run(sandbox, "mv vendor third_party", repo)
    assert outcome.exit_code == 0, outcome.output
    assert (repo / "third_party" / "lib" / ".git").is_dir()
    assert outcome.notes == ()


def test_changes_while_another_command_runs_are_that_commands(repo: Path, guard: MetadataGuard) -> None:
    guard.begin()  # a long command starts...
    git("init", "-q", "late", cwd=repo)  # ...and plants a repository
    guard.begin()  # a second command starts meanwhile: it must not take the plant for the user's
    notes = [*guard.end(), *guard.end()]
    assert not (repo / "late" / ".git").exists()
    assert len(notes) == 1


def test_a_guard_for_no_protected_names_does_nothing(repo: Path) -> None:
    idle = MetadataGuard((repo,), protected=())
    assert not idle.enabled
    idle.begin()
    git("init", "-q", "sub", cwd=repo)
    assert idle.end() == ()
    assert (repo / "sub" / ".git").is_dir()


def test_a_flood_of_changes_still_finds_the_plant(repo: Path, guard: MetadataGuard) -> None:
    guard.begin()
    flood = repo / "flood"
    flood.mkdir()
    for index in range(400):  # 400 folders of 50 entries: more events than the queue holds
        folder = flood / f"d{index}"
        folder.mkdir()
        for name in range(50):
            (folder / f"f{name}").touch()
    git("init", "-q", str(flood / "d399" / "deep"), cwd=repo)
    notes = guard.end()
    assert not (flood / "d399" / "deep" / ".git").exists()
    assert len(notes) == 1


def test_a_narrowed_protected_setting_applies_below_every_repository(repo: Path) -> None:
    git("init", "-q", "vendor/lib", cwd=repo)
    narrowed = MetadataGuard((repo,), protected=(".git/hooks", ".git/config"))
    narrowed.begin()
    narrowed.end()
    paths = set(narrowed.protected_paths())
    assert repo / "vendor" / "lib" / ".git" / "hooks" in paths
    assert repo / "vendor" / "lib" / ".git" / "config" in paths
    assert repo / "vendor" / "lib" / ".git" not in paths
    narrowed.close()
