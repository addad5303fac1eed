"""`vibe undo`, `vibe redo` and `vibe checkpoints list | diff ID | restore ID | prune`: the
workspace's checkpoints from the command line, for headless runs and CI.

A restore shows what it will change and asks; without a terminal to ask on it needs `--yes`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from vibe.checkpoints.restore import RestoreResult, apply_restore, plan_restore
from vibe.checkpoints.shadow import CheckpointError
from vibe.checkpoints.store import Checkpoint, CheckpointStore
from vibe.checkpoints.undo import UndoStep, plan_redo, plan_undo, redo, undo
from vibe.composition.checkpoints_wiring import checkpoint_store
from vibe.composition.restore_log import log_restore
from vibe.config.loader import load_config
from vibe.config.paths import vibe_home
from vibe.config.settings import ConfigError, Settings
from vibe.service.root_steps import RootStep, combined_changes, combined_result, extra_steps
from vibe.unicode_text import for_terminal, json_for_terminal

__all__ = ["main", "redo_main", "undo_main"]

USAGE_ERROR = 2
FAILED = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vibe checkpoints", description="This folder's checkpoints.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="list|diff|restore|prune")
    listing = actions.add_parser("list", help="checkpoints of this folder, oldest first")
    listing.add_argument("--session", metavar="ID", help="only this session's")
    listing.add_argument("--output", choices=["text", "json"], default="text")
    diff = actions.add_parser("diff", help="what restoring a checkpoint would change (a patch)")
    diff.add_argument("checkpoint_id", metavar="ID")
    restore = actions.add_parser("restore", help="put the files back as a checkpoint has them")
    restore.add_argument("checkpoint_id", metavar="ID")
    _confirm_flags(restore)
    actions.add_parser("prune", help="drop checkpoints past [checkpoints] keep_days / max_total_size")
    return parser


def _step_parser(name: str, what: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"vibe {name}", description=what)
    if name == "undo":
        parser.add_argument("--session", metavar="ID", help="undo this session's latest prompt")
    _confirm_flags(parser)
    return parser


def _confirm_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask (needed without a terminal)")
    parser.add_argument(
        "--force", action="store_true", help="also put back files changed since that prompt (they are kept)"
    )


def _store(env: Mapping[str, str], cwd: Path) -> tuple[CheckpointStore, Settings]:
    settings = load_config(cwd, env, {}).settings
    return checkpoint_store(settings.checkpoints, vibe_home(env), cwd), settings


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = build_parser().parse_args(argv)
    try:
        store, settings = _store(env, cwd)
        if args.action == "list":
            return _list(store, args.session, args.output)
        if args.action == "prune":
            removed = store.prune()
            print(f"Removed {len(removed)} checkpoint(s); {store.shadow.disk_usage() // 1024} KiB in use.")
            return 0
        target = store.find(args.checkpoint_id)
        if args.action == "diff":
            with store.shadow.locked():
                current = store.snapshot().tree
            sys.stdout.write(for_terminal(store.patch(current, target.tree)))
            return 0
        baseline = store.end_tree(target)
        plan = plan_restore(store, target, baseline, args.force)
        only = [RootStep(None, store, UndoStep(target, baseline, plan))]
        if (refused := _ask(only, args.yes, f"Restore checkpoint {target.id}")) is not None:
            return refused
        label = f"before restoring {target.id}"
        result = apply_restore(store, target, baseline, force=args.force, label=label)
        _report(result)
        log_restore(settings, env, "restore", target.id, target.session_id, result)
        return 0
    except (CheckpointError, ConfigError) as exc:
        print(for_terminal(f"vibe checkpoints: {exc}"), file=sys.stderr)
        return FAILED


def undo_main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = _step_parser("undo", "Take back the latest prompt's changes to this folder's files.").parse_args(
        argv
    )
    try:
        store, settings = _store(env, cwd)
        step = plan_undo(store, args.session, force=args.force)
        steps = _with_roots(store, settings, env, "undo", step, step.target, args.force)
        if (refused := _ask(steps, args.yes, f"Undo the changes of prompt {step.target.id}")) is not None:
            return refused
        result = _apply(steps, lambda s, each: undo(s, each, force=args.force))
        _report(result)
        log_restore(settings, env, "undo", step.target.id, step.target.session_id, result)
        return 0
    except (CheckpointError, ConfigError) as exc:
        print(for_terminal(f"vibe undo: {exc}"), file=sys.stderr)
        return FAILED


def redo_main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = _step_parser("redo", "Put back what the last undo took away.").parse_args(argv)
    try:
        store, settings = _store(env, cwd)
        step = plan_redo(store, force=args.force)
        steps = _with_roots(store, settings, env, "redo", step, step.undone, args.force)
        if (refused := _ask(steps, args.yes, "Redo")) is not None:
            return refused
        result = _apply(steps, lambda s, each: redo(s, each, force=args.force))
        _report(result)
        session = step.undone.session_id if step.undone is not None else ""
        log_restore(settings, env, "redo", step.target.id, session, result)
        return 0
    except (CheckpointError, ConfigError) as exc:
        print(for_terminal(f"vibe redo: {exc}"), file=sys.stderr)
        return FAILED


def _with_roots(
    store: CheckpointStore,
    settings: Settings,
    env: Mapping[str, str],
    kind: str,
    step: UndoStep,
    prompt: Checkpoint | None,
    force: bool,
) -> list[RootStep]:
    """`step`, and the same step in each `--add-dir` root the prompt's checkpoint was taken with."""
    listed: list[str] = prompt.extra.get("roots", []) if prompt is not None else []
    roots = [Path(root) for root in listed]
    home = vibe_home(env)
    extras = [(root, checkpoint_store(settings.checkpoints, home, root)) for root in roots if root.is_dir()]
    return [RootStep(None, store, step), *extra_steps(extras, kind, step, [], force)]


