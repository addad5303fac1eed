__all__ = []
"""Headless frontend (`vibe -p`): runs one prompt, never waits for a human, reports by exit code."""
