"""The prepared copy of the SDK's schema: built, used, and never trusted blindly.

Each check that imports the SDK runs in a fresh interpreter, since an import happens once per
process.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

from editor_harness import FakeEditor, run_agent_process

from support.vibe_process import VibeEnv
from vibe.acp import schema_cache

# Loads the SDK the way `vibe acp` does, then reports what it got and proves the models work.
_PROBE = """
import json, sys
from pathlib import Path
from vibe.acp.sdk import load_sdk
used = load_sdk(Path(sys.argv[1]))
import acp.schema as schema
request = schema.InitializeRequest.model_validate(
    {"protocolVersion": 1, "clientCapabilities": {"fs": {"readTextFile": True}}}
)
annotation = schema.InitializeRequest.__annotations__["protocol_version"]
print(json.dumps({
    "used": used,
    "file": schema.__file__,
    "eager": not isinstance(annotation, str),
    "dump": request.model_dump(by_alias=True, exclude_none=True),
}))
"""


def probe(folder: Path) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, str(folder)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(completed.stdout)


def expected_dump() -> dict[str, object]:
    return {
        "protocolVersion": 1,
        "clientCapabilities": {
            "fs": {"readTextFile": True, "writeTextFile": False},
            "terminal": False,
            "auth": {"terminal": False},
        },
    }


def test_built_copy_is_used_and_models_behave_the_same(tmp_path: Path) -> None:
    without = probe(tmp_path)
    assert without["used"] is False
    assert without["eager"] is False  # the SDK's own module keeps string annotations

    built = schema_cache.build(tmp_path)
    assert built is not None and built.is_file()
    assert not schema_cache.needs_build(tmp_path)

    with_copy = probe(tmp_path)
    assert with_copy["used"] is True
    assert with_copy["eager"] is True
    assert with_copy["file"] == without["file"]  # tracebacks still point at the SDK's file
    assert with_copy["dump"] == without["dump"] == expected_dump()


def test_unreadable_copy_is_ignored(tmp_path: Path) -> None:
    source = schema_cache.schema_source()
    assert source is not None
    cache = schema_cache.cache_file(tmp_path, source)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(importlib.util.MAGIC_NUMBER + b"not marshal data")

    result = probe(tmp_path)

    assert result["used"] is False
    assert result["dump"] == expected_dump()


def test_copy_that_fails_to_run_falls_back_and_is_removed(tmp_path: Path) -> None:
    source = schema_cache.schema_source()
    assert source is not None
    cache = schema_cache.cache_file(tmp_path, source)
    cache.parent.mkdir(parents=True, exist_ok=True)
    broken = compile("raise NameError('SessionId')", str(source), "exec")
    cache.write_bytes(importlib.util.MAGIC_NUMBER + marshal.dumps(broken))

    result = probe(tmp_path)

    assert result["used"] is False
    assert result["dump"] == expected_dump()
    assert not cache.exists()


def test_key_follows_the_source_file(tmp_path: Path) -> None:
    source = tmp_path / "schema.py"
    source.write_text("x = 1\n")
    first = schema_cache.cache_file(tmp_path / "cache", source)
    source.write_text("x = 22\n")
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert schema_cache.cache_file(tmp_path / "cache", source) != first


def test_rebuild_prunes_older_copies(tmp_path: Path) -> None:
    stale = tmp_path / "acp-schema-0123456789abcdef0123.bin"
    stale.write_bytes(b"old")
    unrelated = tmp_path / "other.bin"
    unrelated.write_bytes(b"keep")

    built = schema_cache.build(tmp_path)

    assert built is not None and built.exists()
    assert not stale.exists()
    assert unrelated.exists()


def test_builder_process_reports_usage_errors(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "vibe.acp.schema_cache"], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 2
    assert "usage" in completed.stderr


def wait_for_file(folder: Path, pattern: str, timeout: float = 30.0) -> None:
    """Until a file matching `pattern` appears. Another process (the agent's builder) writes it
    and tells no one, so the folder is re-checked until the deadline."""
    deadline = time.monotonic() + timeout
    while not any(folder.glob(pattern)):
        assert time.monotonic() < deadline, f"no {pattern} in {folder} after {timeout:g} s"
        time.sleep(0.02)


async def test_first_editor_session_prepares_the_copy_the_next_one_uses(
    vibe_env: VibeEnv, tmp_path: Path
) -> None:
    vibe_env.extra_env["XDG_CACHE_HOME"] = str(tmp_path / "xdg-cache")
    folder = tmp_path / "xdg-cache" / "vibe"
    log = vibe_env.home / "logs" / "vibe.log"

    async with run_agent_process(vibe_env, FakeEditor()) as (conn, _process):
        await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await asyncio.to_thread(wait_for_file, folder, "acp-schema-*.bin")
    assert "prepared copy" not in log.read_text(encoding="utf-8")

    async with run_agent_process(vibe_env, FakeEditor()) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        assert session.session_id
    assert "ACP schema loaded from the prepared copy" in log.read_text(encoding="utf-8")
