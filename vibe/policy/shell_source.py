"""The command text as bash reads it: line continuations (backslash-newline) removed.

Bash drops every backslash-newline pair before it splits words, so `--o\\<newline>utput=f` is
one word, `--output=f`, and `su\\<newline>do ls` runs `sudo`. tree-sitter-bash instead ends the
word at the newline and sees `--o` and `utput=f`. The policy must judge what bash runs, so the
pairs are removed first and the result parsed again, except where bash keeps them: inside single
quotes and `$'...'`, in comments, and in the body of a here-document whose delimiter is quoted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

_CONTINUATION = "\\\n"
# Nodes whose text bash takes literally: a backslash-newline inside them stays.
_LITERAL_NODES = frozenset({"raw_string", "ansi_c_string", "comment"})


def has_continuation(command: str) -> bool:
    return _CONTINUATION in command


def join_continued_lines(command: str, tree: Tree) -> str:
    """`command` with the backslash-newline pairs bash removes taken out (`tree` is its parse)."""
    source = command.encode()
    literal = sorted(_literal_ranges(tree.root_node))
    out = bytearray()
    index = 0
    zones = iter(literal)
    zone = next(zones, None)
    while index < len(source):
        while zone is not None and zone[1] <= index:
            zone = next(zones, None)
        if zone is not None and zone[0] <= index:
            out += source[index : zone[1]]
            index = zone[1]
            continue
        byte = source[index : index + 1]
        if byte == b"\\":
            pair = source[index : index + 2]
            if pair != b"\\\n":
                out += pair  # an escaped character stays as it is, and is not read again
            index += 2
            continue
        out += byte
        index += 1
    return out.decode(errors="replace")


def _literal_ranges(root: Node) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in _LITERAL_NODES:
            ranges.append((node.start_byte, node.end_byte))
            continue
        if node.type == "heredoc_redirect" and _quoted_delimiter(node):
            ranges.extend((c.start_byte, c.end_byte) for c in node.children if c.type == "heredoc_body")
        stack.extend(node.children)
    return ranges


def _quoted_delimiter(heredoc: Node) -> bool:
    """`<<'EOF'`, `<<"EOF"`, `<<\\EOF`: bash takes the body literally."""
    start = next((c for c in heredoc.children if c.type == "heredoc_start"), None)
    text = start.text.decode(errors="replace") if start is not None and start.text is not None else ""
    return any(quote in text for quote in "'\"\\")
