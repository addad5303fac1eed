"""The audit log: one JSONL line per tool call under $VIBE_HOME/audit.jsonl, across all sessions.

Sessions record the conversation; the audit log answers "what did the agent do on this machine,
and who let it": every call, its outcome, what decided it and the sandbox in force. Lines are
flushed as written and known secrets are redacted, as in session files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from vibe.config.secrets import Redactor

__all__ = ["AuditLog"]


class AuditLog:
    def __init__(self, path: Path, redact: Redactor | None = None) -> None:
        self.path = path
        self._redact = redact or Redactor()

    def write(self, record: dict[str, Any]) -> None:
        """Appends one record; raises OSError when the log cannot be written."""
        line = self._redact(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND keeps lines from concurrent vibe processes whole; 0600: commands can be private.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
