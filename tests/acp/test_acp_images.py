"""Image blocks from an editor: advertised at `initialize`, sent to a model that reads images,
and refused in a sentence, with nothing sent, for one that does not."""

from __future__ import annotations

import base64

import pytest
from acp.exceptions import RequestError
from acp.schema import ImageContentBlock
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.images import SEEING_MODEL, png_bytes
from support.vibe_process import VibeEnv
from tools.fake_mistral import reply

ENCODED = base64.b64encode(png_bytes()).decode()


def image_block(data: str = ENCODED) -> ImageContentBlock:
    return ImageContentBlock(type="image", data=data, mime_type="image/png")


async def test_images_are_advertised_and_reach_a_model_that_reads_them(vibe_env: VibeEnv) -> None:
    with (vibe_env.home / "config.toml").open("a", encoding="utf-8") as config:
        config.write(SEEING_MODEL)
    vibe_env.fake.script(reply("A green dot."))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor, initialize=False) as (conn, _process):
        hello = await conn.initialize(protocol_version=1)
        capabilities = hello.agent_capabilities
        assert capabilities is not None and capabilities.prompt_capabilities is not None
        assert capabilities.prompt_capabilities.image is True
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.set_config_option(config_id="model", session_id=session.session_id, value="seeing")
        blocks = [*prompt_blocks("what is this?"), image_block()]
        response = await conn.prompt(session_id=session.session_id, prompt=blocks)
    assert response.stop_reason == "end_turn"
    (request,) = vibe_env.fake.requests
    assert request.messages[-1]["content"] == [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{ENCODED}"}},
    ]


async def test_an_image_for_a_model_without_vision_or_a_fake_image_is_refused(vibe_env: VibeEnv) -> None:
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        for block, reason in (
            (image_block(), "does not read images"),
            (image_block(base64.b64encode(b"#!/bin/sh\n").decode()), "is not a PNG"),
        ):
            with pytest.raises(RequestError) as refused:
                await conn.prompt(session_id=session.session_id, prompt=[*prompt_blocks("look"), block])
            assert reason in str(refused.value.data)
    assert vibe_env.fake.requests == []
