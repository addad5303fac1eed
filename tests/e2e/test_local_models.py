"""A self-hosted endpoint as the README shows it: names mean what the server means by them."""

from __future__ import annotations

from support.vibe_process import VibeEnv
from tools.fake_mistral import reply


def test_the_readmes_self_hosted_example_sends_the_name_as_written(vibe_env: VibeEnv) -> None:
    # VIBE_BASE_URL=http://127.0.0.1:8080/v1 VIBE_MODEL=devstral vibe -p "..."
    vibe_env.extra_env["VIBE_MODEL"] = "devstral"
    vibe_env.fake.script(reply("done", usage=(1000, 100)))
    run = vibe_env.run("-p", "add type hints", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert vibe_env.fake.requests[0].body["model"] == "devstral"  # not Mistral's devstral-latest
    assert run.result["cost_usd"] == 0  # and not charged at Mistral's prices
