"""`@path` in a prompt: the images, files and folders it mentions, read before the prompt is
sent, each named in the transcript so the user sees what goes to the model; an image that
cannot be attached stops the prompt with a notice saying why (nothing is sent). A mention that
names nothing in the workspace stays as typed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine's vocabulary, loaded after the first frame
    from vibe.attachments import Attachments
    from vibe.tools.workspace import Workspace
    from vibe.tui.transcript import Transcript


async def attached(
    transcript: Transcript, cwd: Path, text: str, workspace: Workspace | None
) -> Attachments | None:
    """The prompt with what it attaches, or None when an image cannot be attached."""
    from vibe.attachments import AttachmentError, Attachments, attach_all, image_mentions, path_mentions

    if not image_mentions(text) and not path_mentions(text):
        return Attachments(text, (), ())
    if workspace is None:
        from vibe.tools.workspace import Workspace

        workspace = Workspace.create(cwd)
    try:
        found = await asyncio.to_thread(attach_all, text, workspace)
    except AttachmentError as exc:
        await transcript.notice(f"✗ {exc}; the prompt was not sent", "error")
        return None
    for image in found.images:
        size = len(image.data) * 3 // 4
        await transcript.notice(f"attached {image.name} ({image.media_type}, {size // 1024} KB)", "dim")
    for item in found.attached:
        await transcript.notice(f"attached {item}", "dim")
    return found
