"""Images attached to a prompt: `@path/to/shot.png` in the TUI or a headless prompt, or an
editor's image block (ACP), turned into `ImageAttachment`s the model can read.

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
from pathlib import Path

from vibe.messages import ImageAttachment, ImageType

__all__ = ["MAX_IMAGES", "AttachmentError", "attach_images", "image_from_base64", "image_mentions"]

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 8
# `@` at the start or after a space, then a path ending in an image suffix: in double quotes if it
# has spaces (a dropped file), else up to the end, a space or punctuation ("look at @shot.png.").
_SUFFIX = r"\.(?:png|jpe?g|gif|webp)"
_MENTION = re.compile(
    rf'(?:^|(?<=\s))@(?:"([^"\n]+?{_SUFFIX})"|(\S+?{_SUFFIX})(?=$|[\s.,;:!?)\]]))', re.IGNORECASE
)


class AttachmentError(Exception):
    """An image that cannot be attached, in one sentence for the user."""


def image_mentions(prompt: str) -> list[str]:
    """The `@path` mentions of image files in `prompt`, in order, each once."""
    return list(dict.fromkeys(match.group(1) or match.group(2) for match in _MENTION.finditer(prompt)))


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
