"""vibe: a sovereign agentic coding assistant for the terminal.

Kept import-free on purpose: `vibe --version` must not pay for the engine.
"""

__version__ = "0.1.0"
