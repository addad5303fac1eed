"""The rule an "always allow" answer stores: the command generalised to a useful prefix.

`npm test -- --watch` → "npm test", `git commit -m "x"` → "git commit", `pytest tests/x.py -k y`
→ "pytest", `npm run build` → "npm run build", `python -m pytest -q` → "python -m pytest".
Destructive commands are not generalised: `rm -rf build` → "rm -rf build $" allows exactly that.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from vibe.config.permissions import END_ANCHOR
from vibe.policy.simple_command import SimpleCommand

# Tools whose first argument names what they do (`git commit`, `cargo test`).
_SUBCOMMAND_TOOLS = frozenset(
    {
        "git", "npm", "pnpm", "yarn", "bun", "deno", "cargo", "go", "docker", "podman", "kubectl",
        "helm", "make", "pip", "pip3", "uv", "poetry", "pdm", "hatch", "pipenv", "conda", "gh",
        "dotnet", "mvn", "gradle", "./gradlew", "./mvnw", "terraform", "brew", "apt", "apt-get",
        "systemctl", "rustup", "nix", "just", "tox", "nox", "npx", "pnpx", "bunx", "swift", "mix",
        "bundle", "rake", "composer", "flutter", "dart", "zig", "cmake", "ctest", "meson", "ninja",
    }
)  # fmt: skip
# Sub-commands that run a named script or tool: keep that name too (`npm run build`, `uv run pytest`).
_RUNNERS = frozenset({"run", "exec", "x", "dlx", "tool"})
# Interpreters: the script or module is what was approved, not the interpreter.
_INTERPRETERS = re.compile(r"(python[0-9.]*|node|ruby|perl|php|bash|sh|zsh|deno|bun)")
# Commands whose approval must not spread to other arguments.
_DESTRUCTIVE = frozenset(
    {
        "rm", "rmdir", "mv", "dd", "shred", "truncate", "chmod", "chown", "chgrp", "kill", "pkill",
        "killall", "mkfs", "reboot", "shutdown", "git push", "git reset", "git clean", "git checkout",
        "git restore", "git rebase", "git branch", "git tag", "git stash", "git rm",
    }
)  # fmt: skip


def _escape(word: str) -> str:
    """A literal word as a pattern word: glob characters only match themselves, quoted if needed."""
    return shlex.quote("".join(f"[{c}]" if c in "*?[" else c for c in word))


def suggest_pattern(part: SimpleCommand) -> str | None:
    """The generalised prefix for `part`, or None when no rule could safely cover it."""
    words = part.words
    if part.opaque or part.elevated or not words or words[0] is None:
        return None
    name = words[0]
    base = posixpath.basename(name)
    kept: list[str] = [name]
    rest = words[1:]
    first = rest[0] if rest else None
    if name in _SUBCOMMAND_TOOLS or base in _SUBCOMMAND_TOOLS:
        if rest and first is None:
            return None  # `git $X`: "git" alone would allow every sub-command
        if first is not None and not first.startswith("-"):
            kept.append(first)
            second = rest[1] if len(rest) > 1 else None
            if first in _RUNNERS and second is not None and not second.startswith("-"):
                kept.append(second)
    elif _INTERPRETERS.fullmatch(base):
        module = rest[1] if len(rest) > 1 else None
        if first == "-m" and module is not None:
            kept += ["-m", module]
        elif first is not None and not first.startswith("-"):
            kept.append(first)
        else:
            return None  # `python -c CODE`: any generalisation would allow arbitrary code
    if base in _DESTRUCTIVE or " ".join([base, *kept[1:2]]) in _DESTRUCTIVE:
        return exact_pattern(part)
    return " ".join(_escape(word) for word in kept)


def exact_pattern(part: SimpleCommand) -> str | None:
    """A rule for exactly this command (`rm -rf build $`), or None when its words are not all known."""
    words = part.words
    if part.opaque or part.elevated or not words or part.open_tail or any(w is None for w in words):
        return None
    return " ".join([*(_escape(w) for w in words if w is not None), END_ANCHOR])
