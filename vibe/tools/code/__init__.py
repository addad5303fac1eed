"""Code intelligence: tree-sitter grammars for the common languages, syntax checks, symbols.

Nothing here imports a grammar (or tree-sitter itself) until a file of that language is parsed:
a session that never touches code pays nothing at start-up. Files in other languages are text.
"""
