"""The TUI with nothing configured: the models of the local servers that answer on loopback are
offered, and only the one the user picks is ever sent anything (and never a key)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import OptionList

from tools.fake_mistral import FakeMistral, reply
from tui.harness import SIZE, TuiEnv, answers, notices, send, wait_for, wait_idle
from vibe.cli import build_parser
from vibe.composition.tui_backend import build_backend
from vibe.tui.app import VibeApp
from vibe.tui.local_picker import LocalModelScreen

USERS_KEY = "sk-users-real-mistral-key-0123456789"


@pytest.fixture
def other_server() -> Iterator[FakeMistral]:
    with FakeMistral(model="qwen2.5-coder") as server:
        yield server


def unconfigured_app(env: TuiEnv, servers: list[FakeMistral], *argv: str, key: bool = False) -> VibeApp:
    """No base URL, no model; the local ports asked are the servers' (and one where nothing listens)."""
    ports = [*(server.port for server in servers), 9]
    config = env.home / "config.toml"
    config.write_text(config.read_text() + f"\n[local]\nports = {ports}\n")
    variables = {"VIBE_HOME": str(env.home), **({"MISTRAL_API_KEY": USERS_KEY} if key else {})}
    args = build_parser().parse_args(list(argv))
    return VibeApp(lambda: build_backend(args, variables, env.repo), env.repo.resolve())


def offered(app: VibeApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, LocalModelScreen)
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def sent_anything(*servers: FakeMistral) -> bool:
    return any(server.requests for server in servers)


async def test_the_user_picks_a_local_model_and_only_that_server_hears_from_vibe(
    tui_env: TuiEnv, other_server: FakeMistral
) -> None:
    first = tui_env.fake
    app = unconfigured_app(tui_env, [first, other_server])
    other_server.script(reply("hello from qwen"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LocalModelScreen))
        assert offered(app) == [
            f"devstral-test  ·  a server at {first.base_url}",
            f"qwen2.5-coder  ·  a server at {other_server.base_url}",
        ]
        assert "someone else's" in str(app.screen.query_one("#local-warning").render())
        assert app.conversation is None and not sent_anything(first, other_server)  # found is not chosen
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.conversation is not None)
        assert app.status_line.facts.model == "qwen2.5-coder"
        assert app.state.endpoint == other_server.base_url
        await send(pilot, "hi")
        await wait_idle(pilot)
        assert answers(app) == ["hello from qwen"]
    assert [request.body["model"] for request in other_server.requests] == ["qwen2.5-coder"]
    assert first.requests == []


async def test_esc_quits_with_the_servers_named_and_nothing_sent(tui_env: TuiEnv) -> None:
    app = unconfigured_app(tui_env, [tui_env.fake])
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LocalModelScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.startup_error is not None)
    assert app.return_code == 2
    assert app.startup_error is not None
    assert "no API key" in app.startup_error and tui_env.fake.base_url in app.startup_error
    assert "vibe --local" in app.startup_error
    assert tui_env.fake.requests == []


async def test_with_no_local_server_the_tui_closes_with_the_reason(tui_env: TuiEnv) -> None:
    app = unconfigured_app(tui_env, [])
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.startup_error is not None)
    assert app.startup_error is not None and app.startup_error.startswith("no API key")


async def test_local_url_in_the_tui_uses_that_server_without_asking_and_without_the_key(
    tui_env: TuiEnv, other_server: FakeMistral
) -> None:
    app = unconfigured_app(tui_env, [tui_env.fake], "--local", other_server.base_url, key=True)
    other_server.script(reply("first"), reply("second"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        assert not isinstance(app.screen, LocalModelScreen)
        await send(pilot, "hi")
        await wait_idle(pilot)
        # Another model of the same server: a raw id goes to it, still without the key.
        await send(pilot, "/model qwen-other")
        await wait_for(pilot, lambda: any("model: qwen-other" in n for n in notices(app)))
        await send(pilot, "again")
        await wait_idle(pilot)
    assert [request.body["model"] for request in other_server.requests] == ["qwen2.5-coder", "qwen-other"]
    assert not any(other_server.authorizations)
    assert tui_env.fake.requests == []


async def test_local_with_two_servers_offers_both_instead_of_failing(
    tui_env: TuiEnv, other_server: FakeMistral
) -> None:
    app = unconfigured_app(tui_env, [tui_env.fake, other_server], "--local", key=True)
    tui_env.fake.script(reply("from the first"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LocalModelScreen))
        assert len(offered(app)) == 2
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.conversation is not None)
        await send(pilot, "hi")
        await wait_idle(pilot)
        assert answers(app) == ["from the first"]
    assert not any(tui_env.fake.authorizations)
    assert other_server.requests == []
