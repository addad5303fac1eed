"""An ACP prompt (content blocks) as the one text the agent takes.

We advertise text, resource links and embedded context. Embedded files arrive with the text the
user sees in the editor (possibly unsaved), so they are given to the model inline, marked with
their URI; links are named so the model can read them with its tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from acp.exceptions import RequestError
from acp.schema import (
    AudioContentBlock,
    EmbeddedResourceContentBlock,
    ImageContentBlock,
    ResourceContentBlock,
    TextContentBlock,
    TextResourceContents,
)

PromptBlock = (
    TextContentBlock
    | ImageContentBlock
    | AudioContentBlock
    | ResourceContentBlock
    | EmbeddedResourceContentBlock
)


def _readable_uri(uri: str) -> str:
    """A file URI as the path the tools take; anything else unchanged."""
    parts = urlsplit(uri)
    return unquote(parts.path) if parts.scheme == "file" else uri


def prompt_text(blocks: Sequence[PromptBlock]) -> str:
    """Raises RequestError (invalid params) for content we did not advertise."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, TextContentBlock):
            parts.append(block.text)
        elif isinstance(block, ResourceContentBlock):
            parts.append(f"[{block.name}]({_readable_uri(block.uri)})")
        elif isinstance(block, EmbeddedResourceContentBlock):
            resource = block.resource
            where = _readable_uri(resource.uri)
            if isinstance(resource, TextResourceContents):
                parts.append(f'\n<context source="{where}">\n{resource.text}\n</context>\n')
            else:
                parts.append(f"[binary attachment {where} left out: only text is supported]")
        else:
            raise RequestError.invalid_params(
                {"details": f"{block.type} content is not supported; send text or files as text"}
            )
    text = ""
    for part in parts:  # pieces the editor did not space apart get one space
        if text and not text[-1].isspace() and not part[:1].isspace():
            text += " "
        text += part
    text = text.strip()
    if not text:
        raise RequestError.invalid_params({"details": "the prompt is empty"})
    return text
