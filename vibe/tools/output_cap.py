"""Text capping for tool results: every character a tool returns is paid for by the model.

Cuts are always stated, so the model knows it is looking at part of something.
"""

from __future__ import annotations


def shorten_line(text: str, max_chars: int, focus: int | None = None) -> str:
    """`text` cut to about `max_chars`, keeping the part around `focus` (a match's offset).

    Minified files put matches thousands of characters into a line; showing the line's start
    would hide exactly what was found.
    """
    if len(text) <= max_chars:
        return text
    start = 0
    if focus is not None and focus > max_chars // 2:
        start = min(focus - max_chars // 3, len(text) - max_chars)
    end = start + max_chars
    before = f"[{start:,} chars]…" if start else ""
    after = f"…[+{len(text) - end:,} chars]" if end < len(text) else ""
    return f"{before}{text[start:end]}{after}"


def cap_text(text: str, max_chars: int) -> str:
    """Keep whole lines from the head and the tail of `text`, stating what was left out."""
    if len(text) <= max_chars:
        return text
    half = max_chars // 2
    head_end = text.rfind("\n", 0, half) + 1 or half
    tail_start = text.find("\n", len(text) - half) + 1 or len(text) - half
    if tail_start <= head_end:
        return text
    omitted = text[head_end:tail_start]
    lines = omitted.count("\n")
    marker = f"[... {len(omitted):,} chars ({lines:,} lines) omitted ...]\n"
    return f"{text[:head_end]}{marker}{text[tail_start:]}"
