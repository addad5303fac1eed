"""Lowest layer: settings, paths, providers and model profiles. Imports nothing of vibe above it."""
