"""Whether an awk program only reads: no `system()`, no pipes, no output redirected to a file.

awk runs commands through `system(...)`, `print | "cmd"`, `"cmd" | getline` and gawk's `|&`,
writes files through `print > "f"` and `>>`, and gawk loads code with `@load`/`@include` or
calls a function named in a string with `@f()`. So a program is not read-only when:
- the word `system` appears anywhere in it (even in a string: no tokenising can hide it),
- it has a `@`, a `|` (not `||`) or `|&` outside strings and regular expressions,
- a `print`/`printf` statement has `>` or `>>` outside parentheses, unless it is aimed at the
  literal "/dev/stdout" or "/dev/stderr".
A `/` starts a regular expression unless an operand precedes it (then it divides). After `)`
awk's grammar decides (`if (x) /re/` against `(a)/2`), so the program is read both ways and
must pass both. A program that cannot be tokenised (an unterminated string) is not read-only.
"""

from __future__ import annotations

import re

_SYSTEM = re.compile(r"\bsystem\b")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9.][0-9.eExX]*")
_OUTPUT_STREAMS = frozenset({'"/dev/stdout"', '"/dev/stderr"'})
# Tokens after which a `/` divides: operands.
_OPERAND_KINDS = frozenset({"name", "number", "string", "regex", "]", "$", "++", "--"})


class _UnreadableError(Exception):
    pass


def awk_program_problem(program: str) -> str | None:
    """Why `program` may run commands or write files, or None when it only reads and prints."""
    if _SYSTEM.search(program):
        return "the awk program calls system(), which runs a command"
    for regex_after_paren in (False, True):
        try:
            tokens = _tokens(program, regex_after_paren)
        except _UnreadableError as exc:
            return f"vibe cannot read the awk program ({exc})"
        problem = _effects(tokens)
        if problem is not None:
            return f"the awk program {problem}"
    return None


def _tokens(program: str, regex_after_paren: bool) -> list[tuple[str, str]]:
    """(kind, text) pairs; kind is "name", "number", "string", "regex", "newline" or the operator."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(program):
        char = program[i]
        if char in " \t\r":
            i += 1
        elif char == "\\" and program[i + 1 : i + 2] == "\n":
            i += 2
        elif char == "\n":
            tokens.append(("newline", char))
            i += 1
        elif char == "#":
            end = program.find("\n", i)
            i = len(program) if end < 0 else end
        elif char == '"':
            end = _closing(program, i, '"')
            tokens.append(("string", program[i : end + 1]))
            i = end + 1
        elif char == "/" and not _after_operand(tokens, regex_after_paren):
            end = _closing(program, i, "/")
            tokens.append(("regex", program[i : end + 1]))
            i = end + 1
        elif match := _IDENTIFIER.match(program, i):
            tokens.append(("name", match.group()))
            i = match.end()
        elif match := _NUMBER.match(program, i):
            tokens.append(("number", match.group()))
            i = match.end()
        else:
            operator = next((op for op in ("|&", "||", ">>", "++", "--") if program.startswith(op, i)), char)
            tokens.append((operator, operator))
            i += len(operator)
    return tokens


def _closing(program: str, start: int, quote: str) -> int:
    i = start + 1
    while i < len(program):
        char = program[i]
        if char == "\\":
            i += 2
            continue
        if char == quote:
            return i
        if char == "\n":
            break
        i += 1
    raise _UnreadableError("an unterminated string or regular expression")


def _after_operand(tokens: list[tuple[str, str]], regex_after_paren: bool) -> bool:
    if not tokens:
        return False
    kind = tokens[-1][0]
    if kind == ")":
        return not regex_after_paren
    return kind in _OPERAND_KINDS


def _effects(tokens: list[tuple[str, str]]) -> str | None:
    in_print = False
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        if kind == "@":
            return "uses `@` (gawk loads code or calls a function named in a string)"
        if kind in ("|", "|&"):
            return f"uses `{text}`, which runs a command"
        if kind == "name" and text in ("print", "printf"):
            in_print, depth = True, 0
        elif not in_print:
            continue
        elif kind in ("(", "["):
            depth += 1
        elif kind in (")", "]"):
            depth -= 1
        elif kind in (";", "newline", "}", "{") and depth <= 0:
            in_print = False
        elif kind in (">", ">>") and depth <= 0:
            target = tokens[index + 1][1] if index + 1 < len(tokens) else ""
            after = tokens[index + 2][0] if index + 2 < len(tokens) else "newline"
            # `> "/dev/stderr" ".x"` concatenates: only the literal stream on its own is allowed.
            if target not in _OUTPUT_STREAMS or after not in (";", "newline", "}"):
                return f"redirects print output with `{text}` (it writes a file)"
    return None
