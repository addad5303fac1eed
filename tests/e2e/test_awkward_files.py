"""Files and model output a CI checkout can hold, and a strict `stream-json` consumer must survive:
named pipes, files far larger than memory should hold, file names that are not UTF-8, and a
model stream carrying half of a UTF-16 surrogate pair."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.vibe_process import VibeEnv, VibeRun
from tools.fake_mistral import call, reply

LINE = "log line {:>9} " + "x" * 84 + "\n"  # 100 bytes


def strict_stream(run: VibeRun) -> list[dict[str, object]]:
    """Every stdout line parsed as JSON from UTF-8 bytes, the last one the result."""
    events = [json.loads(line) for line in run.stdout.encode("utf-8").splitlines()]
    assert events and events[-1]["type"] == "result", run.stderr
    return events


def test_a_named_pipe_in_the_workspace_does_not_hang_file_tools(vibe_env: VibeEnv) -> None:
    os.mkfifo(vibe_env.repo / "events.pipe")
    vibe_env.fake.script(
        reply(
            tool_calls=[
                call("read_file", {"path": "events.pipe"}),
                call("edit", {"path": "events.pipe", "old_string": "a", "new_string": "b"}),
                call("write_file", {"path": "events.pipe", "content": "b"}),
            ]
        ),
        reply("It is a pipe."),
    )
    run = vibe_env.run("-p", "look", "--output", "stream-json", timeout=30)
    assert run.returncode == 0, run.stderr
    strict_stream(run)
    finished = run.of_type("tool_call_finished")
    assert [event["status"] for event in finished] == ["error", "error", "error"]
    assert all("not a regular file" in event["output"] for event in finished)


def make_large_log(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for start in range(0, lines, 10_000):
            handle.write("".join(LINE.format(n) for n in range(start + 1, start + 10_001)))


# The peak is read by a small parent of vibe's, not from wait4 in the test: a process's peak
# includes the memory of the process it was forked from (kept across exec), and the test
# runner can be larger than the bound.
_MEASURING_PARENT = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(str(peak))
sys.exit(code)
"""


