"""The interactive terminal UI (textual). Consumes agent events; answers approvals in a modal."""
