"""Lone UTF-16 surrogates from a server, made into text that can be encoded.

JSON may escape a character outside the BMP as a surrogate pair (`\\ud83d\\ude00`), and some
servers send the two halves in different chunks, or send a half alone. Python decodes each half
to a lone surrogate, which no UTF-8 writer accepts: printing the event, saving the session or
sending the next request would fail. Halves that meet again are joined; the rest become U+FFFD.
"""

from __future__ import annotations

import re

from vibe.unicode_text import has_surrogates, scrub

# A surrogate written as a JSON escape inside a string that is itself JSON (tool-call arguments).
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

__all__ = ["SurrogateJoiner", "may_hide_surrogates", "scrub"]


def may_hide_surrogates(json_text: str) -> bool:
    """Whether JSON text may decode to a lone surrogate (only then is it worth re-encoding)."""
    return has_surrogates(json_text) or _ESCAPED_SURROGATE.search(json_text) is not None


class SurrogateJoiner:
    """Scrubs streamed text, holding back a high surrogate at the end of a piece in case its
    low half opens the next one."""

    def __init__(self) -> None:
        self._pending = ""

    def __call__(self, text: str) -> str:
        text, self._pending = self._pending + text, ""
        if text and "\ud800" <= text[-1] <= "\udbff":
            text, self._pending = text[:-1], text[-1]
        return scrub(text)

    def flush(self) -> str:
        """What is still held back at the end of the stream (a half that never found its pair)."""
        pending, self._pending = self._pending, ""
        return scrub(pending)
