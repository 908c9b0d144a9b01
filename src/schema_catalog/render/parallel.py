"""Pages through their templates, in worker processes when there are many.

Workers are forked, so they start with the catalog, the pages and the compiled
templates already in memory: only slice bounds go out and page bytes come back.
Each worker builds the contexts and renders a contiguous slice of the pages; the
slices come back in page order, so the bytes are the same whatever the number of
workers (tests/test_render_incremental.py compares them with one process).

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
from dataclasses import dataclass

from jinja2 import Environment, TemplateError

from schema_catalog.errors import RenderError
from schema_catalog.render import escape
from schema_catalog.render.pages import Page

PARALLEL_FROM = 400
"""Fewer pages than this render in the calling process (a fork costs more than they do)."""
SLICE = 50
MAX_WORKERS = 4


@dataclass(frozen=True)
class _Job:
    env: Environment
    pages: list[Page]
    long_text: int


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
    count = workers_for(len(pages), workers)
    if count <= 1:
        return _render_slice_of(_Job(env, pages, long_text), 0, len(pages))
    global _job
    _job = _Job(env, pages, long_text)
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            bounds = [(i, min(i + SLICE, len(pages))) for i in range(0, len(pages), SLICE)]
            slices = pool.starmap(_render_slice, bounds)
    finally:
        _job = None
    out: list[bytes] = []
    for part in slices:
        if isinstance(part, _Failed):
            raise RenderError(part.what, where=part.where, fix=part.fix)
        out += part
    return out


def _render_slice(start: int, end: int) -> list[bytes] | _Failed:
    assert _job is not None  # set by the parent before the fork
    try:
        return _render_slice_of(_job, start, end)
    except RenderError as error:
        return _Failed(error.what, error.where, error.fix)


def _render_slice_of(job: _Job, start: int, end: int) -> list[bytes]:
    with escape.long_text_limit(job.long_text), escape.soft_breaks():
        return [render_one(job.env, page).encode("utf-8") for page in job.pages[start:end]]


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
