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

A third saving, evaluating the schema's annotations as bytecode rather than as strings, needs a
prepared copy of the module; `vibe.acp.schema_cache` builds and serves it.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

from vibe.acp import schema_cache

__all__ = ["load_sdk"]

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
    adapter: Any = pydantic.TypeAdapter
    adapter_defer = adapter.__dict__.get("_defer_build")
    if extract is None or not isinstance(adapter_defer, property):  # pragma: no cover
        yield
        return
    bases: list[Any] = [pydantic.BaseModel, pydantic.RootModel]
    configs = [base.__dict__["model_config"] for base in bases]

    def no_docstrings(cls: type[Any], use_inspect: bool = False) -> dict[str, str]:
        return {}

    fields.extract_docstrings_from_cls = no_docstrings
    # Models inherit their base's config when created: the SDK's models (plain and root) get
    # defer_build, and so do the module-level TypeAdapters the SDK keeps for rarely used unions.
    for base, config in zip(bases, configs, strict=True):
        base.model_config = {**config, "defer_build": True}
    adapter._defer_build = property(lambda self: True)
    try:
        yield
    finally:
        adapter._defer_build = adapter_defer
        for base, config in zip(bases, configs, strict=True):
            base.model_config = config
        fields.extract_docstrings_from_cls = extract


def load_sdk(cache: Path | None = None) -> bool:
    """Import `acp` (idempotent); call before anything else imports it. With a `cache` folder,
    the schema comes from the eagerly-annotated variant kept there when there is one (see
    `vibe.acp.schema_cache`). Returns whether that variant was used."""
    if "acp" in sys.modules:
        return False
    finder = schema_cache.cached_finder(cache) if cache is not None else None
    if finder is None:
        _import_sdk()
        return False
    sys.meta_path.insert(0, finder)
    try:
        _import_sdk()
        log.info("ACP schema loaded from the prepared copy %s", finder.cache)
        return True
    except Exception as exc:  # a broken or foreign cache file must never stop the agent
        log.warning("cached ACP schema failed (%s); using the SDK's own", exc)
        _forget_sdk()
        finder.cache.unlink(missing_ok=True)
    finally:
        sys.meta_path.remove(finder)
    _import_sdk()
    return False


def _import_sdk() -> None:
    with _lean_pydantic_models():
        import acp  # noqa: F401  # pyright: ignore[reportUnusedImport]


def _forget_sdk() -> None:
    """Drop a half-imported SDK so it can be imported again from scratch."""
    for name in [name for name in sys.modules if name == "acp" or name.startswith("acp.")]:
        del sys.modules[name]
