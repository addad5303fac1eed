"""The words hooks add to a conversation, framed so the model knows where they came from.

Context from session_start and user_prompt hooks joins the prompt's own message (the model reads
it with the prompt; a resumed or compacted session keeps it), after a header line from `prompts/`.
Whatever shows the conversation to people takes it off again (`typed_prompt`): they see what the
user typed.
"""

from __future__ import annotations

from vibe.prompts import load_prompt

__all__ = ["framed", "typed_prompt", "with_context"]


def framed(template: str, texts: list[str]) -> str:
    """`texts` under the header of `prompts/hooks/<template>.md`."""
    return load_prompt(f"hooks/{template}.md").replace("{text}", "\n\n".join(texts))


def _separator() -> str:
    return "\n\n" + load_prompt("hooks/context.md").split("{text}", 1)[0]


def with_context(prompt: str, texts: list[str]) -> str:
    return f"{prompt}\n\n{framed('context', texts)}"


def typed_prompt(content: str) -> str:
    """A prompt's text without the context hooks added to it."""
    cut = content.rfind(_separator())
    return content if cut < 0 else content[:cut]
