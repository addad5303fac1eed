"""Custom agent files: what they may say, the order names are taken in, and the errors a user sees."""

from __future__ import annotations

from pathlib import Path

from vibe.extensions.agents import AgentDefinition, load_agents

BUILT_IN = [AgentDefinition(name="plan", description="Plans.", instructions="Plan.", origin="built-in")]


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(text, encoding="utf-8")


def test_fields_are_read_in_claude_codes_spelling_too(tmp_path: Path) -> None:
    _write(
        tmp_path / "home" / "agents",
        "docs",
        "---\ndescription: Writes docs.\nmodel: small\npermission_mode: ask\n"
        "tools: read_file, write_file\nmax_turns: 5\n---\nWrite clearly.\n",
    )
    catalog = load_agents(tmp_path / "home", None, trusted=False, built_in=BUILT_IN)
    docs = catalog.get("docs")
    assert docs is not None and catalog.problems == ()
    assert (docs.name, docs.model, docs.permission_mode, docs.max_turns) == ("docs", "small", "ask", 5)
    assert docs.tools == ("read_file", "write_file") and docs.instructions == "Write clearly."
    assert docs.origin == "user"


def test_the_first_definition_of_a_name_wins_and_the_others_are_reported(tmp_path: Path) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    _write(home / "agents", "mine", "---\nname: shared\ndescription: The user's.\n---\n")
    _write(repo / ".vibe" / "agents", "theirs", "---\nname: shared\ndescription: The repo's.\n---\n")
    _write(repo / ".vibe" / "agents", "plan", "---\ndescription: A look-alike.\npermission_mode: auto\n---\n")
    catalog = load_agents(home, repo, trusted=True, built_in=BUILT_IN)
    shared, plan = catalog.get("shared"), catalog.get("plan")
    assert shared is not None and shared.description == "The user's."
    assert plan is not None and plan.origin == "built-in"
    assert len(catalog.problems) == 2 and all("ignored" in problem for problem in catalog.problems)


def test_an_untrusted_repository_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _write(repo / ".vibe" / "agents", "theirs", "---\ndescription: The repo's.\n---\n")
    catalog = load_agents(tmp_path / "home", repo, trusted=False, built_in=BUILT_IN)
    assert catalog.names() == ["plan"] and catalog.problems == ()


def test_each_bad_file_is_one_sentence_naming_it_and_the_rest_load(tmp_path: Path) -> None:
    folder = tmp_path / "home" / "agents"
    bad = {
        "mode": "---\ndescription: x\npermission_mode: yolo\n---\n",
        "turns": "---\ndescription: x\nmax_turns: 0\n---\n",
        "tools": "---\ndescription: x\ntools: [1, 2]\n---\n",
        "nodesc": "---\nname: nodesc\n---\n",
        "Bad Name": "---\ndescription: x\n---\n",
        "yaml": "---\ndescription: [unclosed\n---\n",
    }
    for name, text in bad.items():
        _write(folder, name, text)
    _write(folder, "good", "---\ndescription: Fine.\n---\nBody.\n")
    catalog = load_agents(tmp_path / "home", None, trusted=False, built_in=BUILT_IN)
    assert catalog.names() == ["plan", "good"]
    assert len(catalog.problems) == len(bad)
    for problem in catalog.problems:
        assert str(folder) in problem and "\n" not in problem
    joined = " ".join(catalog.problems)
    assert "`permission_mode` must be one of" in joined and "`max_turns`" in joined
    assert "`tools` must be a list" in joined and "`description` is required" in joined
