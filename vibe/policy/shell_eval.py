"""Where bash evaluates data as code: syntax that makes a command line opaque.

Bash evaluates the *value* of a variable again as code in some places. With
`x='a[$(touch p)]'`, each of these runs `touch p`, however harmless the command around it:
- arithmetic: `$((x))`, `$[x]`, `((x))`, `for ((...))`, `[[ $x -eq 1 ]]`;
- array subscripts: `${a[x]}`, `a[$i]=1`, `( [x]=1 )`, and the offsets of `${s:x}`;
- indirection and transformations: `${!x}`, `${x@P}` (any `${x@op}` is treated alike), and
  assignment from an expansion, `${x:=...}`;
- `[[ -v NAME ]]` and `[ -v NAME ]` with a subscripted or unknown NAME;
- declaration commands (`export`, `declare`, `typeset`, `readonly`, `local`) that name a
  sensitive variable, use a subscript, a nameref (`-n`) or the integer attribute (`-i`), or a
  name only known at run time.
Commands that do the same through their arguments (`let`, `printf -v`, `test -v`) are found in
`vibe.policy.option_effects`. Each finding becomes an opaque part: it asks (plan: denied).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vibe.policy.simple_command import SimpleCommand, assignment_risk

if TYPE_CHECKING:
    from tree_sitter import Node

TextOf = Callable[["Node"], str]

_ARITHMETIC = "arithmetic evaluates the values of variables as code (`a[$(cmd)]` runs cmd)"
_ARITHMETIC_TESTS = frozenset({"-eq", "-ne", "-lt", "-le", "-gt", "-ge"})
# Operators inside `${...}` that evaluate or assign rather than only read and edit the value.
_EVALUATING_OPERATORS = {
    "!": "indirect expansion `${!x}` evaluates the subscript of the name x holds",
    "@": "the `${x@op}` transformations expand a value again (`@P` runs commands in it)",
    "=": "`${x=...}` assigns a variable from an expansion",
    ":=": "`${x:=...}` assigns a variable from an expansion",
}
_DECLARATIONS = frozenset({"export", "declare", "typeset", "readonly", "local"})


def code_from_data(root: Node, text: TextOf) -> list[SimpleCommand]:
    """An opaque part for each place under `root` where bash would evaluate data as code."""
    found: list[SimpleCommand] = []
    stack = [root]
    while stack:
        node = stack.pop()
        reason = _reason(node, text)
        if reason is not None:
            found.append(SimpleCommand((), text(node).strip(), opaque=reason))
        stack.extend(reversed(node.named_children))
    return found


def _reason(node: Node, text: TextOf) -> str | None:
    kind = node.type
    if kind in ("arithmetic_expansion", "c_style_for_statement"):
        return _ARITHMETIC
    if kind == "compound_statement" and node.child_count and node.children[0].type == "((":
        return _ARITHMETIC
    if kind == "expansion":
        return _expansion(node)
    if kind == "subscript":
        return _subscript(node)
    if kind == "array" and any(text(child).startswith("[") for child in node.named_children):
        return "array keys (`[k]=v`) are evaluated as arithmetic"
    if kind == "test_command":
        double = node.child_count > 0 and node.children[0].type == "[["
        return _test_command(node, text, double)
    if kind == "declaration_command":
        return _declaration(node, text)
    if kind == "for_statement":
        variable = node.child_by_field_name("variable")
        return assignment_risk(text(variable), None) if variable is not None else None
    return None


def _expansion(node: Node) -> str | None:
    children = node.children
    for index, child in enumerate(children):
        if child.is_named:
            continue
        if child.type == "!" and index == 1:
            return _EVALUATING_OPERATORS["!"]
        if child.type in ("@", "=", ":="):
            return _EVALUATING_OPERATORS[child.type]
        if child.type == ":":
            # `${s:1:2}` is literal; `${s:x}` evaluates x as arithmetic.
            offsets = [c for c in children[index + 1 :] if c.is_named]
            if any(c.type != "number" for c in offsets):
                return "the offsets of `${s:x}` are evaluated as arithmetic"
    return None


def _subscript(node: Node) -> str | None:
    index = node.named_children[1:]
    if len(index) == 1 and index[0].type in ("number", "word"):
        literal = index[0].text.decode() if index[0].text is not None else ""
        if literal in ("@", "*") or literal.lstrip("-").isdigit():
            return None
    return "an array subscript is evaluated as arithmetic"


def _test_command(node: Node, text: TextOf, double: bool) -> str | None:
    """`[ -v NAME ]`, `[[ -v NAME ]]`, and `[[ A -eq B ]]` (only `[[` does arithmetic there)."""
    stack = list(node.named_children)
    while stack:
        expression = stack.pop()
        stack.extend(expression.named_children)
        operator = next((c for c in expression.children if c.type == "test_operator"), None)
        if operator is None:
            continue
        name = text(operator)
        operands = [c for c in expression.named_children if c.type != "test_operator"]
        if name in ("-v", "-R"):
            target = operands[0] if operands else None
            literal = target is not None and target.type in ("word", "raw_string", "string")
            if target is None or not literal or not text(target).strip("'\"").isidentifier():
                return f"`{name} NAME` evaluates the subscript of NAME"
        elif double and name in _ARITHMETIC_TESTS and any(c.type != "number" for c in operands):
            return f"`[[ A {name} B ]]` evaluates A and B as arithmetic"
    return None


def _declaration(node: Node, text: TextOf) -> str | None:
    keyword = node.children[0].type if node.child_count else ""
    if keyword not in _DECLARATIONS:
        return None
    for child in node.named_children:
        shown = text(child)
        if child.type == "word" and shown.startswith(("-", "+")):
            if "n" in shown or "i" in shown:
                return f"{keyword} {shown} makes later assignments evaluate names or arithmetic"
        elif child.type == "variable_name":
            risk = assignment_risk(shown, None)
            if risk is not None:
                return f"{keyword} {shown}: {risk}"
        elif child.type == "variable_assignment":
            name = child.child_by_field_name("name")
            if name is not None and name.type == "subscript":
                return f"{keyword} with a subscript evaluates it as arithmetic"
            # Its name and value are judged as a standalone assignment by the walker.
        elif child.type != "word":
            return f"{keyword} is given a name only known at run time"
    return None
