"""Permission policy as data: shell command rules over a tree-sitter-bash parse, per-tool permissions."""
