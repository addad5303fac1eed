"""`vibe -p`: settings and flags in, a headless run out."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path

from vibe import startup_gc
from vibe.agent.approvals import HeadlessApprover
from vibe.attachments import AttachmentError, attach_all
from vibe.composition.custom_agents import agent_catalog
from vibe.composition.engine import build_agent, build_client, redactor, sandbox_policy
from vibe.composition.extensions_wiring import command_catalog, extensions_for
from vibe.composition.flags import settings_flags
from vibe.composition.local_servers import resolve_endpoint
from vibe.composition.logging_setup import setup_logging
from vibe.composition.mcp_sources import launch_mcp_sources
from vibe.composition.run_options import RunOptions
from vibe.composition.session_opening import chosen_session
from vibe.config.loader import LoadedConfig, ResolvedModel, load_config
from vibe.config.paths import sessions_dir, vibe_home
from vibe.config.settings import ConfigError
from vibe.headless.exit_codes import USAGE_ERROR
from vibe.headless.render import OutputFormat, make_renderer
from vibe.headless.run import run_headless
from vibe.messages import ImageAttachment
from vibe.protocol import events as ev
from vibe.sandbox.base import SandboxUnavailableError
from vibe.service.conversation import Conversation
from vibe.service.host import ServiceError
from vibe.session.store import SessionNotFoundError, SessionStore
from vibe.tools.workspace import Workspace
from vibe.unicode_text import for_terminal

__all__ = ["run_headless_command"]

# Nobody watches a headless run: a model that loops (the same failing call, over and over) must
# not run up thousands of requests. Long tasks set [limits] max_turns or --max-turns higher.
HEADLESS_MAX_TURNS = 200

HOW_TO_TRUST = (
    "Review them, then run `vibe trust` to trust this folder, or pass --trust to trust it for this run."
)


def run_headless_command(args: argparse.Namespace, prompt: str, env: dict[str, str], cwd: Path) -> int:
    flags = settings_flags(args)
    options = RunOptions(
        frontend="headless",
        cwd=cwd.resolve(),
        extra_roots=tuple(args.add_dir),
        auto_approve=args.auto_approve,
        continue_session=args.continue_session,
        resume=args.resume,
        agent=args.agent,
    )
    try:
        for extra in options.extra_roots:
            if not extra.is_dir():
                raise ConfigError(f"--add-dir {extra}: no such folder")
        config = load_config(options.cwd, env, flags, trust_for_run=args.trust)
        agent_model = None
        if args.model is None:  # --model wins; else the model the agent names, if it names one
            agent_model = _agent_model(config, env, args.agent or _continued_agent(options, env))
        if agent_model is not None:
            config = replace(config, settings=config.settings.model_copy(update={"model": agent_model}))
        config, resolved = resolve_endpoint(config, env, args.base_url, args.local, args.model or agent_model)
        # `@shot.png`, `@src/app.py`, `@docs/`: read before anything starts.
        found = attach_all(prompt, Workspace.create(options.cwd, options.extra_roots))
    except (ConfigError, AttachmentError) as exc:
        return _failed_to_start(str(exc), args.output)
    for item in found.attached:
        print(for_terminal(f"vibe: attached {item}"), file=sys.stderr)
    setup_logging(vibe_home(env), redactor(config.settings, env, resolved.api_key))
    notice = config.trust.notice(HOW_TO_TRUST)
    if notice:
        print(for_terminal(f"vibe: {notice}"), file=sys.stderr)
    code = asyncio.run(_headless(config, resolved, options, env, found.text, args.output, found.images))
    startup_gc.before_exit()
    return code


def _agent_model(config: LoadedConfig, env: Mapping[str, str], name: str | None) -> str | None:
    """The model the chosen custom agent names, used unless --model says otherwise."""
    if name is None:
        return None
    agent = agent_catalog(config, vibe_home(env)).get(name)
    return agent.model if agent is not None else None


def _continued_agent(options: RunOptions, env: Mapping[str, str]) -> str | None:
    """The custom agent a continued (`-c`) or resumed session last worked as: the model it
    names applies again, as its instructions and tools do."""
    store = SessionStore(sessions_dir(vibe_home(env)))
    try:
        info = chosen_session(store, options)
        return store.saved_agent(info) if info is not None else None
    except (SessionNotFoundError, OSError):  # also a newer format: said when the session opens
        return None


def _failed_to_start(message: str, output: OutputFormat) -> int:
    """A run that could not start (configuration, session, sandbox, VIBE_HOME): the reason on
    stderr and, for the JSON formats, a result too, so a consumer reading stdout is not left with
    nothing to parse."""
    print(for_terminal(f"vibe: {message}"), file=sys.stderr)  # it may quote a repository's config
    if output != "text":
        result = ev.Result.without_turns("", "error", "error", error=message, error_kind="config")
        result = result.model_copy(update={"seq": 1})
        make_renderer(output, sys.stdout, sys.stderr).event(result)
    return USAGE_ERROR


async def _headless(
    config: LoadedConfig,
    resolved: ResolvedModel,
    options: RunOptions,
    env: Mapping[str, str],
    prompt: str,
    output: OutputFormat,
    images: tuple[ImageAttachment, ...] = (),
) -> int:
    settings = config.settings
    if settings.limits.max_turns is None:
        limits = settings.limits.model_copy(update={"max_turns": HEADLESS_MAX_TURNS})
        config = replace(config, settings=settings.model_copy(update={"limits": limits}))
        settings = config.settings
    client = build_client(settings, resolved)
    window: asyncio.Task[int | None] | None = None
    if resolved.profile.context_window is None:
        window = asyncio.create_task(client.context_window(resolved.profile.id))
    try:
        # Built in a thread while the endpoint answers /models: the sandbox probe and the session
        # set-up overlap that round trip instead of following it.
        approver = HeadlessApprover(on_ask=settings.on_ask)
        # The first request waits for the MCP servers: they start before anything else.
        workspace = Workspace.create(options.cwd, options.extra_roots)
        asked = sandbox_policy(settings, workspace)
        mcp_sources = launch_mcp_sources(settings, workspace, vibe_home(env), asked)
        try:
            extensions = await asyncio.to_thread(extensions_for, config, env)
            agent = await asyncio.to_thread(
                partial(build_agent, extensions=extensions, mcp_sources=mcp_sources),
                config,
                resolved,
                options,
                env,
                client,
                approver,
                None,
            )
        except BaseException:
            for source in mcp_sources:  # the conversation that would have closed them is not there
                await source.aclose()
            raise
        finally:
            startup_gc.resume()
        if window is not None:
            agent.use_context_window(await window)
        await agent.start_tools()
        # No one can wait for a server later here: the first request waits for them (each
        # bounded by its startup_timeout), and one that failed is a notice, not the end.
        agent.facts.notices.extend(await agent.tools.wait_settled())
        conversation = Conversation.around(agent, command_catalog(extensions))
        # MCP prompts that lost their name to another command: said with the other notices.
        agent.facts.notices.extend(conversation.untold_command_warnings())
        try:
            return await run_headless(conversation, prompt, output, sys.stdout, sys.stderr, images)
        finally:
            await conversation.aclose()
    except (SessionNotFoundError, SandboxUnavailableError, ConfigError, ServiceError) as exc:
        # ServiceError: a skill run as `/name` whose SKILL.md cannot be read any more.
        return _failed_to_start(str(exc), output)
    except OSError as exc:  # e.g. VIBE_HOME not writable: the session cannot even be created
        where = f" {exc.filename}" if exc.filename else ""
        return _failed_to_start(f"cannot write{where}: {exc.strerror or exc}; check VIBE_HOME", output)
    finally:
        if window is not None and not window.done():
            window.cancel()
        await client.aclose()
