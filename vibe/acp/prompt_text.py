"""An ACP prompt (content blocks) as the one text the agent takes, and the images with it.

We advertise text, images, resource links and embedded context. Embedded files arrive with the text the
user sees in the editor (possibly unsaved), so they are given to the model inline, marked with
their URI; links are named so the model can read them with its tools.

Text from the editor is made encodable first: JSON lets a client send half of a UTF-16
surrogate pair (a string cut inside an emoji), which Python keeps as an unpaired surrogate that
no UTF-8 file or request can carry, so one such character would fail the session from then on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
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

from vibe.unicode_text import scrub

if TYPE_CHECKING:  # loaded with the engine, after the handshake
    from vibe.messages import ImageAttachment

PromptBlock = (
    TextContentBlock
    | ImageContentBlock
    | AudioContentBlock
    | ResourceContentBlock
    | EmbeddedResourceContentBlock
)

_LINES = re.compile(r"L(\d+)(?::(\d+))?")


def _readable_uri(uri: str) -> tuple[str, str]:
    """A file URI as the path the tools take, and the lines it names ("" for all of it).

    Editors name part of a file in the fragment: Zed's selections and symbols end in
    `#L10:20` (1-based, inclusive). Anything but a file URI is kept as it is.
    """
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return uri, ""
    lines = _LINES.fullmatch(parts.fragment)
    if lines is None:
        return unquote(parts.path), ""
    first, last = lines.group(1), lines.group(2) or lines.group(1)
    return unquote(parts.path), first if first == last else f"{first}-{last}"


def prompt_text(blocks: Sequence[PromptBlock]) -> str:
    """Raises RequestError (invalid params) for content we did not advertise."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, TextContentBlock):
            parts.append(block.text)
        elif isinstance(block, ResourceContentBlock):
            where, lines = _readable_uri(block.uri)
            plural = "s" if "-" in lines else ""
            parts.append(f"[{block.name}]({where})" + (f" (line{plural} {lines})" if lines else ""))
        elif isinstance(block, EmbeddedResourceContentBlock):
            resource = block.resource
            where, lines = _readable_uri(resource.uri)
            if isinstance(resource, TextResourceContents):
                # Without the line range the model would take a selection for the whole file.
                span = f' lines="{lines}"' if lines else ""
                parts.append(f'\n<context source="{where}"{span}>\n{resource.text}\n</context>\n')
            else:
                parts.append(f"[binary attachment {where} left out: only text is supported]")
        elif isinstance(block, ImageContentBlock):
            continue  # attached beside the text (`prompt_images`)
        else:
            raise RequestError.invalid_params(
                {"details": f"{block.type} content is not supported; send text, images or files as text"}
            )
    text = ""
    for part in parts:  # pieces the editor did not space apart get one space
        if text and not text[-1].isspace() and not part[:1].isspace():
            text += " "
        text += part
    text = scrub(text).strip()
    if not text and not any(isinstance(block, ImageContentBlock) for block in blocks):
        raise RequestError.invalid_params({"details": "the prompt is empty"})
    return text


def prompt_images(blocks: Sequence[PromptBlock]) -> tuple[ImageAttachment, ...]:
    """The prompt's image blocks as attachments; RequestError (invalid params) for one that is
    not a PNG, JPEG, GIF or WebP image, is too big, or too many (what its bytes are decides,
    not the type the editor claims)."""
    from vibe.attachments import MAX_IMAGES, AttachmentError, image_from_base64

    blocks = [block for block in blocks if isinstance(block, ImageContentBlock)]
    if len(blocks) > MAX_IMAGES:
        raise RequestError.invalid_params({"details": f"at most {MAX_IMAGES} images per prompt"})
    try:
        return tuple(
            image_from_base64(block.uri or f"image {index}", block.data)
            for index, block in enumerate(blocks, 1)
        )
    except AttachmentError as exc:
        raise RequestError.invalid_params({"details": str(exc)}) from None
