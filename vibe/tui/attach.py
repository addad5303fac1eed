"""`@shot.png` in a prompt: the images it mentions, read before the prompt is sent, each named
in the transcript so the user sees what goes to the model; one that cannot be attached stops
the prompt with a notice saying why (nothing is sent)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine's vocabulary, loaded after the first frame
    from vibe.messages import ImageAttachment
    from vibe.tui.transcript import Transcript


async def attached_images(transcript: Transcript, cwd: Path, text: str) -> tuple[ImageAttachment, ...] | None:
    """The images `text` mentions (none: an empty tuple), or None when one cannot be attached."""
    from vibe.attachments import AttachmentError, attach_images, image_mentions

    if not image_mentions(text):
        return ()
    try:
        images = await asyncio.to_thread(attach_images, text, cwd)
    except AttachmentError as exc:
        await transcript.notice(f"✗ {exc}; the prompt was not sent", "error")
        return None
    for image in images:
        size = len(image.data) * 3 // 4
        await transcript.notice(f"attached {image.name} ({image.media_type}, {size // 1024} KB)", "dim")
    return images
