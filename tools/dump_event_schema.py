"""Prints the JSON Schema of vibe's agent events (what `--output stream-json` writes, one per line).

python tools/dump_event_schema.py > events.schema.json
"""

from __future__ import annotations

import json

from vibe.protocol.events import event_json_schema

if __name__ == "__main__":
    print(json.dumps(event_json_schema(), indent=2))
