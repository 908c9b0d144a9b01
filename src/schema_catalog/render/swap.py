"""Commit a render by building the next ``docs/`` beside it and exchanging the two.

``docs/`` then holds the old pages or the new ones, never a mix (a link of a new
page pointing at a page not yet there). The next tree is ``.docs.next`` beside
``docs/`` (same filesystem): every file that stays is hard-linked from the
current tree (same inode, so unchanged pages keep their mtimes and the team's
own pages come along), changed pages are written (rendered pages by the render's
workers, as they come: `parallel.render_into`), stale ones left out; then
`atomic.swap_directory` exchanges it with ``docs/`` in one ``renameat2`` and
removes the old tree. A file a user adds to docs/ while a render runs may be
lost with the old tree; ``serve`` re-renders in place instead (see `render`),
because its file watcher follows the folder it started on.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from schema_catalog import atomic


def next_dir(docs_dir: Path) -> Path:
    return docs_dir.with_name(f".{docs_dir.name}.next")


def commit(
    docs_dir: Path,
    files: dict[str, bytes],
    skip: set[str],
    on_staged: Callable[[], None] | None,
    hidden: frozenset[str],
    placed: frozenset[str] = frozenset(),
) -> None:
    """Make ``docs_dir`` its current files minus ``skip`` plus ``files``, in one step.

    ``hidden`` names dot entries of docs/ that are ours and never copied (staging).
    ``placed`` names the files already in the next tree (`next_dir`, which holds
    nothing else: the caller cleared it before they were put there).
    """
    staged = next_dir(docs_dir)
    try:
        if docs_dir.is_dir():
            _mirror(docs_dir, staged, skip | set(files) | placed, hidden)
        for path, data in files.items():
            target = staged / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _prune_emptied(staged, skip)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)  # a full disk, an error: nothing changed
        raise
    if on_staged is not None:
        on_staged()
    atomic.swap_directory(staged, docs_dir)


def _mirror(source: Path, target: Path, skip: set[str], hidden: frozenset[str]) -> None:
    """Hard-link every file of ``source`` not in ``skip`` into ``target`` (dirs recreated)."""
    target.mkdir(parents=True, exist_ok=True)
    for folder, dirs, names in os.walk(source):
        here = Path(folder)
        relative = here.relative_to(source)
        if relative == Path("."):
            dirs[:] = [d for d in dirs if d not in hidden]
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            path = (relative / name).as_posix()
            if path in skip or path in hidden:
                continue
            link(here / name, target / relative / name)


def _prune_emptied(root: Path, removed: set[str]) -> None:
    """Folders left empty by pages that went away (a schema dropped) go too."""
    for path in sorted(removed, key=len, reverse=True):
        folder = (root / path).parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def link(source: Path, target: Path) -> None:
    """``target`` the same file as ``source`` (a copy where there are no hard links)."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)  # a filesystem without hard links
