"""Edits a model gets slightly wrong in whitespace or Unicode still land exactly as the file needs.

Each test is one real `vibe -p` run whose scripted model copies `old_string` the way models do:
spaces where the file has tabs, a final newline the file lacks, "é" as one character where the
file (saved on macOS) has "e" and a combining accent.
"""

from __future__ import annotations

import ast
import unicodedata
from typing import Any

from support.vibe_process import VibeEnv, VibeRun
from tools.fake_mistral import call, reply


def run_edits(vibe_env: VibeEnv, files: dict[str, bytes], *edits: dict[str, Any]) -> VibeRun:
    for name, content in files.items():
        (vibe_env.repo / name).write_bytes(content)
    vibe_env.fake.script(reply(tool_calls=[call("edit", edit) for edit in edits]), reply("Edited."))
    run = vibe_env.run("-p", "edit", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    return run


def outputs(run: VibeRun) -> list[tuple[str, str]]:
    return [(event["status"], event["output"].splitlines()[0]) for event in run.of_type("tool_call_finished")]


def test_spaces_in_the_edit_become_tabs_in_a_tab_indented_file(vibe_env: VibeEnv) -> None:
    tabbed = b"def f(x):\n\tif x:\n\t\treturn 1\n\treturn 2\n"
    run = run_edits(
        vibe_env,
        {"tabs.py": tabbed},
        {
            "path": "tabs.py",
            "old_string": "    if x:\n        return 1\n",
            "new_string": (
                "    if x:\n        return 3\n    for y in x:\n        if y:\n            return y\n"
            ),
        },
    )
    assert [status for status, _ in outputs(run)] == ["ok"]
    after = (vibe_env.repo / "tabs.py").read_bytes()
    assert after == (
        b"def f(x):\n\tif x:\n\t\treturn 3\n\tfor y in x:\n\t\tif y:\n\t\t\treturn y\n\treturn 2\n"
    )
    ast.parse(after)  # no TabError: indentation is consistent


def test_tabs_in_the_edit_become_the_files_spaces(vibe_env: VibeEnv) -> None:
    spaced = b"class A:\n  def f(self):\n    return 1\n"
    run_edits(
        vibe_env,
        {"spaces.py": spaced},
        {
            "path": "spaces.py",
            "old_string": "\tdef f(self):\n\t\treturn 1",
            "new_string": "\tdef f(self):\n\t\tif self:\n\t\t\treturn 2\n\t\treturn 1",
        },
    )
    after = (vibe_env.repo / "spaces.py").read_bytes()
    assert after == b"class A:\n  def f(self):\n    if self:\n      return 2\n    return 1\n"
    ast.parse(after)


def test_a_file_without_a_final_newline_keeps_it_that_way(vibe_env: VibeEnv) -> None:
    run = run_edits(
        vibe_env,
        {"end.txt": b"first\n  last line", "end_crlf.txt": b"one\r\n  two"},
        {"path": "end.txt", "old_string": "last line\n", "new_string": "final line\n"},
        {"path": "end_crlf.txt", "old_string": "two  \n", "new_string": "2\n"},
    )
    assert [status for status, _ in outputs(run)] == ["ok", "ok"]
    assert (vibe_env.repo / "end.txt").read_bytes() == b"first\n  final line"
    assert (vibe_env.repo / "end_crlf.txt").read_bytes() == b"one\r\n  2"


def test_composed_and_decomposed_accents_match_and_the_file_keeps_its_form(vibe_env: VibeEnv) -> None:
    decomposed = unicodedata.normalize("NFD", "name = 'Café'\ncity = 'Zürich'\n").encode()
    composed = "title = 'Crème brûlée'\n".encode()
    run = run_edits(
        vibe_env,
        {"nfd.py": decomposed, "nfc.py": composed},
        # The model writes composed characters where the file has decomposed ones, and back.
        {"path": "nfd.py", "old_string": "name = 'Café'", "new_string": "name = 'Café au lait'"},
        {
            "path": "nfc.py",
            "old_string": unicodedata.normalize("NFD", "'Crème brûlée'"),
            "new_string": unicodedata.normalize("NFD", "'Crème caramel'"),
        },
    )
    assert [status for status, _ in outputs(run)] == ["ok", "ok"]
    assert "accents" in outputs(run)[0][1]
    nfd_after = (vibe_env.repo / "nfd.py").read_bytes().decode()
    assert nfd_after == unicodedata.normalize("NFD", "name = 'Café au lait'\ncity = 'Zürich'\n")
    nfc_after = (vibe_env.repo / "nfc.py").read_bytes().decode()
    assert nfc_after == "title = 'Crème caramel'\n"


def test_crlf_tabs_and_trailing_whitespace_together(vibe_env: VibeEnv) -> None:
    original = b"int main() {\r\n\tif (x) {   \r\n\t\treturn 1;\r\n\t}\r\n}\r\n"
    run_edits(
        vibe_env,
        {"main.c": original},
        {
            "path": "main.c",
            "old_string": "    if (x) {\n        return 1;\n    }",
            "new_string": "    if (x) {\n        log(x);\n        return 1;\n    }",
        },
    )
    after = (vibe_env.repo / "main.c").read_bytes()
    assert after == b"int main() {\r\n\tif (x) {\r\n\t\tlog(x);\r\n\t\treturn 1;\r\n\t}\r\n}\r\n"


def test_in_a_file_that_mixes_endings_replaced_crlf_lines_stay_crlf(vibe_env: VibeEnv) -> None:
    run = run_edits(
        vibe_env,
        {"mixed.txt": b"a\r\nb\nc\r\nd\n"},
        {"path": "mixed.txt", "old_string": "a\nb", "new_string": "A\nB"},
        {"path": "mixed.txt", "old_string": "d\n", "new_string": "D\nE\n"},
    )
    assert [status for status, _ in outputs(run)] == ["ok", "ok"]
    assert (vibe_env.repo / "mixed.txt").read_bytes() == b"A\r\nB\nc\r\nD\nE\n"
