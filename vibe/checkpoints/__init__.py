"""Checkpoints: snapshots of the workspace in a shadow repository, and restoring them (undo, redo).

Below the agent (whose call seam takes a checkpoint per prompt) and the service (undo, redo),
beside the tools and the session store; it uses only the sandbox's git hardening and the safe
writes of `vibe.beneath`.
"""
