"""Warming a workspace's shadow index in the background, so the first checkpoint is cheap.

The first checkpoint of a folder hashes every file (seconds for a big project); later ones only
what changed since, as the shadow's index remembers the rest. An interactive session warms the
index as soon as it starts, while the user is still typing: the files are added in batches, at
a lower CPU priority, each batch under the shadow's lock and each leaving a consistent index. A
checkpoint that is wanted meanwhile stops the warming (`stop`) and waits at most for the batch in
hand; what was added is not done again. No checkpoint is kept: only the index and the objects.
"""

from __future__ import annotations

import logging
import threading

from vibe.checkpoints.shadow import CheckpointError
from vibe.checkpoints.store import CheckpointStore, sort_listed

__all__ = ["Warmer"]

log = logging.getLogger("vibe.checkpoints")

# Files in the first batch; each later one adds a quarter of what is in already. Every batch
# rewrites the whole index, so a fixed size would make warming 100,000 files quadratic; growing
# batches keep it a few times one full write, and a wanted checkpoint still waits for at most a
# fifth of the work.
_FIRST_BATCH = 500


class Warmer:
    def __init__(self, store: CheckpointStore) -> None:
        self._store = store
        self._stop = threading.Event()
        self.done = threading.Event()  # set when the warming ended (finished, stopped or failed)
        self.finished = False  # every file was added

    def start(self) -> threading.Thread:
        """A daemon thread: a process that ends leaves it, with at most one git command to run."""
        thread = threading.Thread(target=self.run, name="vibe-checkpoint-warm", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """A checkpoint is wanted: stop after the batch in hand."""
        self._stop.set()

    def run(self) -> None:
        try:
            self.finished = self._warm()
        except (CheckpointError, OSError) as exc:  # the first checkpoint will simply take longer
            log.info("could not prepare the checkpoint store: %s", exc)
        finally:
            self.done.set()

    def _warm(self) -> bool:
        git = self._store.shadow
        with git.locked():
            if self._stop.is_set():
                return False
            listed = git.run("ls-files", "-z", "--others", "--modified", "--exclude-standard", nice=True)
        changed, _dropped, _big = sort_listed(listed, git.workspace, self._store.limits.max_file_size)
        start = 0
        while start < len(changed):
            if self._stop.is_set():
                return False
            end = start + max(_FIRST_BATCH, start // 4)
            with git.locked():
                git.update_index(["--add", "--remove", "--replace"], changed[start:end], nice=True)
            start = end
        with git.locked():
            if self._stop.is_set():
                return False
            git.run("write-tree", nice=True)  # the trees too: the first checkpoint rewrites only its own
        return True
