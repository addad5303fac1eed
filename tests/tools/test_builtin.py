"""The built-in tool set: public names, descriptions present, schemas lean."""

from __future__ import annotations

import json
import subprocess
import sys

from vibe.agent.tool_specs import tool_specs
from vibe.tools.builtin import builtin_registry

PUBLIC_INTERFACE = {
    "read_file": {"path", "offset", "limit"},
    "write_file": {"path", "content"},
    "edit": {"path", "old_string", "new_string", "replace_all"},
    "grep": {"pattern", "path", "glob", "ignore_case", "context", "max_results"},
    "glob": {"pattern", "path"},
    "outline": {"path"},
    "find_symbol": {"name", "kind", "path"},
    "bash": {"command", "timeout_seconds"},
    "todo": {"todos"},
    "git_status": set(),
    "git_diff": {"target", "paths", "stat"},
    "git_log": {"paths", "max_count", "grep", "since", "revision"},
    "git_show": {"revision", "path"},
    "git_blame": {"path", "start_line", "end_line", "revision"},
    "git_commit": {"message", "paths", "all"},
    "git_branch": {"name", "create", "switch", "start_point"},
}


def test_tool_and_argument_names_are_the_public_interface() -> None:
    specs = {spec.name: spec for spec in tool_specs(builtin_registry())}
    assert {name: set(spec.parameters["properties"]) for name, spec in specs.items()} == PUBLIC_INTERFACE


def test_every_tool_has_a_description_and_no_schema_titles() -> None:
    for spec in tool_specs(builtin_registry()):
        assert len(spec.description) > 40, spec.name
        assert '"title"' not in json.dumps(spec.parameters), spec.name


def test_building_the_registry_imports_no_git_library() -> None:
    # Start-up pays nothing for git tools that are not used: they run the git command line,
    # and GitPython (`git`) is never imported just to build the tool set.
    probe = (
        "import sys; from vibe.tools.builtin import builtin_registry; builtin_registry(); "
        "print('git' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
