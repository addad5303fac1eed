"""Loads the ACP SDK quickly: an editor waits for `initialize` while we import.

The SDK's `acp.schema` defines ~280 pydantic models. Importing it as is costs 0.5-0.9 s on a
typical machine, mostly in two places this module switches off for the duration of the import:

- `use_attribute_docstrings`: on Python < 3.13 pydantic re-reads and re-parses source for every
  model to attach field docstrings as JSON-schema descriptions. We never emit the SDK's JSON
  Schema, so the descriptions are not needed.
- eager validator construction: with `defer_build` pydantic builds each model's validator and
  serializer on first use instead (a few milliseconds for the handful of types a session uses).

Both are plain pydantic features reached the only way a library's models allow from outside;
if pydantic's internals move, the import just falls back to the slow, ordinary path.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Generator
from typing import Any

log = logging.getLogger("vibe.acp")


@contextlib.contextmanager
def _lean_pydantic_models() -> Generator[None, None, None]:
    import pydantic

    try:
        fields: Any = importlib.import_module("pydantic._internal._fields")
    except ImportError:  # pragma: no cover - a pydantic without this layout: import the slow way
        yield
        return
    extract = getattr(fields, "extract_docstrings_from_cls", None)
    base: Any = pydantic.BaseModel
    base_config = base.model_config
    if extract is None:  # pragma: no cover
        yield
        return

    def no_docstrings(cls: type[Any], use_inspect: bool = False) -> dict[str, str]:
        return {}

    fields.extract_docstrings_from_cls = no_docstrings
    # Models inherit their base's config when created: the SDK's models get defer_build.
    base.model_config = {**base_config, "defer_build": True}
    try:
        yield
    finally:
        base.model_config = base_config
        fields.extract_docstrings_from_cls = extract


def load_sdk() -> None:
    """Import `acp` (idempotent). Call before anything else imports it."""
    import sys

    if "acp" in sys.modules:
        return
    with _lean_pydantic_models():
        import acp  # noqa: F401  # pyright: ignore[reportUnusedImport]