def run_measuring_memory(vibe_env: VibeEnv, *args: str) -> tuple[VibeRun, int]:
    """Run vibe and return its own peak resident memory in KiB (from the kernel, not polling)."""
    out_path, err_path = vibe_env.home / "out.txt", vibe_env.home / "err.txt"
    peak_path = vibe_env.home / "peak.txt"
    command = [sys.executable, "-c", _MEASURING_PARENT, str(peak_path), *vibe_env.command(*args)]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        returncode = subprocess.call(
            command, cwd=vibe_env.repo, env=vibe_env.env(), stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
    stdout = out_path.read_text(encoding="utf-8")
    events = [json.loads(line) for line in stdout.splitlines()]
    run = VibeRun(returncode, stdout, err_path.read_text(encoding="utf-8"), events)
    return run, int(peak_path.read_text())


def test_a_huge_log_is_read_through_a_window_and_never_loaded_whole(vibe_env: VibeEnv) -> None:
    make_large_log(vibe_env.repo / "build.log", 1_500_000)  # 150 MB
    vibe_env.fake.script(
        reply(tool_calls=[call("read_file", {"path": "build.log", "offset": 1_499_999, "limit": 5})]),
        reply(tool_calls=[call("edit", {"path": "build.log", "old_string": "x", "new_string": "y"})]),
        reply("The log ends normally."),
    )
    run, peak_kib = run_measuring_memory(vibe_env, "-p", "read the end", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    read, edit = run.of_type("tool_call_finished")
    assert read["status"] == "ok"
    assert read["output"].splitlines() == [
        f"1499999\t{LINE.format(1_499_999).rstrip()}",
        f"1500000\t{LINE.format(1_500_000).rstrip()}",
    ]
    assert edit["status"] == "error" and "too large to change with a text tool" in edit["output"]
    # Loading the file whole costs several times its size; the window costs next to nothing.
    assert peak_kib < 150 * 1024, f"peak memory {peak_kib // 1024} MiB for a 150 MB file"


def test_file_names_that_are_not_utf8_do_not_break_the_stream(vibe_env: VibeEnv) -> None:
    # Latin-1 bytes in names, as Python sees them: lone surrogates (PEP 383).
    (vibe_env.repo / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"needle\n")
    folder = vibe_env.repo / os.fsdecode(b"d\xff")
    folder.mkdir()
    (folder / "x.txt").write_bytes(b"needle\n")
    vibe_env.fake.script(
        reply(tool_calls=[call("glob", {"pattern": "**/*.txt"}), call("grep", {"pattern": "needle"})]),
        reply(tool_calls=[call("read_file", {"path": "cafe.txt"})]),
        reply("Found them."),
    )
    run = vibe_env.run("-p", "find", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    events = strict_stream(run)
    assert events[-1]["status"] == "success"
    listing, matches = vibe_env.fake.requests[1].tool_results
    assert "caf\ufffd.txt" in listing and "d\ufffd/x.txt" in listing
    assert "caf\ufffd.txt:1: needle" in matches
    assert "Did you mean: caf\ufffd.txt?" in vibe_env.fake.requests[2].tool_results[-1]
    session = next((vibe_env.home / "sessions").glob("*.jsonl"))
    assert all(json.loads(line) for line in session.read_text(encoding="utf-8").splitlines())


def test_halves_of_surrogate_pairs_from_the_model_are_joined_or_replaced(vibe_env: VibeEnv) -> None:
    # JSON escapes "😀" as the pair \ud83d\ude00; chunk_size=1 sends each half in its own chunk.
    vibe_env.fake.script(
        reply("smile \ud83d\ude00 ok", chunk_size=1),
        reply(tool_calls=[call("write_file", '{"path": "note.txt", "content": "half \\ud800 here"}')]),
        reply("lone \udc80 half"),
    )
    first = vibe_env.run("-p", "smile", "--output", "stream-json")
    assert first.returncode == 0, first.stderr
    strict_stream(first)
    assert first.result["final_text"] == "smile 😀 ok"
    second = vibe_env.run("-p", "write", "--output", "stream-json")
    assert second.returncode == 0, second.stderr
    strict_stream(second)
    assert (vibe_env.repo / "note.txt").read_text(encoding="utf-8") == "half \ufffd here"
    assert second.result["final_text"] == "lone \ufffd half"


def test_a_common_short_old_string_in_a_big_file_is_answered_at_once(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "table.py").write_text("x = 1\n" * 200_000)
    vibe_env.fake.script(
        reply(tool_calls=[call("edit", {"path": "table.py", "old_string": "x", "new_string": "y"})]),
        reply("Too many."),
    )
    run = vibe_env.run("-p", "rename", "--output", "stream-json", timeout=30)
    assert run.returncode == 0, run.stderr
    [finished] = run.of_type("tool_call_finished")
    assert finished["status"] == "error"
    assert finished["output"].startswith("old_string was found 200000 times in table.py, at lines 1, 2, 3,")
    assert "20 and 199,980 more; nothing was changed" in finished["output"]
    assert len(finished["output"]) < 1000


def test_a_latin1_file_is_read_and_edited_in_latin1(vibe_env: VibeEnv) -> None:
    original = "# Menu du jour\r\nprix = 3  # payé\r\nnom = 'crème brûlée'\r\n".encode("latin-1")
    (vibe_env.repo / "menu.py").write_bytes(original)
    raise_price = {"path": "menu.py", "old_string": "prix = 3", "new_string": "prix = 4  # augmenté"}
    in_euros = {"path": "menu.py", "old_string": "prix = 4", "new_string": "prix = 4 €"}
    vibe_env.fake.script(
        reply(tool_calls=[call("read_file", {"path": "menu.py"})]),
        reply(tool_calls=[call("edit", raise_price)]),
        reply(tool_calls=[call("edit", in_euros)]),
        reply("The price is 4 now; the file is Latin-1, so it has no euro sign."),
    )
    run = vibe_env.run("-p", "raise the price", "--auto-approve", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    strict_stream(run)
    read, edit, euro = run.of_type("tool_call_finished")
    assert [read["status"], edit["status"], euro["status"]] == ["ok", "ok", "error"]
    assert read["output"].splitlines()[:3] == [
        "(file encoding: Latin-1; edit and write_file keep it)",
        "     1\t# Menu du jour",
        "     2\tprix = 3  # payé",
    ]
    assert euro["output"].startswith('menu.py is Latin-1 text, which cannot hold "€" (U+20AC)')
    expected = original.replace(b"prix = 3", "prix = 4  # augmenté".encode("latin-1"))
    assert (vibe_env.repo / "menu.py").read_bytes() == expected
