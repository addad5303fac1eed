"""Shared test doubles (importable as `support.*`)."""
