"""`@shot.png` in a headless prompt: sent as an image to a model that reads images, refused
before any request for one that does not, and kept in the session for the next run."""

from __future__ import annotations

import base64
from typing import Any

from support.images import SEEING_MODEL, png_bytes
from support.vibe_process import VibeEnv
from tools.fake_mistral import reply

DATA_URL = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()


def with_screenshot(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "shot.png").write_bytes(png_bytes())
    config = vibe_env.home / "config.toml"
    config.write_text(config.read_text() + SEEING_MODEL)


def first_user_content(messages: list[Any]) -> Any:
    return next(message["content"] for message in messages if message["role"] == "user")


def test_a_vision_model_gets_the_image_and_a_resumed_session_sends_it_again(vibe_env: VibeEnv) -> None:
    with_screenshot(vibe_env)
    vibe_env.fake.script(reply("A green dot."), reply("Still a green dot."), reply("I cannot see it now."))
    run = vibe_env.run("-p", "what is in @shot.png?", "--model", "seeing", "--output", "json")
    assert run.returncode == 0, run.stderr
    session = str(run.result["session_id"])
    assert first_user_content(vibe_env.fake.requests[0].messages) == [
        {"type": "text", "text": "what is in @shot.png?"},
        {"type": "image_url", "image_url": {"url": DATA_URL}},
    ]
    again = vibe_env.run("-p", "and now?", "--resume", session, "--model", "seeing", "--output", "json")
    assert again.returncode == 0, again.stderr
    assert first_user_content(vibe_env.fake.requests[1].messages)[1]["image_url"]["url"] == DATA_URL
    # The same session on a model without vision: the image is named, not sent.
    text_only = vibe_env.run("-p", "and now?", "--resume", session, "--output", "json")
    assert text_only.returncode == 0, text_only.stderr
    content = first_user_content(vibe_env.fake.requests[2].messages)
    assert isinstance(content, str) and "1 attached image(s) not shown" in content


def test_a_model_without_vision_is_told_apart_before_any_request(vibe_env: VibeEnv) -> None:
    with_screenshot(vibe_env)
    run = vibe_env.run("-p", "what is in @shot.png?", "--output", "json")
    assert run.returncode == 1
    assert run.result["error_kind"] == "no_vision"
    assert "devstral-test does not read images" in run.result["error"]
    assert vibe_env.fake.requests == []


def test_an_image_that_cannot_be_attached_stops_the_run_before_it_starts(vibe_env: VibeEnv) -> None:
    with_screenshot(vibe_env)
    (vibe_env.repo / "notes.png").write_text("not an image\n")
    for prompt, reason in (("@missing.png", "no such file"), ("@notes.png", "is not a PNG")):
        run = vibe_env.run("-p", f"look at {prompt}", "--model", "seeing")
        assert run.returncode == 2
        assert reason in run.stderr and "Traceback" not in run.stderr
    assert vibe_env.fake.requests == []
