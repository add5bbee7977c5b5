"""Laying out independent documents on every core.

A build splits into work units: plain data (a variant of an exam with its labels and
folder; a lesson's printout) that a function turns into PDF bytes. Units do not share
anything, so they can run in any process, in any order; their results are used in the order
of the units, so the files a build writes are the same bytes whether one process or eight
made them. Nothing here writes a file: the caller writes when every unit has succeeded.

Workers are forked where the system can (Linux): they start with booklet already imported,
which is most of a worker's start-up. They ignore Ctrl-C, which the parent handles by
stopping them all, so an interrupted build leaves no worker behind and nothing written. A
worker that dies (killed, out of memory) fails the build with a message, never a hang.

The units are plain data on purpose: a distributed engine (Dask, Ray) could run the same
function over the same units on many machines.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TypeVar

from ..errors import BookletError

Unit = TypeVar("Unit")
Result = TypeVar("Result")


def cores() -> int:
    """The cores this process may use (a container or `taskset` may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def run_units(
    work: Callable[[Unit], Result],
    units: Sequence[Unit],
    done: Callable[[Unit, Result], None],
    jobs: int | None = None,
) -> None:
    """`done(unit, work(unit))` for every unit, in the order of `units`, with `work` running in
    up to `jobs` processes (default: every core). With one job, or one unit, everything runs in
    this process. `work` must be a module-level function and the units picklable."""
    if jobs is not None and jobs < 1:
        raise BookletError(f"--jobs must be 1 or more, not {jobs}")
    workers = min(jobs or cores(), len(units))
    if workers <= 1:
        with collecting_seldom():
            for unit in units:
                done(unit, collected(work, unit))
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_start_worker)
    try:
        futures: list[Future[Result]] = [pool.submit(collected, work, unit) for unit in units]
        for unit, future in zip(units, futures, strict=True):
            done(unit, future.result())
    except BrokenProcessPool:
        _stop(pool)
        raise BookletError(
            "a worker process stopped before finishing its part (killed, or out of memory?); "
            "nothing was written; build again, or with --jobs 1 to use less memory"
        ) from None
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _start_worker() -> None:
    """Ctrl-C reaches every process of the terminal's group; the parent alone answers it. A
    worker lives for the build, so it collects garbage seldom (see `collecting_seldom`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # not `collecting_seldom`: its generator, once unreferenced, would restore the defaults
    gc.set_threshold(*SELDOM)


SELDOM = (50_000, 50, 100)
"""Garbage collector thresholds while laying out: Python's defaults (700, 10, 10) run a
collection every 700 new objects, and a full one ever more often as the heap grows, while a
layout makes hundreds of thousands of boxes and styles that live as long as their page. Layout
is about 9% faster this way (6 variants of the bundled exam, one process). A full collection
then comes too seldom to free a unit's layout (its boxes refer to each other), so `collected`
runs one after each unit: without it, 40 variants in one process peaked at 409 MiB, 2.3× 10."""


def collected(work: Callable[[Unit], Result], unit: Unit) -> Result:
    """`work(unit)`, and then the unit's garbage collected, so memory is what one unit needs."""
    try:
        return work(unit)
    finally:
        gc.collect()


@contextmanager
def collecting_seldom() -> Iterator[None]:
    """Collect garbage seldom, and never look again at the objects that exist now (booklet,
    WeasyPrint and the fonts, loaded once for the build): a collection then costs in proportion
    to the layout in hand. In a forked worker this also keeps the parent's pages shared, as a
    collection no longer writes to every object it inspects. Restored on the way out."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*SELDOM)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now: on Ctrl-C or a failed unit, the other units' work is not wanted."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
