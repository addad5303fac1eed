"""The MCP client: each configured server a tool source (`source`), its tools offered to the
model beside the built-ins (`tool`, `schema`, `results`), stdio servers spawned in vibe's sandbox
(`stdio_transport`). Importing this package loads the `mcp` SDK: only the composition root does,
and only when a server is configured."""
