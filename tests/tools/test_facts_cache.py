"""The file-facts cache: a file is parsed once while unchanged, and never trusted once changed."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from vibe.tools.base import ToolResult
from vibe.tools.code.facts_cache import FactsStore, facts_store, forget_memory
from vibe.tools.code.file_facts import FileFacts
from vibe.tools.code.languages import language_for
from vibe.tools.find_symbol import FindSymbolTool

RunTool = Callable[..., Awaitable[ToolResult]]
PYTHON = language_for("x.py")


@pytest.fixture(autouse=True)
def empty_memory() -> Iterator[None]:
    forget_memory()
    yield
    forget_memory()


class CountingReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.reads = 0

    def __call__(self) -> bytes:
        self.reads += 1
        return self.path.read_bytes()


def facts(store: FactsStore, reader: CountingReader) -> FileFacts:
    assert PYTHON is not None
    found = store.facts(reader.path, PYTHON, reader, lambda: False)
    assert found is not None
    return found


def test_an_unchanged_file_is_parsed_once_then_served_from_memory_or_disk(tmp_path: Path) -> None:
    database = tmp_path / "cache" / "facts.sqlite3"
    source = tmp_path / "a.py"
    source.write_text("def one():\n    pass\n")
    reader = CountingReader(source)
    with facts_store(database) as store:
        assert [s.name for s in facts(store, reader).symbols] == ["one"]
        facts(store, reader)
    assert reader.reads == 1
    forget_memory()  # a new session: only the database remains
    with facts_store(database) as store:
        assert [s.name for s in facts(store, reader).symbols] == ["one"]
    assert reader.reads == 1


def test_a_changed_file_is_parsed_again_even_at_the_same_size(tmp_path: Path) -> None:
    database = tmp_path / "facts.sqlite3"
    source = tmp_path / "a.py"
    source.write_text("def one():\n    pass\n")
    reader = CountingReader(source)
    with facts_store(database) as store:
        facts(store, reader)
    source.write_text("def two():\n    pass\n")  # same size
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    for _ in range(2):  # from memory, then from disk: neither is the old entry
        with facts_store(database) as store:
            assert [s.name for s in facts(store, reader).symbols] == ["two"]
        forget_memory()
    assert reader.reads == 2


def test_a_database_from_another_version_is_emptied(tmp_path: Path) -> None:
    database = tmp_path / "facts.sqlite3"
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    reader = CountingReader(source)
    with facts_store(database) as store:
        facts(store, reader)
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE meta SET value = 'an older vibe' WHERE key = 'version'")
    connection.close()
    forget_memory()
    with facts_store(database) as store:
        facts(store, reader)
    assert reader.reads == 2


@pytest.mark.parametrize("damage", ["garbage", "bad facts", "not a folder"])
def test_a_broken_cache_is_worked_around(tmp_path: Path, damage: str) -> None:
    database = tmp_path / "facts.sqlite3"
    source = tmp_path / "a.py"
    source.write_text("def one():\n    pass\n")
    reader = CountingReader(source)
    if damage == "garbage":
        database.write_bytes(b"this is not a database" * 100)
    elif damage == "not a folder":
        (tmp_path / "file").write_text("")
        database = tmp_path / "file" / "facts.sqlite3"
    else:
        with facts_store(database) as store:
            facts(store, reader)
        with sqlite3.connect(database) as connection:
            connection.execute("UPDATE files SET facts = '{\"symbols\": 3}'")
        connection.close()
        forget_memory()
    with facts_store(database) as store:
        assert [s.name for s in facts(store, reader).symbols] == ["one"]


async def test_find_symbol_follows_edits_renames_and_deletions(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "lib.py").write_text("def helper():\n    return 1\n")
    (tmp_path / "use.py").write_text("from lib import helper\n\nhelper()\n")
    first = await run_tool(FindSymbolTool(), name="helper")
    assert "lib.py:1: function helper" in first.output and "use.py:3: helper()" in first.output
    assert (await run_tool(FindSymbolTool(), name="helper")).output == first.output  # warm

    (tmp_path / "use.py").write_text("from lib import helper\n\n\nprint(helper())\n")
    (tmp_path / "lib.py").rename(tmp_path / "library.py")
    output = (await run_tool(FindSymbolTool(), name="helper")).output
    assert "library.py:1: function helper" in output and "use.py:4: print(helper())" in output
    assert "lib.py:" not in output.replace("library.py:", "") and "use.py:3:" not in output

    (tmp_path / "library.py").unlink()
    output = (await run_tool(FindSymbolTool(), name="helper")).output
    assert output.startswith("0 definitions of helper.") and "library.py" not in output
