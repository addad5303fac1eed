"""The agent: loop, approval port, limits, system prompt. No I/O of its own.

The events it emits are defined in `vibe.protocol.events`, shared with every frontend.
"""
