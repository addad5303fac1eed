"""A scripted, Mistral-compatible chat-completions server for tests, demos and benchmarks.

    from tools.fake_mistral import FakeMistral, reply, call, fault

    with FakeMistral() as server:
        server.script(reply("", tool_calls=[call("read_file", {"path": "a.py"})]), reply("Done."))
        ...  # point a client at server.base_url

Or from a shell: `python -m tools.fake_mistral --port 8080 [--script steps.json]`.
"""

from tools.fake_mistral import fault
from tools.fake_mistral.script import RecordedRequest, Reply, Step, ToolCallSpec, call, reply
from tools.fake_mistral.server import EXHAUSTED_TEXT, FakeMistral

__all__ = [
    "EXHAUSTED_TEXT",
    "FakeMistral",
    "RecordedRequest",
    "Reply",
    "Step",
    "ToolCallSpec",
    "call",
    "fault",
    "reply",
]
