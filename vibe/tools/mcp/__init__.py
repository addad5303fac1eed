"""The MCP client: each configured server a tool source (`source`), its tools offered to the
model beside the built-ins (`tool`, `schema`), stdio servers spawned in vibe's sandbox
(`launch`, `server_process`). The sessions run in the MCP client process (`host`), the only
place the `mcp` SDK is loaded; vibe talks to it through `host_client`."""
