"""Sessions: the conversation, persisted as it happens, resumable."""
