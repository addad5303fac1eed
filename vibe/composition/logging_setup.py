"""vibe's own log file: never stdout (the answer's, or ACP's) and never a secret."""

from __future__ import annotations

import logging
from pathlib import Path

from vibe.config.paths import logs_dir
from vibe.config.secrets import Redactor

__all__ = ["setup_logging"]


class _RedactingFormatter(logging.Formatter):
    """Log lines (tracebacks included) pass through the same redaction as sessions."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


def setup_logging(home: Path, redact: Redactor | None = None) -> None:
    """Logs go to a file: stdout belongs to the answer (or to ACP), stderr to progress; secrets
    never reach it (`redact`, plus credential-shaped text)."""
    folder = logs_dir(home)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "vibe.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(_RedactingFormatter(redact or Redactor()))
    root = logging.getLogger("vibe")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
