"""Text any UTF-8 writer accepts, whatever lone UTF-16 surrogates it arrived with.

Python holds a surrogate that has no partner as a character of its own: from a file name that is
not UTF-8, from JSON that escaped half a pair (a server's stream, an editor's string cut inside
an emoji). Written as it is, it breaks the event stream, the session file and the next request.
Shared by every layer that takes text from outside (model, tools, editor).
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """`text` with surrogate pairs joined and lone surrogates replaced by U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None
