"""One Markdown definition file: YAML front-matter between `---` lines, then the body.

The format is the field's (Agent Skills' SKILL.md, Claude Code's and opencode's agents and
commands), so files written for another agent load here unchanged. A file that cannot be read
or whose front-matter is broken raises `DefinitionError` naming the file in one sentence; the
caller reports it and loads the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from vibe.extensions.header_cache import HeaderCache

__all__ = ["MAX_DEFINITION_BYTES", "DefinitionError", "MarkdownDefinition", "read_definition"]

# A definition is instructions for a model, not data: a larger file is a mistake or an attack.
MAX_DEFINITION_BYTES = 256 * 1024
_FENCE = "---"


class DefinitionError(Exception):
    """A definition file that cannot be used, in one sentence naming the file."""


@dataclass(frozen=True, slots=True)
class MarkdownDefinition:
    path: Path
    meta: dict[str, Any] = field(default_factory=dict[str, Any])
    body: str = ""

    def text(self, key: str) -> str | None:
        """A front-matter value that must be a string when present (else DefinitionError)."""
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise DefinitionError(f"{self.path}: `{key}` must be text")
        return str(value).strip()


def read_definition(path: Path, cache: HeaderCache | None = None) -> MarkdownDefinition:
    """The file at `path`, split into front-matter and body. Raises DefinitionError. `cache`:
    front-matter parsed by an earlier run (see `header_cache`), so YAML need not be loaded."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_DEFINITION_BYTES + 1)
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_DEFINITION_BYTES:
        raise DefinitionError(f"{path}: larger than {MAX_DEFINITION_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError(f"{path}: not UTF-8 text") from None
    text = text.replace("\r\n", "\n")
    header, body = _split(text)
    if header is None:
        return MarkdownDefinition(path, {}, body.strip())
    meta = cache.get(header) if cache is not None else None
    if meta is None:
        meta = _parse_yaml(path, header)
        if cache is not None:
            cache.put(header, meta)
    return MarkdownDefinition(path, meta, body.strip())


def _split(text: str) -> tuple[str | None, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != _FENCE:
        return None, text
    for index in range(1, len(lines)):
        if lines[index].strip() == _FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    return None, text  # an unclosed fence: the whole file is the body, as other tools read it


def _parse_yaml(path: Path, header: str) -> dict[str, Any]:
    # Imported here: a run without definition files never pays for the YAML parser.
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(header, Loader=loader)  # a safe loader, C or Python
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DefinitionError(f"{path}: its front-matter is not valid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DefinitionError(f"{path}: its front-matter must be `key: value` lines")
    return {str(key): value for key, value in cast(dict[Any, Any], data).items()}
