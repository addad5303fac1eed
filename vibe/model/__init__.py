__all__ = []
"""Model client: chat-completions wire adapter, SSE streaming, retries.

Vendor-neutral output: the client yields `vibe.model.deltas` objects; nothing above this layer
sees wire JSON.
"""
