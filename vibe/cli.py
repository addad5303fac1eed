"""`vibe` command line. Parses arguments and hands over to the composition root.

Imports stay lazy so `vibe --version` and `vibe --help` cost only argparse.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from vibe import __version__, startup_gc

__all__ = ["main"]

_STDIN = "\0stdin"  # `-p` given without text: the prompt comes from stdin


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vibe",
        description="A sovereign coding agent for Mistral-compatible endpoints.",
        epilog="Exit codes: 0 done, 1 runtime failure, 2 usage or configuration error, "
        "3 a limit reached, 4 approval needed (--on-ask fail), 130 interrupted. "
        "Other commands: vibe acp (editor mode), vibe sandbox, vibe policy check, vibe trust, "
        "vibe sessions, vibe models, vibe mcp, vibe skills, vibe agents, vibe undo, vibe redo, "
        "vibe checkpoints.",
    )
    parser.add_argument("--version", action="version", version=f"vibe {__version__}")
    run = parser.add_argument_group("headless run")
    run.add_argument(
        "-p",
        "--prompt",
        nargs="?",
        const=_STDIN,
        metavar="PROMPT",
        help="run one prompt without the TUI and exit; without text, the prompt is read from stdin",
    )
    run.add_argument("--prompt-file", type=Path, metavar="PATH", help="read the prompt from a file")
    run.add_argument(
        "--output",
        "--output-format",
        dest="output",
        default="text",
        choices=["text", "json", "stream-json", "streaming"],
        help="text: answer on stdout, progress on stderr; json: one result object; "
        "stream-json (alias streaming): one event per line, the last is the result",
    )
    run.add_argument(
        "-c",
        "--continue",
        dest="continue_session",
        action="store_true",
        help="continue the latest session of this directory",
    )
    run.add_argument("--resume", metavar="ID", help="resume the session with this id")
    run.add_argument(
        "--agent",
        metavar="NAME",
        help="work as this custom agent (built in: plan, review; more in ~/.vibe/agents/)",
    )
    model = parser.add_argument_group("model and endpoint")
    model.add_argument("--model", help="model alias from config, or a model id (env VIBE_MODEL)")
    model.add_argument(
        "--base-url", help="chat-completions base URL, e.g. http://127.0.0.1:8080/v1 (env VIBE_BASE_URL)"
    )
    model.add_argument(
        "--local",
        nargs="?",
        const="auto",
        metavar="URL",
        help="use the local server that answers on 127.0.0.1 (Ollama, llama.cpp, vLLM, LM Studio), "
        "or the one at URL; no key is sent to it",
    )
    limits = parser.add_argument_group("limits (the run stops with exit code 3)")
    limits.add_argument("--max-turns", type=_positive_int, metavar="N", help="at most N model requests")
    limits.add_argument("--max-tokens", type=_positive_int, metavar="N", help="at most N tokens in all")
    limits.add_argument(
        "--max-cost",
        "--max-price",
        dest="max_cost",
        type=_positive_float,
        metavar="USD",
        help="at most this cost in USD, from the model's prices",
    )
    limits.add_argument("--time-limit", type=_positive_float, metavar="SECONDS", help="wall-clock limit")
    access = parser.add_argument_group("permissions and sandbox")
    access.add_argument(
        "--permission-mode",
        "--mode",
        dest="permission_mode",
        choices=["plan", "ask", "accept-edits", "auto"],
        help="plan: read-only; ask: every change and command asks; accept-edits (default): edits apply, "
        "commands ask unless a rule allows them; auto: everything runs inside the sandbox",
    )
    access.add_argument(
        "--on-ask",
        choices=["deny", "fail"],
        help="headless: a call that needs approval is denied and the model told (default), "
        "or ends the run with exit code 4",
    )
    access.add_argument(
        "--sandbox",
        choices=["require", "prefer", "off"],
        help="require: never run a command unconfined; prefer (default): fall back with a warning, "
        "and then every command asks; off: run commands unconfined",
    )
    access.add_argument(
        "--sandbox-mode",
        choices=["read-only", "workspace-write", "full-access"],
        help="what confined commands may write (default workspace-write: the workspace and a temp dir)",
    )
    access.add_argument(
        "--allow-network", action="store_true", help="let confined commands use the network (off by default)"
    )
    access.add_argument(
        "--auto-approve",
        "--yolo",
        dest="auto_approve",
        action="store_true",
        help="approve every tool call (headless otherwise denies calls that need approval)",
    )
    access.add_argument(
        "--trust",
        action="store_true",
        help="headless: apply this repository's .vibe/ settings that loosen vibe (sandbox, allow rules, "
        "providers) for this run, as if you had trusted the folder (see `vibe trust`)",
    )
    access.add_argument(
        "--no-hooks", action="store_true", help="run no [[hooks]] this run (yours or the repository's)"
    )
    access.add_argument(
        "--no-mcp", action="store_true", help="start no MCP servers this run (yours or the repository's)"
    )
    access.add_argument(
        "--add-dir",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="another folder the agent may use (repeatable)",
    )
    parser.add_argument("initial_prompt", nargs="?", help=argparse.SUPPRESS)
    return parser


def read_prompt(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    """The prompt from -p TEXT, --prompt-file and/or piped stdin; exits 2 when there is none."""
    text = args.prompt if args.prompt not in (None, _STDIN) else args.initial_prompt
    try:
        from vibe.headless.prompt_input import PromptError, gather_prompt

        try:
            return gather_prompt(text, args.prompt_file, sys.stdin, sys.stderr)
        except PromptError as exc:
            parser.exit(2, f"vibe: {exc}\n")
    except KeyboardInterrupt:  # SIGINT or SIGTERM while reading (see early_signals)
        parser.exit(130, "vibe: interrupted while reading the prompt\n")


def acp_main(argv: Sequence[str] | None = None) -> int:
    """`vibe acp` / `vibe-acp`: editor mode over stdio. Takes no arguments besides --help."""
    startup_gc.pause()  # `vibe-acp` starts here, not in main()
    parser = argparse.ArgumentParser(
        prog="vibe acp",
        description="Serve the Agent Client Protocol on stdin/stdout for an editor (Zed, JetBrains, Neovim).",
    )
    parser.parse_args(argv)
    from vibe.composition.acp_cmd import main as serve_acp

    return serve_acp(dict(os.environ), Path.cwd())


def sandbox_main(argv: Sequence[str]) -> int:
    from vibe.composition.sandbox_cmd import main as sandbox

    return sandbox(list(argv), dict(os.environ), Path.cwd())


def policy_main(argv: Sequence[str]) -> int:
    from vibe.composition.policy_cmd import main as policy

    return policy(list(argv), dict(os.environ), Path.cwd())


def trust_main(argv: Sequence[str]) -> int:
    from vibe.composition.trust_cmd import main as trust

    return trust(list(argv), dict(os.environ), Path.cwd())


def sessions_main(argv: Sequence[str]) -> int:
    from vibe.composition.sessions_cmd import main as sessions

    return sessions(list(argv), dict(os.environ), Path.cwd())


def mcp_main(argv: Sequence[str]) -> int:
    from vibe.composition.mcp_cmd import main as mcp

    return mcp(list(argv), dict(os.environ), Path.cwd())


def models_main(argv: Sequence[str]) -> int:
    from vibe.composition.models_cmd import main as models

    return models(list(argv), dict(os.environ), Path.cwd())


def checkpoints_main(argv: Sequence[str]) -> int:
    from vibe.composition.checkpoints_cmd import main as checkpoints

    return checkpoints(list(argv), dict(os.environ), Path.cwd())


def skills_main(argv: Sequence[str]) -> int:
    from vibe.composition.skills_cmd import main as skills

    return skills(list(argv), dict(os.environ), Path.cwd())


def agents_main(argv: Sequence[str]) -> int:
    from vibe.composition.agents_cmd import main as agents

    return agents(list(argv), dict(os.environ), Path.cwd())


def undo_main(argv: Sequence[str]) -> int:
    from vibe.composition.checkpoints_cmd import undo_main as undo

    return undo(list(argv), dict(os.environ), Path.cwd())


def redo_main(argv: Sequence[str]) -> int:
    from vibe.composition.checkpoints_cmd import redo_main as redo

    return redo(list(argv), dict(os.environ), Path.cwd())


_SUBCOMMANDS = {
    "acp": acp_main,
    "sandbox": sandbox_main,
    "policy": policy_main,
    "trust": trust_main,
    "sessions": sessions_main,
    "models": models_main,
    "mcp": mcp_main,
    "checkpoints": checkpoints_main,
    "skills": skills_main,
    "agents": agents_main,
    "undo": undo_main,
    "redo": redo_main,
}


# What a process killed by SIGPIPE reports: `vibe sandbox --status | head` ends like `cat | head`.
EXIT_BROKEN_PIPE = 128 + 13


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; a reader that goes away (`| head`) ends it quietly, never a traceback."""
    try:
        return _main(argv)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _main(argv: Sequence[str] | None) -> int:
    startup_gc.pause()  # resumed by the frontend once its engine has loaded
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in _SUBCOMMANDS:
        return _SUBCOMMANDS[arguments[0]](arguments[1:])
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.output == "streaming":
        args.output = "stream-json"
    if args.continue_session and args.resume:
        parser.exit(2, "vibe: use either --continue or --resume, not both\n")
    stdin_is_terminal = sys.stdin is not None and sys.stdin.isatty()
    headless = args.prompt is not None or args.prompt_file is not None or not stdin_is_terminal
    if not headless:
        from vibe.composition.tui_cmd import main as run_tui

        return run_tui(args, dict(os.environ), Path.cwd(), args.initial_prompt)
    if not args.no_mcp:
        from vibe.composition.mcp_prestart import prestart_mcp_client

        prestart_mcp_client(Path.cwd(), os.environ)
    from vibe.headless import early_signals

    early_signals.interrupt()  # reading the prompt: a signal exits 130 at once, no traceback
    prompt = read_prompt(args, parser)
    early_signals.record()  # from here on, a signal ends the run with a result
    from vibe.composition.headless_cmd import run_headless_command

    return run_headless_command(args, prompt, dict(os.environ), Path.cwd())


if __name__ == "__main__":
    raise SystemExit(main())
