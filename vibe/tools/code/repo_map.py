"""A compact map of a repository: its most important files and the symbols they define.

Importance comes from how the code refers to itself (see `repo_graph.py`): ranking files over
who-uses-whom (PageRank, personalised toward the files the user mentions) puts the code
everything else leans on first. A definition scores its file's rank times how much it is used;
the best are listed, file by file, until the token budget is spent.

The graph is built from the parse cache's facts and kept on disk beside it, keyed by every
file's size and modification time: a warm map reads one file and ranks, parsing nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from vibe.tools.code.graph_store import graph_is_kept, load_or_build_graph
from vibe.tools.code.indexer import missing_facts, run_indexer
from vibe.tools.code.repo_graph import RepoGraph
from vibe.tools.code.repo_sources import MapSources, map_sources
from vibe.tools.stoppable import StopFlag

__all__ = ["build_map", "mentioned_files", "repo_map_section"]

log = logging.getLogger("vibe.tools")

_DAMPING = 0.85
# Past this many files without facts, they are parsed by the low-priority indexer process.
PARSE_IN_PROCESS = 100
_ITERATIONS = 20
# Of the random jump, the share landing on the files the user mentions.
_MENTIONED_JUMP = 0.8
# Definitions of the file's own rank, so a mentioned file shows them even when nothing uses them.
_OWN_SHARE = 0.2
_MEMBER = 0.3
_PATH_TOKEN = re.compile(r"[\w./\\-]+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")

CountTokens = Callable[[str], int]


def mentioned_files(prompt: str, relative_paths: list[str]) -> set[int]:
    """Indexes of the files `prompt` names: by their path (`@vibe/cli.py`, `./vibe/cli.py`,
    or a path from above the root that ends with theirs), or by a file name with its suffix
    that only one file has (`cli.py`)."""
    by_path = {path: index for index, path in enumerate(relative_paths)}
    by_name: dict[str, list[int]] = {}
    for index, path in enumerate(relative_paths):
        by_name.setdefault(path.rsplit("/", 1)[-1], []).append(index)
    found: set[int] = set()
    for raw in _PATH_TOKEN.findall(prompt):
        token = raw.replace("\\", "/").removeprefix("./").rstrip(".")
        if token in by_path:
            found.add(by_path[token])
        elif "/" in token:
            parts = token.split("/")
            for start in range(1, len(parts) - 1):
                index = by_path.get("/".join(parts[start:]))
                if index is not None:
                    found.add(index)
                    break
        elif "." in token and len(by_name.get(token, ())) == 1:
            found.add(by_name[token][0])
    return found


def build_map(
    sources: MapSources,
    prompt: str,
    budget_tokens: int,
    count_tokens: CountTokens,
    flag: StopFlag,
    database: Path | None,
) -> str:
    """The map's text (empty when nothing fits or there is nothing to map). The graph is kept
    beside `database` (None: neither facts nor graph are kept)."""
    if budget_tokens <= 0 or not sources.files:
        return ""
    if (
        database is not None
        and not graph_is_kept(sources, database)
        and missing_facts(sources, database) > PARSE_IN_PROCESS
    ):
        # Parsing here would hold the interpreter lock against the session's event loop; the
        # indexer also keeps the graph, so it is read back below.
        run_indexer(sources.root, database, flag)
    graph = load_or_build_graph(sources, flag, database)
    if not graph.names:
        return ""
    return render_map(graph, prompt, budget_tokens, count_tokens)


def render_map(graph: RepoGraph, prompt: str, budget: int, count_tokens: CountTokens) -> str:
    """The best-scored definitions, grouped by file (files in the order of their best one),
    each member under its class, as many as fit in `budget` tokens."""
    mentioned = mentioned_files(prompt, graph.names)
    rank = _page_rank(graph.links, mentioned)
    asked = set(_IDENTIFIER.findall(prompt))
    scored: list[tuple[float, int, int]] = []
    for file, entries in enumerate(graph.entries):
        for index, entry in enumerate(entries):
            top_level = entry.parent < 0 and not entry.line.startswith("    ")
            own = _OWN_SHARE if not entry.name.startswith("_") else 0.0
            # A member is used through its object, often under a common word: it counts less.
            score = rank[file] * (entry.importance + own if top_level else _MEMBER * entry.importance)
            if entry.name in asked or file in mentioned:
                score *= 10.0  # what the user is talking about
            if score > 0:
                scored.append((score, file, index))
    scored.sort(key=lambda item: -item[0])
    chosen: dict[int, set[int]] = {}
    used = 0
    misses = 0
    for _score, file, index in scored:
        shown = chosen.get(file)
        entries = graph.entries[file]
        added = [index] if shown is None or index not in shown else []
        parent = entries[index].parent
        if added and parent >= 0 and (shown is None or parent not in shown):
            added.append(parent)
        if not added:
            continue
        cost = (0 if shown is not None else count_tokens(graph.names[file] + ":")) + sum(
            count_tokens(entries[i].line) for i in added
        )
        if used + cost > budget:
            misses += 1
            if misses > 50:
                break  # the rest are no smaller: stop looking
            continue
        used += cost
        chosen.setdefault(file, set()).update(added)
    blocks = [
        "\n".join([graph.names[file] + ":", *(graph.entries[file][i].line for i in sorted(shown))])
        for file, shown in chosen.items()
    ]
    while blocks and count_tokens("\n".join(blocks)) > budget:
        blocks.pop()  # a token counter that is not additive: never go over
    return "\n".join(blocks)


def _page_rank(links: list[list[tuple[int, float]]], mentioned: set[int]) -> list[float]:
    """Each file's rank over the links; the random jump lands mostly on mentioned files."""
    count = len(links)
    if mentioned:
        others = (1 - _MENTIONED_JUMP) / count
        jump = [others + (_MENTIONED_JUMP / len(mentioned) if i in mentioned else 0.0) for i in range(count)]
    else:
        jump = [1 / count] * count
    rank = list(jump)
    dangling_files = [index for index, targets in enumerate(links) if not targets]
    for _ in range(_ITERATIONS):
        dangling = sum(rank[index] for index in dangling_files)
        base = 1 - _DAMPING + _DAMPING * dangling
        new = [base * value for value in jump]
        for source, targets in enumerate(links):
            share = _DAMPING * rank[source]
            for target, weight in targets:
                new[target] += share * weight
        change = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if change < 1e-3:  # the order is settled long before the values
            break
    return rank


def repo_map_section(
    root: Path,
    prompt: str,
    budget_tokens: int,
    count_tokens: CountTokens,
    flag: StopFlag,
    database: Path | None,
) -> str:
    """The map as the system prompt carries it: its heading, then the map, all in budget;
    "" when there is no project folder to map or nothing fits."""
    from vibe.prompts import load_prompt

    heading = load_prompt("repo_map.md")
    left = budget_tokens - count_tokens(heading + "\n")
    sources = map_sources(root, flag)
    if sources is None or left <= 0:
        return ""
    body = build_map(sources, prompt, left, count_tokens, flag, database)
    return f"{heading}\n{body}" if body else ""
