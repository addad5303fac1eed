"""Where definitions of one kind are looked for, in the order they win.

The user's own folder comes before the repository's: when both define a name, the user's is
used and the repository's is reported as shadowed (built-in > user > project > skill > MCP is
the order for slash commands). A repository's folders are listed only when it is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["Kind", "Origin", "Place", "extension_places"]

Kind = Literal["agents", "commands", "skills"]
Origin = Literal["user", "project"]


@dataclass(frozen=True, slots=True)
class Place:
    folder: Path
    origin: Origin


def extension_places(kind: Kind, home: Path, project: Path | None, *, trusted: bool) -> list[Place]:
    """The folders holding `kind` definitions: `home` is $VIBE_HOME, `project` the repository
    root (None outside one); the project's only when `trusted`."""
    places = [Place(home / kind, "user")]
    if project is not None and trusted:
        places.append(Place(project / ".vibe" / kind, "project"))
        if kind == "skills":
            places.append(Place(project / ".agents" / "skills", "project"))
    return places
