"""The one slash-command table: every frontend's commands come from it and each maps to a real
operation or is marked as the frontend's own."""

from __future__ import annotations

from typing import get_args

from vibe.acp.options import available_commands, mode_state
from vibe.config.settings import PermissionMode
from vibe.protocol import operations
from vibe.protocol.commands import COMMANDS, PERMISSION_MODES, commands_for, find_command, mode_named
from vibe.tui import commands as tui_commands
from vibe.tui.completion import SLASH_COMMANDS


def test_each_command_names_an_operation_that_exists_or_none() -> None:
    members = get_args(get_args(operations.Operation)[0])
    kinds = {get_args(member.model_fields["type"].annotation)[0] for member in members}
    for command in COMMANDS:
        assert command.operation is None or command.operation in kinds, command.name
    assert len({command.name for command in COMMANDS}) == len(COMMANDS)


def test_the_tui_handles_exactly_the_commands_the_table_offers_it() -> None:
    offered = {command.name for command in commands_for("tui")}
    assert set(tui_commands._HANDLERS) == offered  # pyright: ignore[reportPrivateUsage]
    assert list(SLASH_COMMANDS) == [f"/{command.name}" for command in commands_for("tui")]


def test_the_editor_is_offered_the_tables_commands_with_their_help_and_hints() -> None:
    offered = available_commands()
    assert [command.name for command in offered] == [
        "model",
        "compact",
        "mode",
        "undo",
        "redo",
        "rewind",
        "trust",
        "mcp",
    ]
    compact = next(command for command in offered if command.name == "compact")
    assert compact.description == "Summarise the conversation to free context (optionally: what to keep)"
    assert compact.input is not None and compact.input.root.hint == "what the summary should keep"


def test_one_mode_list_serves_the_policy_the_tui_and_the_editor() -> None:
    assert tuple(mode.id for mode in PERMISSION_MODES) == get_args(PermissionMode)
    assert get_args(PermissionMode) == tui_commands.MODES
    assert [mode.id for mode in mode_state("ask").available_modes] == list(get_args(PermissionMode))
    assert mode_named("auto") == "auto" and mode_named("yolo") is None


def test_commands_are_found_by_name_with_or_without_slash_in_their_frontends_only() -> None:
    assert find_command("/Mode", "tui") is find_command("mode", "editor")
    assert find_command("/trust", "tui") is None and find_command("/trust", "editor") is not None
    assert find_command("/exit", "editor") is None


def test_mcp_lists_without_an_argument_and_restarts_a_named_server() -> None:
    import pytest

    from vibe.service.commands import operation_for
    from vibe.service.host import ServiceError

    mcp = find_command("/mcp", "editor")
    assert mcp is not None and find_command("/mcp", "tui") is mcp
    assert operation_for(mcp, "") is None
    assert operation_for(mcp, "restart git") == operations.RestartMcpServer(name="git")
    for wrong in ("restart", "stop git"):
        with pytest.raises(ServiceError, match="/mcp takes restart NAME"):
            operation_for(mcp, wrong)
