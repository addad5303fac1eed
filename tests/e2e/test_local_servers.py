"""Zero configuration with a local server: found on loopback, used only when the user says so."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from support.vibe_process import VibeEnv
from tools.fake_mistral import FakeMistral, reply


def no_endpoint(vibe_env: VibeEnv, *servers: FakeMistral) -> None:
    """No key, no base URL; the local-server ports to ask are the given servers' (and one closed)."""
    vibe_env.extra_env.update(VIBE_BASE_URL="", VIBE_MODEL="")
    ports = [*(server.port for server in servers), 9]
    config = vibe_env.home / "config.toml"
    config.write_text(config.read_text() + f"\n[local]\nports = {ports}\n")


@pytest.fixture
def other_server() -> Iterator[FakeMistral]:
    with FakeMistral(model="qwen2.5-coder") as server:
        yield server


def test_without_an_endpoint_the_message_names_the_local_servers_found(vibe_env: VibeEnv) -> None:
    no_endpoint(vibe_env, vibe_env.fake)
    run = vibe_env.run("-p", "hello")
    assert run.returncode == 2
    assert "no API key" in run.stderr
    assert f"a server at http://127.0.0.1:{vibe_env.fake.port}/v1 (devstral-test)" in run.stderr
    assert "vibe --local" in run.stderr
    assert vibe_env.fake.requests == []  # found is not chosen: nothing was sent


def test_local_uses_the_only_server_and_sends_it_no_key(vibe_env: VibeEnv) -> None:
    no_endpoint(vibe_env, vibe_env.fake)
    vibe_env.extra_env["MISTRAL_API_KEY"] = "sk-users-real-mistral-key-0123456789"
    vibe_env.fake.script(reply("hi from the local model"))
    run = vibe_env.run("-p", "hello", "--local", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert run.result["final_text"] == "hi from the local model"
    (request,) = vibe_env.fake.requests
    assert request.body["model"] == "devstral-test"  # the only model it lists
    assert not any(vibe_env.fake.authorizations)


def test_local_with_two_servers_asks_which(vibe_env: VibeEnv, other_server: FakeMistral) -> None:
    no_endpoint(vibe_env, vibe_env.fake, other_server)
    run = vibe_env.run("-p", "hello", "--local")
    assert run.returncode == 2
    assert "more than one local server" in run.stderr and "--local URL" in run.stderr
    chosen = vibe_env.run("-p", "hello", "--local", f"{other_server.base_url}", "--output", "json")
    assert chosen.returncode == 0, chosen.stderr
    assert [r.body["model"] for r in other_server.requests] == ["qwen2.5-coder"]
    assert vibe_env.fake.requests == []


def test_vibe_models_lists_configured_and_local_models(vibe_env: VibeEnv) -> None:
    no_endpoint(vibe_env, vibe_env.fake)
    run = vibe_env.run("models", "--output", "json")
    assert run.returncode == 0, run.stderr
    listing = json.loads(run.stdout)
    assert "devstral" in [model["name"] for model in listing["configured"]]
    url = f"http://127.0.0.1:{vibe_env.fake.port}/v1"
    assert listing["local"] == [{"server": "a server", "base_url": url, "models": ["devstral-test"]}]
