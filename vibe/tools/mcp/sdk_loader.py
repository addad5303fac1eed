"""Loading the `mcp` SDK: only what a client session needs, in a thread, once.

The SDK's `mcp` package and its `mcp.client` package import, on their own, the whole client
*and server* side (`mcp.client.client` brings in `mcp.server`, Starlette and SSE support) —
about a third of the SDK's import time, none of it used by vibe, which only needs
`mcp.client.session` and the transports. So those two packages are registered bare: their
modules are importable as usual, their `__init__` is not run. Nothing in vibe reads a name from
them (`from mcp import ...`); code that imports the SDK in full first (a test) still finds the
real packages, which are then left alone.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
import threading
from collections.abc import Generator
from typing import cast

from vibe.tools.mcp.http_transport import HTTP_MODULES

__all__ = ["load_sdk"]

SDK_MODULES = ("mcp.client.session", "mcp.shared.message", "mcp_types", "vibe.tools.mcp.results")
_PACKAGES = ("mcp", "mcp.client")
_LOCK = threading.Lock()


def load_sdk(*, http: bool) -> None:
    """Imports what a server's session needs (run in a thread: it takes most of a second; a
    second call finds it loaded)."""
    _bare_packages()
    with _validators_built_on_first_use():
        for module in (*SDK_MODULES, *(HTTP_MODULES if http else ())):
            importlib.import_module(module)


@contextlib.contextmanager
def _validators_built_on_first_use() -> Generator[None]:
    """Pydantic's `defer_build` for the models defined meanwhile: the SDK defines some five
    hundred (every protocol version's wire types) and a session validates a few dozen, so
    building each validator when first used saves about a tenth of the load. Pydantic has no
    public switch for a whole package's models; its configuration defaults are used, and left
    alone when they are not where this expects them (the load is then only slower)."""
    try:
        from pydantic._internal import _config  # pyright: ignore[reportPrivateUsage]

        defaults = cast(dict[str, object], _config.config_defaults)  # pyright: ignore[reportPrivateUsage]
    except (ImportError, AttributeError):
        yield
        return
    if defaults.get("defer_build") is not False:
        yield
        return
    defaults["defer_build"] = True
    try:
        yield
    finally:
        defaults["defer_build"] = False


def _bare_packages() -> None:
    with _LOCK:
        for name in _PACKAGES:
            if name in sys.modules:
                continue
            spec = importlib.util.find_spec(name)
            if spec is None or spec.submodule_search_locations is None:
                return  # not installed as expected: let the plain import say so
            package = importlib.util.module_from_spec(spec)
            sys.modules[name] = package
            parent, _, child = name.rpartition(".")
            if parent:
                setattr(sys.modules[parent], child, package)
