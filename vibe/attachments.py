"""What a prompt attaches: `@path/to/shot.png` in the TUI or a headless prompt, or an editor's
image block (ACP), turned into `ImageAttachment`s the model can read; and `@path` naming another
file or a folder in the workspace, given as context (see `attached_context`).

What a file is, is decided by its bytes, not its name: a `.png` that is not a PNG (a renamed
text file, a symlink to a key) is refused, so only real images leave the machine, and only the
four formats Mistral's models take. Only regular files are opened (a FIFO or a device named
`x.png` would block or never end), and each is capped in size, since it is sent with every
request of the conversation and saved in the session.
"""

from __future__ import annotations

import base64
import binascii
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vibe.messages import ImageAttachment, ImageType

if TYPE_CHECKING:
    from vibe.tools.workspace import Workspace

__all__ = [
    "MAX_IMAGES",
    "AttachmentError",
    "Attachments",
    "attach_all",
    "attach_images",
    "image_from_base64",
    "image_mentions",
    "path_mentions",
]

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 8
# `@` at the start or after a space, then a path ending in an image suffix: in double quotes if it
# has spaces (a dropped file), else up to the end, a space or punctuation ("look at @shot.png.").
_SUFFIX = r"\.(?:png|jpe?g|gif|webp)"
_MENTION = re.compile(
    rf'(?:^|(?<=\s))@(?:"([^"\n]+?{_SUFFIX})"|(\S+?{_SUFFIX})(?=$|[\s.,;:!?)\]]))', re.IGNORECASE
)


# Any `@path`: in double quotes if it has spaces, else up to a space; trailing punctuation
# ("see @a.py.") is the sentence's.
_ANY_MENTION = re.compile(r'(?:^|(?<=\s))@(?:"([^"\n]+)"|(\S+))')
_TRAILING = ".,;:!?)]'`"


class AttachmentError(Exception):
    """An image that cannot be attached, in one sentence for the user."""


@dataclass(frozen=True, slots=True)
class Attachments:
    text: str  # the prompt, then each attached file or folder in a `<context>` block
    images: tuple[ImageAttachment, ...]
    attached: tuple[str, ...]  # what was attached, for the user: "@src/app.py (120 lines)"


def image_mentions(prompt: str) -> list[str]:
    """The `@path` mentions of image files in `prompt`, in order, each once."""
    return list(dict.fromkeys(match.group(1) or match.group(2) for match in _MENTION.finditer(prompt)))


def path_mentions(prompt: str) -> list[str]:
    """The `@path` mentions in `prompt` that are not images, in order, each once. Whether one
    names anything is for the caller to find out: `@someone` stays text."""
    images = set(image_mentions(prompt))
    found: list[str] = []
    for match in _ANY_MENTION.finditer(prompt):
        mention = match.group(1) or match.group(2).rstrip(_TRAILING)
        if mention and mention not in images and mention not in found:
            found.append(mention)
    return found


def attach_all(prompt: str, workspace: Workspace) -> Attachments:
    """The prompt as the model gets it (with its files and folders as context) and its images.
    Raises AttachmentError for an image that cannot be attached; other mentions that name
    nothing in the workspace stay as typed."""
    images = attach_images(prompt, workspace.cwd)
    from vibe.context_attachments import attached_context  # the outline tool, only when asked

    context, attached = attached_context(path_mentions(prompt), workspace)
    return Attachments(prompt + context, images, attached)


def attach_images(prompt: str, cwd: Path) -> tuple[ImageAttachment, ...]:
    """The images `prompt` mentions, read from disk (relative paths from `cwd`). Raises
    AttachmentError naming the first one that cannot be attached."""
    mentions = image_mentions(prompt)
    if len(mentions) > MAX_IMAGES:
        raise AttachmentError(f"at most {MAX_IMAGES} images per prompt ({len(mentions)} mentioned)")
    return tuple(_read_image(mention, cwd) for mention in mentions)


def _read_image(mention: str, cwd: Path) -> ImageAttachment:
    path = cwd / Path(mention).expanduser()
    try:
        info = path.stat()  # follows a symlink: what counts is what it points at
        if not stat.S_ISREG(info.st_mode):
            raise AttachmentError(f"@{mention} is not a regular file")
        if info.st_size > MAX_IMAGE_BYTES:
            raise AttachmentError(
                f"@{mention} is {_megabytes(info.st_size)}; images up to {_megabytes(MAX_IMAGE_BYTES)}"
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except FileNotFoundError:
        raise AttachmentError(f"@{mention}: no such file") from None
    except OSError as exc:
        raise AttachmentError(f"@{mention}: cannot read it ({exc.strerror or exc})") from None
    return image_from_bytes(f"@{mention}", data)


def image_from_bytes(name: str, data: bytes) -> ImageAttachment:
    """An attachment of `data`, whose format is read from its first bytes. Raises AttachmentError."""
    if len(data) > MAX_IMAGE_BYTES:
        raise AttachmentError(f"{name} is over {_megabytes(MAX_IMAGE_BYTES)}")
    media_type = sniff(data)
    if media_type is None:
        raise AttachmentError(f"{name} is not a PNG, JPEG, GIF or WebP image")
    return ImageAttachment(name=name, media_type=media_type, data=base64.b64encode(data).decode("ascii"))


def image_from_base64(name: str, encoded: str) -> ImageAttachment:
    """An attachment of base64 text from outside (an editor's image block). Raises AttachmentError."""
    if len(encoded) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise AttachmentError(f"{name} is over {_megabytes(MAX_IMAGE_BYTES)}")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise AttachmentError(f"{name} is not valid base64") from None
    return image_from_bytes(name, data)


def sniff(data: bytes) -> ImageType | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
