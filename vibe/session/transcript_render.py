"""A session transcript as Markdown (also what `vibe sessions show` prints) or a standalone HTML
page. Tool calls show their title and status; their arguments and output are folded away
(`<details>`), as a reviewer wants the conversation first and the evidence on demand."""

from __future__ import annotations

import html
import re

from vibe.session.transcript import Entry, ToolEntry, Transcript

__all__ = ["as_html", "as_markdown"]

# A tool's output beyond this is cut in documents: the session file keeps all of it.
_OUTPUT_CHARS = 20_000
_STATUS_MARKS = {"ok": "✓", "error": "✗", "denied": "⊘", "cancelled": "■", "": "…"}


def _header_lines(transcript: Transcript) -> list[str]:
    info, totals = transcript.info, transcript.totals
    lines = [
        f"- Session: `{info.id}`",
        f"- Folder: `{info.cwd}`",
        f"- Started: {info.created}",
        f"- Model: `{info.model}`",
        f"- Runs: {totals.runs}, model requests: {totals.turns}, tokens: "
        f"{totals.prompt_tokens:,} in / {totals.completion_tokens:,} out, cost: ${totals.cost_usd:.4f}",
    ]
    if transcript.damaged_lines:
        lines.append(f"- {transcript.damaged_lines} damaged line(s) of the session file were skipped")
    return lines


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`, so it cannot be closed early."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _cut(text: str) -> str:
    if len(text) <= _OUTPUT_CHARS:
        return text
    return text[:_OUTPUT_CHARS] + f"\n… {len(text) - _OUTPUT_CHARS:,} more characters in the session file"


def _markdown_tool(tool: ToolEntry) -> list[str]:
    mark = _STATUS_MARKS.get(tool.status, tool.status)
    arguments, output = tool.arguments, _cut(tool.output)
    return [
        "<details>",
        f"<summary>{mark} {html.escape(tool.title)}</summary>",
        "",
        f"{_fence(arguments)}json",
        arguments,
        _fence(arguments),
        "",
        _fence(output),
        output,
        _fence(output),
        "",
        "</details>",
        "",
    ]


def _markdown_entry(entry: Entry) -> list[str]:
    if entry.kind == "note":
        return [f"*{entry.text}*", ""]
    if entry.kind == "user":
        return ["## You", "", entry.text, ""]
    lines = ["### vibe", ""]
    if entry.text.strip():
        lines += [entry.text, ""]
    for tool in entry.tools:
        lines += _markdown_tool(tool)
    return lines


def as_markdown(transcript: Transcript) -> str:
    lines = [f"# vibe session {transcript.info.id}", "", *_header_lines(transcript), ""]
    for entry in transcript.entries:
        lines += _markdown_entry(entry)
    return "\n".join(lines).rstrip() + "\n"


_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em}"
    "pre{background:#f4f4f4;padding:.6em;overflow-x:auto;white-space:pre-wrap}"
    ".user{border-left:4px solid #36c;padding-left:.8em}.note{color:#666;font-style:italic}"
    "summary{cursor:pointer;font-family:monospace}"
)


def as_html(transcript: Transcript) -> str:
    """A page with no script and no outside resource: safe to open, complete offline."""
    escape = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>vibe session {escape(transcript.info.id)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>vibe session {escape(transcript.info.id)}</h1><ul>",
        *(
            f"<li>{escape(line.removeprefix('- ').replace('`', ''))}</li>"
            for line in _header_lines(transcript)
        ),
        "</ul>",
    ]
    for entry in transcript.entries:
        if entry.kind == "note":
            parts.append(f'<p class="note">{escape(entry.text)}</p>')
        elif entry.kind == "user":
            parts.append(f'<h2>You</h2><div class="user"><pre>{escape(entry.text)}</pre></div>')
        else:
            parts.append("<h3>vibe</h3>")
            if entry.text.strip():
                parts.append(f"<pre>{escape(entry.text)}</pre>")
            for tool in entry.tools:
                mark = _STATUS_MARKS.get(tool.status, tool.status)
                parts.append(
                    f"<details><summary>{escape(mark)} {escape(tool.title)}</summary>"
                    f"<pre>{escape(tool.arguments)}</pre><pre>{escape(_cut(tool.output))}</pre></details>"
                )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
