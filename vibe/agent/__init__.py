"""The agent: loop, events, approval port, limits, system prompt. No I/O of its own."""
