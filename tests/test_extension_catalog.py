"""Skills and custom commands as data: arguments filled in, names checked, one command per name,
and a repository's folders never read unless trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.extension_files import write_command, write_skill
from vibe.agent.skill_list import BUDGET_CHARS, skills_section
from vibe.extensions import discover_extensions, expand_arguments


@pytest.mark.parametrize(
    ("body", "arguments", "expected"),
    [
        ("Fix $ARGUMENTS now", "issue 12", "Fix issue 12 now"),
        ("$1 then $2, not $3.", '"a b" c', "a b then c, not ."),
        ("$1 costs $10", "it", "it costs $10"),  # $1 followed by a digit is not a placeholder
        ("Echo $1", "$ARGUMENTS $2", "Echo $ARGUMENTS"),  # arguments are never expanded again
        ("No placeholders", "extra words", "No placeholders\n\nARGUMENTS: extra words"),
        ("No placeholders", "", "No placeholders"),
        ("Quote $1", "'unclosed", "Quote 'unclosed"),
    ],
)
def test_arguments_fill_the_placeholders(body: str, arguments: str, expected: str) -> None:
    assert expand_arguments(body, arguments) == expected


def test_untrusted_repository_folders_are_not_read(tmp_path: Path) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    write_skill(repo / ".agents" / "skills", "theirs", "Theirs.", "body")
    write_command(repo / ".vibe" / "commands", "deploy", "deploy")
    untrusted = discover_extensions(home, repo, trusted=False)
    assert untrusted.skills == () and untrusted.commands == ()
    trusted = discover_extensions(home, repo, trusted=True)
    assert [s.name for s in trusted.skills] == ["theirs"]
    assert [c.name for c in trusted.commands] == ["deploy"]


def test_a_repository_skill_that_links_outside_it_is_refused(tmp_path: Path) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    elsewhere = write_skill(tmp_path / "elsewhere", "outside", "Outside.", "body")
    (repo / ".vibe" / "skills").mkdir(parents=True)
    (repo / ".vibe" / "skills" / "outside").symlink_to(elsewhere)
    found = discover_extensions(home, repo, trusted=True)
    assert found.skills == ()
    (broken,) = found.broken
    assert "links outside the repository" in broken.error


def test_a_skill_folder_holding_vibe_home_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "skills").mkdir(parents=True)
    (home / "SKILL.md").write_text("---\nname: home\ndescription: All of it.\n---\n", encoding="utf-8")
    (home / "skills" / "home").symlink_to(home)
    found = discover_extensions(home, None, trusted=False)
    assert found.skills == ()
    assert "holds VIBE_HOME" in found.broken[0].error


@pytest.mark.parametrize(
    ("front", "says"),
    [
        ("name: other\ndescription: d", "they must match"),
        ("name: Bad--Name\ndescription: d", "must be lower-case"),
        ("name: okay", "`description` is missing"),
        ("name: okay\ndescription: d\nuser-invocable: maybe", "must be true or false"),
    ],
)
def test_a_bad_skill_is_named_and_the_others_load(tmp_path: Path, front: str, says: str) -> None:
    skills = tmp_path / "home" / "skills"
    (skills / "okay").mkdir(parents=True)
    (skills / "okay" / "SKILL.md").write_text(f"---\n{front}\n---\nbody\n", encoding="utf-8")
    write_skill(skills, "fine", "Fine.", "body")
    found = discover_extensions(tmp_path / "home", None, trusted=False)
    assert [s.name for s in found.skills] == ["fine"]
    (broken,) = found.broken
    assert broken.error.startswith(str(skills / "okay" / "SKILL.md")) and says in broken.error


def test_switches_decide_where_a_skill_shows(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_skill(
        home / "skills", "hidden", "Only for the user.", "body", **{"disable-model-invocation": "true"}
    )
    write_skill(home / "skills", "quiet", "Only for the model.", "body", **{"user-invocable": "false"})
    found = discover_extensions(home, None, trusted=False)
    assert [s.name for s in found.model_skills] == ["quiet"]
    assert [c.name for c in found.catalog([]).commands] == ["hidden"]


def test_the_skills_section_stays_within_its_budget(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for index in range(200):
        write_skill(home / "skills", f"s{index:03d}", "word " * 200, "body")
    skills = discover_extensions(home, None, trusted=False).skills
    fifty = skills_section(skills[:50])
    assert fifty is not None and len(fifty) <= BUDGET_CHARS and fifty.count("\n- s") == 50
    every = skills_section(skills)
    assert every is not None and len(every) <= BUDGET_CHARS + 80
    assert "more skills, by name only" in every


def test_front_matter_parsed_once_is_reused_and_never_stale(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = write_skill(home / "skills", "cached", "First words.", "body")
    assert discover_extensions(home, None, trusted=False).skills[0].description == "First words."
    assert (home / "cache" / "definitions.json").is_file()
    # Same size, same second: a cache keyed by dates could serve the old text; this one cannot.
    text = (folder / "SKILL.md").read_text(encoding="utf-8")
    (folder / "SKILL.md").write_text(text.replace("First words.", "Other words."), encoding="utf-8")
    assert discover_extensions(home, None, trusted=False).skills[0].description == "Other words."
    (home / "cache" / "definitions.json").write_text("{damaged", encoding="utf-8")
    assert discover_extensions(home, None, trusted=False).skills[0].description == "Other words."
