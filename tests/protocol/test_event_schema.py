"""The published event schema: every event type, and the version stream-json consumers check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from vibe.protocol import events as ev

ROOT = Path(__file__).resolve().parents[2]


def test_the_schema_dump_lists_every_event_type_with_its_version() -> None:
    printed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "dump_event_schema.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    schema = json.loads(printed)
    assert schema["x-schema-version"] == ev.SCHEMA_VERSION
    types = {
        variant["properties"]["type"]["const"]
        for variant in schema["$defs"].values()
        if "type" in variant.get("properties", {})
    }
    assert {"session_started", "mode_changed", "model_changed", "result"} <= types
