#!/usr/bin/env bash
# The cheapest MCP server over stdio: bash with canned answers, starting in a few milliseconds,
# so that a benchmark's figure for vibe's own cost is not blurred by a server's start-up (the
# Python one in mcp_tiny_server.py takes the interpreter's). One tool, `echo`, which answers
# "echo" whatever it is given. It finds what it needs in a request with patterns, not a parser.
id_pattern='"id": *([0-9]+|"[^"]*")'
method_pattern='"method": *"([^"]+)"'
version_pattern='"protocolVersion": *"([^"]+)"'
while IFS= read -r line; do
    [[ $line =~ $method_pattern ]] || continue
    method=${BASH_REMATCH[1]}
    [[ $line =~ $id_pattern ]] || continue  # a notification: nothing to answer
    id=${BASH_REMATCH[1]}
    case $method in
        initialize)
            version=2025-06-18
            [[ $line =~ $version_pattern ]] && version=${BASH_REMATCH[1]}
            result='{"protocolVersion":"'$version'","capabilities":{"tools":{}},"serverInfo":{"name":"sh","version":"1"}}'
            ;;
        tools/list)
            result='{"tools":[{"name":"echo","description":"Echo.","inputSchema":{"type":"object","properties":{"text":{"type":"string"}}}}]}'
            ;;
        tools/call)
            result='{"content":[{"type":"text","text":"echo"}],"isError":false}'
            ;;
        *)
            result='{}'
            ;;
    esac
    printf '{"jsonrpc":"2.0","id":%s,"result":%s}\n' "$id" "$result"
done
