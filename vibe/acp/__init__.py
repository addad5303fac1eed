"""Editor mode: the Agent Client Protocol (version 1) over stdio, built on the official SDK.

`server` is the ACP agent; `session` runs turns and forwards agent events (`translate`) as
`session/update`s; `permissions` is the approval port (`session/request_permission`);
`editor_fs` reads and writes through the editor's buffers; `replay` serves `session/load`;
`transport` frames stdio for the SDK and answers malformed input; `sdk` imports the SDK fast.
The engine arrives through `backend.Backend`, implemented by `vibe.composition.acp_cmd`.
"""
