"""A file dropped on the terminal, or an image path pasted, becomes an `@` mention, so the image
is attached when the prompt is sent (`vibe.attachments`).

Terminals deliver a drop as pasted text: the path quoted when it has spaces (GNOME Terminal,
Konsole), its spaces escaped with backslashes (macOS), or a `file://` URI. Only a paste that is
nothing but paths of existing image files is turned into mentions; any other paste is left as
typed. Light on purpose: the prompt box loads before the engine.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from urllib.parse import unquote, urlsplit

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})


def as_image_mentions(pasted: str, cwd: Path) -> str | None:
    """The mentions for `pasted` if it names only image files that exist, else None."""
    text = pasted.strip()
    if not text or "\n" in text:
        return None
    try:
        words = shlex.split(text)
    except ValueError:  # an unbalanced quote: not a path a terminal produced
        return None
    paths = [unquote(urlsplit(word).path) if word.startswith("file://") else word for word in words]
    if not paths or not all(_is_image_file(cwd / Path(path).expanduser()) for path in paths):
        return None
    return " ".join(mention(path) for path in paths)


def mention(path: str) -> str:
    # A path with a space is quoted, which `vibe.attachments` reads back as one path.
    return f'@"{path}"' if any(char.isspace() for char in path) else f"@{path}"


def _is_image_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()
