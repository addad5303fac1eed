"""Definition files (agents, skills, commands): front-matter and body, and the errors a user sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibe.extensions import DefinitionError, extension_places, read_definition


def test_front_matter_and_body_are_split(tmp_path: Path) -> None:
    path = tmp_path / "review.md"
    path.write_text(
        "---\nname: review\ndescription: >\n  Reads the diff\n  and reports.\n"
        "tools: [read_file, grep]\n---\n\nLook for bugs.\n",
        encoding="utf-8",
    )
    definition = read_definition(path)
    assert definition.meta["name"] == "review"
    assert definition.text("description") == "Reads the diff and reports."
    assert definition.meta["tools"] == ["read_file", "grep"]
    assert definition.body == "Look for bugs."


def test_a_file_without_front_matter_is_all_body(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("Just do $ARGUMENTS\n", encoding="utf-8")
    assert read_definition(path).meta == {}
    assert read_definition(path).body == "Just do $ARGUMENTS"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("---\nname: [unclosed\n---\nbody", "not valid YAML (line "),
        ("---\n- a\n- b\n---\nbody", "must be `key: value` lines"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_a_broken_file_is_named_in_one_sentence(tmp_path: Path, content: str | bytes, says: str) -> None:
    path = tmp_path / "broken.md"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        read_definition(path)
    assert str(path) in str(caught.value)
    assert says in str(caught.value)


def test_yaml_tags_that_would_build_objects_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.md"
    path.write_text("---\nname: !!python/object/apply:os.system ['touch pwned']\n---\n", encoding="utf-8")
    with pytest.raises(DefinitionError):
        read_definition(path)
    assert not (tmp_path / "pwned").exists()


def test_a_text_field_must_be_text(tmp_path: Path) -> None:
    path = tmp_path / "agent.md"
    path.write_text("---\ndescription: {a: 1}\n---\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="`description` must be text"):
        read_definition(path).text("description")


def test_a_repository_folder_is_listed_only_when_trusted(tmp_path: Path) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    untrusted = extension_places("skills", home, repo, trusted=False)
    assert [place.folder for place in untrusted] == [home / "skills"]
    trusted = extension_places("skills", home, repo, trusted=True)
    assert [(place.folder, place.origin) for place in trusted] == [
        (home / "skills", "user"),
        (repo / ".vibe" / "skills", "project"),
        (repo / ".agents" / "skills", "project"),
    ]