def _apply(
    steps: list[RootStep], apply: Callable[[CheckpointStore, UndoStep], RestoreResult]
) -> RestoreResult:
    """Each root's step; the main folder's result, with every root's files (full paths beyond it)."""
    main, restored, kept, failed = combined_result(steps, apply)
    return RestoreResult(main.restore_point, tuple(restored), tuple(kept), tuple(failed))


def _ask(steps: list[RootStep], yes: bool, what: str) -> int | None:
    """Shows the plan; None when it may go ahead (--yes, or the user said so), else the exit
    code: 2 when there is no terminal to ask on, 1 when the user said no."""
    changes, kept = combined_changes(steps)
    lines = [f"{what}:"]
    lines += [f"  {change.action:<7} {change.path}" for change in changes] or ["  (no file changes)"]
    if kept:
        lines.append("Changed since, kept as they are (--force to put them back too):")
        lines += [f"  {path}" for path in kept]
    print(for_terminal("\n".join(lines)))
    if yes:
        return None
    if not (sys.stdin is not None and sys.stdin.isatty()):
        print("vibe: there is no terminal to ask on; pass --yes to go ahead", file=sys.stderr)
        return USAGE_ERROR
    try:
        answer = input("Go ahead? [y/N] ")
    except EOFError:
        answer = ""
    return None if answer.strip().lower() in ("y", "yes") else FAILED


def _report(result: RestoreResult) -> None:
    lines = [f"Restored {len(result.restored)} file(s)."]
    if result.kept:
        lines.append("Kept (changed since, or ignored): " + ", ".join(result.kept))
    if result.failed:
        lines.append("Not restored (a symlink in the way, or inside .git): " + ", ".join(result.failed))
    lines.append(f"To take this back: vibe checkpoints restore {result.restore_point.id}")
    print(for_terminal("\n".join(lines)))


def _list(store: CheckpointStore, session: str | None, output: str) -> int:
    checkpoints = [c for c in store.all() if session is None or c.session_id == session]
    if output == "json":
        rows = [c.as_json() for c in checkpoints]
        print(json_for_terminal(json.dumps(rows, ensure_ascii=False, indent=2)))
        return 0
    if not checkpoints:
        print("No checkpoints in this folder.")
        return 0
    for c in checkpoints:
        when = datetime.fromtimestamp(c.created, UTC).isoformat(timespec="seconds")
        about = f"prompt {c.prompt} of {c.session_id} ({c.turn})" if c.kind == "prompt" else c.label
        print(for_terminal(f"{c.id}  {when}  {c.kind:<7}  {c.files_changed:>5} changed  {about}"))
    return 0
