"""Pages through their templates, in worker processes when there are many.

Workers are forked, so they start with the catalog, the pages and the compiled
templates already in memory: only slice bounds go out and page bytes come back.
Each worker builds the contexts and renders a contiguous slice of the pages; the
slices come back in page order, so the bytes are the same whatever the number of
workers (tests/test_render_incremental.py compares them with one process).

`render_into` has the workers put the pages into the next docs/ tree themselves
(a `Sink`, see `swap`) and send back only each page's output hash and whether
docs/ held it already: creating 2,000 files costs more than rendering them on
some disks, and the parent no longer copies every page's bytes through a pipe.

Only a process running no other thread forks (a fork copies one thread, and a
lock another thread held stays held): ``serve`` renders on its watcher thread,
in its own process, and renders few pages anyway. Platforms without ``fork``
render in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from jinja2 import Environment, TemplateError

from schema_catalog.errors import RenderError
from schema_catalog.render import escape, inputs, swap
from schema_catalog.render.pages import Page

PARALLEL_FROM = 400
"""Fewer pages than this render in the calling process (a fork costs more than they do)."""
SLICE = 50
MAX_WORKERS = 4


@dataclass(frozen=True)
class Sink:
    """Where `render_into` puts pages: ``staged``/path, the next docs/ tree being built,
    as a hard link to ``current``/path when that file holds the same bytes already (its
    mtime stays), else as a new file."""

    staged: Path
    current: Path


Placed = tuple[str, bool | None]
"""A page put into a `Sink`: its output hash, and whether the current docs/ held it
already: with the same bytes (True), with other bytes (False), not at all (None)."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class _Job:
    env: Environment
    pages: list[Page]
    long_text: int
    sink: Sink | None = None


@dataclass(frozen=True)
class _Failed:
    """A worker's RenderError, carried back whole (its where/fix would not survive pickling)."""

    what: str
    where: str | None
    fix: str | None


_job: _Job | None = None  # what forked workers render: set only around a pool's life


def workers_for(pages: int, requested: int | None = None) -> int:
    """How many processes render ``pages`` pages here (1: the calling process alone)."""
    if requested is None:
        if pages < PARALLEL_FROM:
            return 1
        requested = min(MAX_WORKERS, _cpus())
    can_fork = sys.platform.startswith("linux") and threading.active_count() == 1
    return max(1, min(requested, -(-pages // SLICE))) if can_fork else 1


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render_all(
    env: Environment, pages: list[Page], long_text: int, workers: int | None = None
) -> list[bytes]:
    """Every page's bytes, in the order of ``pages``."""
    return _run(_Job(env, pages, long_text), workers, _render_slice, _render_slice_of)


def render_into(
    sink: Sink, env: Environment, pages: list[Page], long_text: int, workers: int | None = None
) -> list[Placed]:
    """Render every page into ``sink``; what became of each, in the order of ``pages``."""
    return _run(_Job(env, pages, long_text, sink), workers, _place_slice, _place_slice_of)


def _run(
    job: _Job,
    workers: int | None,
    in_worker: Callable[[int, int], list[_T] | _Failed],
    here: Callable[[_Job, int, int], list[_T]],
) -> list[_T]:
    count = workers_for(len(job.pages), workers)
    if count <= 1:
        return here(job, 0, len(job.pages))
    global _job
    _job = job
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            size = len(job.pages)
            bounds = [(i, min(i + SLICE, size)) for i in range(0, size, SLICE)]
            slices = pool.starmap(in_worker, bounds)
    finally:
        _job = None
    out: list[_T] = []
    for part in slices:
        if isinstance(part, _Failed):
            raise RenderError(part.what, where=part.where, fix=part.fix)
        out += part
    return out


def _render_slice(start: int, end: int) -> list[bytes] | _Failed:
    return _in_worker(_render_slice_of, start, end)


def _place_slice(start: int, end: int) -> list[Placed] | _Failed:
    return _in_worker(_place_slice_of, start, end)


def _in_worker(
    work: Callable[[_Job, int, int], list[_T]], start: int, end: int
) -> list[_T] | _Failed:
    """``work`` on the forked job's slice; a render error comes back as data (the
    parent raises it), not as a pickled exception."""
    assert _job is not None  # set by the parent before the fork
    try:
        return work(_job, start, end)
    except RenderError as error:
        return _Failed(error.what, error.where, error.fix)


def _render_slice_of(job: _Job, start: int, end: int) -> list[bytes]:
    with escape.long_text_limit(job.long_text), escape.soft_breaks():
        return [render_one(job.env, page).encode("utf-8") for page in job.pages[start:end]]


def _place_slice_of(job: _Job, start: int, end: int) -> list[Placed]:
    sink = job.sink
    assert sink is not None
    made: set[Path] = set()
    placed: list[Placed] = []
    for page, data in zip(job.pages[start:end], _render_slice_of(job, start, end), strict=True):
        current = sink.current / page.path
        try:
            held: bytes | None = current.read_bytes()
        except FileNotFoundError:
            held = None
        target = sink.staged / page.path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if held == data:
            swap.link(current, target)
        else:
            target.write_bytes(data)
        placed.append((inputs.output_hash(data), None if held is None else held == data))
    return placed


def render_one(env: Environment, page: Page) -> str:
    try:
        return env.get_template(page.template).render(page.context())
    except TemplateError as error:
        where = getattr(error, "filename", None) or page.template
        line = getattr(error, "lineno", None)
        raise RenderError(
            f"template error while rendering {page.path}: {error.message or error}",
            where=f"{where}:{line}" if line else where,
        ) from None
