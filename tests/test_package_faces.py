"""Package faces: what one package imports from another is named in that module's `__all__`, and
nothing reaches into another package's private names."""

from __future__ import annotations

import ast
from pathlib import Path

VIBE = Path(__file__).resolve().parents[1] / "vibe"


def _package(path: Path) -> str:
    parts = path.relative_to(VIBE.parent).with_suffix("").parts
    return ".".join(parts[:2]) if len(parts) > 2 else ".".join(parts)


def _module_file(module: str) -> Path | None:
    path = VIBE.parent.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _declared(path: Path) -> set[str] | None:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.Assign):
            continue
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets):
            assert isinstance(node.value, ast.List | ast.Tuple)
            return {ast.literal_eval(element) for element in node.value.elts}
    return None


def _cross_package_imports() -> list[tuple[Path, str, str]]:
    found: list[tuple[Path, str, str]] = []
    for path in sorted(VIBE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("vibe.")
                and ".".join(node.module.split(".")[:2]) != _package(path)
            ):
                found += [(path, node.module, alias.name) for alias in node.names]
    return found


def test_no_package_imports_another_packages_private_names() -> None:
    private = [
        f"{path.relative_to(VIBE.parent)}: {module}.{name}"
        for path, module, name in _cross_package_imports()
        if name.startswith("_") or any(part.startswith("_") for part in module.split(".")[1:])
    ]
    assert private == []


def test_what_a_package_uses_of_another_is_in_its_face() -> None:
    outside: list[str] = []
    for path, module, name in _cross_package_imports():
        target = _module_file(module)
        if target is None or (target.parent / name).is_dir() or target.with_name(f"{name}.py").exists():
            continue  # a submodule, not a name
        declared = _declared(target)
        if declared is None or name not in declared:
            outside.append(f"{path.relative_to(VIBE.parent)} uses {module}.{name}")
    assert outside == []
