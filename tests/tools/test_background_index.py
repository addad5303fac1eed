"""Background indexing and the cache's trust in file times: a low-priority process fills the
cache, prunes what is gone; a file whose time cannot be trusted is checked by its content."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vibe.tools.code.facts_cache import FactsStore, facts_store, file_key, forget_memory
from vibe.tools.code.indexer import index_folder, missing_facts, run_indexer
from vibe.tools.code.languages import language_for
from vibe.tools.code.repo_sources import map_sources
from vibe.tools.stoppable import StopFlag, StoppedError

PYTHON = language_for("x.py")


@pytest.fixture(autouse=True)
def empty_memory() -> Iterator[None]:
    forget_memory()
    yield
    forget_memory()


def names_of(store: FactsStore, path: Path, reads: list[Path]) -> list[str]:
    assert PYTHON is not None

    def read() -> bytes:
        reads.append(path)
        return path.read_bytes()

    found = store.facts(path, PYTHON, read, lambda: False)
    assert found is not None
    return [symbol.name for symbol in found.symbols]


def stored_paths(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT path FROM files").fetchall()
    connection.close()
    return {str(path) for (path,) in rows}


def small_repo(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    for index in range(5):
        (root / "pkg" / f"m{index}.py").write_text(f"def f{index}():\n    return {index}\n")
    return root


def test_the_indexer_process_fills_the_cache_so_nothing_is_parsed_again(tmp_path: Path) -> None:
    root = small_repo(tmp_path / "repo")
    database = tmp_path / "cache" / "facts.sqlite3"
    sources = map_sources(root, StopFlag())
    assert sources is not None
    assert missing_facts(sources, database) == 5

    assert run_indexer(root, database, StopFlag()) == 0

    assert missing_facts(sources, database) == 0
    reads: list[Path] = []
    with facts_store(database) as store:
        assert names_of(store, root / "pkg" / "m3.py", reads) == ["f3"]
    assert reads == []  # from the indexer's entries


def test_indexing_again_prunes_deleted_and_renamed_files(tmp_path: Path) -> None:
    root = small_repo(tmp_path / "repo")
    database = tmp_path / "facts.sqlite3"
    index_folder(root, database, StopFlag())
    (root / "pkg" / "m0.py").unlink()
    (root / "pkg" / "m1.py").rename(root / "pkg" / "renamed.py")
    elsewhere = tmp_path / "other.py"  # an entry outside the folder is none of its business
    elsewhere.write_text("x = 1\n")
    with facts_store(database) as store:
        names_of(store, elsewhere, [])

    report = index_folder(root, database, StopFlag())

    assert report.pruned == 2 and report.parsed == 1
    pkg = root / "pkg"
    assert stored_paths(database) == {
        *(str(pkg / f"m{index}.py") for index in (2, 3, 4)),
        str(pkg / "renamed.py"),
        str(elsewhere),
    }


def test_a_stopped_session_stops_its_indexer(tmp_path: Path) -> None:
    root = small_repo(tmp_path / "repo")
    flag = StopFlag()
    flag.set()

    with pytest.raises(StoppedError):
        run_indexer(root, tmp_path / "facts.sqlite3", flag)


@pytest.mark.parametrize("when", ["just now", "in the future"])
def test_a_change_the_file_time_does_not_show_is_found_by_content(tmp_path: Path, when: str) -> None:
    database = tmp_path / "facts.sqlite3"
    source = tmp_path / "a.py"
    source.write_text("def one():\n    pass\n")
    if when == "in the future":
        ahead = time.time_ns() + 3_600 * 10**9
        os.utime(source, ns=(ahead, ahead))
    key = file_key(source)
    reads: list[Path] = []
    with facts_store(database) as store:
        assert names_of(store, source, reads) == ["one"]

    source.write_text("def two():\n    pass\n")  # same size, and the same time, as within 1 tick
    assert key is not None
    os.utime(source, ns=(key[1], key[1]))
    assert file_key(source) == key
    for _ in range(2):  # from memory, then from disk
        with facts_store(database) as store:
            assert names_of(store, source, reads) == ["two"]
        forget_memory()
    assert len(reads) == 2


def test_a_settled_file_is_trusted_by_its_time_without_reading_it(tmp_path: Path) -> None:
    database = tmp_path / "facts.sqlite3"
    source = tmp_path / "a.py"
    source.write_text("def one():\n    pass\n")
    past = time.time_ns() - 60 * 10**9
    os.utime(source, ns=(past, past))
    reads: list[Path] = []
    with facts_store(database) as store:
        names_of(store, source, reads)
    forget_memory()
    with sqlite3.connect(database) as connection:
        (digest,) = connection.execute("SELECT digest FROM files").fetchone()
    connection.close()

    assert digest is None
    with facts_store(database) as store:
        assert names_of(store, source, reads) == ["one"]
    assert len(reads) == 1


def test_a_repository_cannot_plant_its_own_indexer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_repo(tmp_path / "repo")
    planted = root / "vibe" / "tools" / "code"
    planted.mkdir(parents=True)
    marker = tmp_path / "planted-code-ran"
    for folder in (root / "vibe", root / "vibe" / "tools", planted):
        (folder / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (planted / "indexer.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(root)  # where a session runs

    assert run_indexer(root, tmp_path / "facts.sqlite3", StopFlag()) == 0

    assert not marker.exists()
