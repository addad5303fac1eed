"""`@shot.png` in the TUI: attached and named in the transcript for a model that reads images;
a clear notice, and nothing sent, when the model does not or the file is not an image."""

from __future__ import annotations

from support.images import SEEING_MODEL, png_bytes
from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, answers, notices, send, wait_for, wait_idle


def with_screenshot(env: TuiEnv) -> None:
    (env.repo / "shot.png").write_bytes(png_bytes())
    config = env.home / "config.toml"
    config.write_text(config.read_text() + SEEING_MODEL)


async def test_an_image_mention_is_attached_for_a_model_that_reads_images(tui_env: TuiEnv) -> None:
    with_screenshot(tui_env)
    tui_env.fake.script(reply("A green dot."))
    app = tui_env.app("--model", "seeing")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "what is in @shot.png?")
        await wait_idle(pilot)
        assert any(n.startswith("attached @shot.png (image/png") for n in notices(app))
        assert answers(app) == ["A green dot."]
    (request,) = tui_env.fake.requests
    content = request.messages[-1]["content"]
    assert content[0] == {"type": "text", "text": "what is in @shot.png?"}
    assert content[1]["image_url"]["url"].startswith("data:image/png;base64,")


async def test_a_model_without_vision_or_a_file_that_is_no_image_sends_nothing(tui_env: TuiEnv) -> None:
    with_screenshot(tui_env)
    (tui_env.repo / "notes.png").write_text("plain text\n")
    tui_env.fake.script(reply("Fine."))
    app = tui_env.app()  # devstral-test: no vision
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "what is in @shot.png?")
        await wait_for(pilot, lambda: any("does not read images" in n for n in notices(app)))
        await wait_idle(pilot)
        await send(pilot, "/model seeing")
        await wait_for(pilot, lambda: any("model: devstral-test" in n for n in notices(app)))
        await send(pilot, "and @notes.png?")
        await wait_for(pilot, lambda: any("is not a PNG, JPEG, GIF or WebP" in n for n in notices(app)))
        await wait_idle(pilot)
        assert tui_env.fake.requests == []
        await send(pilot, "then just say hi")  # the conversation goes on as if neither was typed
        await wait_idle(pilot)
    (request,) = tui_env.fake.requests
    assert [m["content"] for m in request.messages if m["role"] == "user"] == ["then just say hi"]


async def test_a_dropped_image_file_becomes_a_mention_and_is_attached(tui_env: TuiEnv) -> None:
    from textual import events

    with_screenshot(tui_env)
    folder = tui_env.repo / "screen shots"
    folder.mkdir()
    (folder / "a b.png").write_bytes(png_bytes())
    tui_env.fake.script(reply("Two dots."))
    app = tui_env.app("--model", "seeing")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        app.prompt.insert("compare ")
        # As the terminal delivers a drop: to the app, which gives it to the focused prompt.
        # First as GNOME Terminal pastes it (quoted, a space after), then a bare path.
        app.post_message(events.Paste(f"'{folder / 'a b.png'}' "))
        await pilot.pause()
        app.post_message(events.Paste(str(tui_env.repo / "shot.png")))
        await pilot.pause()
        assert app.prompt.text == f'compare @"{folder / "a b.png"}" @{tui_env.repo / "shot.png"} '
        app.post_message(events.Paste("just some words.png"))  # not a file: pasted as is
        await pilot.pause()
        assert app.prompt.text.endswith(" just some words.png")
        app.prompt.text = app.prompt.text.removesuffix(" just some words.png")
        await pilot.press("enter")
        await wait_idle(pilot)
    (request,) = tui_env.fake.requests
    assert [part["type"] for part in request.messages[-1]["content"]] == ["text", "image_url", "image_url"]
