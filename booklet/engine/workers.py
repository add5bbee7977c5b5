"""Laying out independent documents on every core.

A build splits into work units: plain data (a variant of an exam with its labels and
folder; a lesson's printout) that a function turns into PDF bytes. Units do not share
anything, so they can run in any process, in any order; their results are used in the order
of the units, so the files a build writes are the same bytes whether one process or eight
made them. Nothing here writes a file: the caller writes when every unit has succeeded.

Workers are forked where the system can (Linux): they start with booklet already imported,
which is most of a worker's start-up. They ignore Ctrl-C, which the parent handles by
killing them all, so an interrupted build leaves no worker behind and nothing written. A
worker that dies (killed, out of memory) fails the build with a message, never a hang.

The pool is our own, a pipe per worker, rather than `concurrent.futures.ProcessPoolExecutor`:
the executor's results share one pipe whose writing end every forked worker and the parent
hold, so a worker killed while it was sending a PDF left a half message that its reading
thread waited on forever, and an interrupted build hung instead of stopping (seen in CI, and
in one of 18 runs of tests/test_engine.py's Ctrl-C test on a loaded machine). With a pipe of
its own, a worker's death is the end of its pipe: the parent reads EOF and stops at once.

The units are plain data on purpose: a distributed engine (Dask, Ray) could run the same
function over the same units on many machines.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

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
    this process. `work` must be a module-level function and the units picklable.

    `done` may append units to `units` (a list): a unit that can only be made once earlier
    ones are done (the teacher's pages' header and footer, once the grid's pages are counted)
    runs after the units before it, in the same workers, instead of after them all."""
    if jobs is not None and jobs < 1:
        raise BookletError(f"--jobs must be 1 or more, not {jobs}")
    workers = min(jobs or cores(), len(units))
    if workers <= 1:
        with collecting_seldom():
            for unit in units:
                done(unit, collected(work, unit))
        return
    crew = _Crew()
    try:
        crew.start(work, workers)
        crew.run(units, done)
    except BaseException:
        crew.kill()
        raise
    crew.dismiss()


class WorkerStopped(BookletError):
    """A worker process ended before it finished its unit."""

    def __init__(self) -> None:
        super().__init__(
            "a worker process stopped before finishing its part (killed, or out of memory?); "
            "nothing was written; build again, or with --jobs 1 to use less memory"
        )


class _Crew:
    """Worker processes, each with a pipe of its own: the parent sends a unit's number and the
    unit, the worker sends back the number and the result (or the exception it raised)."""

    def __init__(self) -> None:
        self.ends: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []

    def start(self, work: Callable[[Unit], Result], count: int) -> None:
        context = _context()
        forked = context.get_start_method() == "fork"
        for _ in range(count):
            ours, theirs = context.Pipe(duplex=True)
            # A forked worker holds copies of the earlier workers' pipe ends: it closes them, so
            # that only the parent can write to a worker and only a worker to the parent.
            inherited = list(self.ends) if forked else []
            process = context.Process(target=_serve, args=(work, theirs, inherited), daemon=True)
            process.start()
            theirs.close()
            self.ends.append(ours)
            self.processes.append(process)

    def run(self, units: Sequence[Unit], done: Callable[[Unit, Result], None]) -> None:
        """Hand each idle worker the next unit; call `done` in the order of the units."""
        busy: dict[Connection, int] = {}
        finished: dict[int, Result] = {}
        given = sent = 0
        idle = list(self.ends)

        def give() -> None:
            nonlocal sent
            while idle and sent < len(units):  # `units` may have grown (see run_units)
                end = idle.pop(0)
                _send(end, (sent, units[sent]))
                busy[end] = sent
                sent += 1

        give()
        while given < len(units):
            for end in wait(list(busy)):
                number, ok, result = _receive(end)
                del busy[end]
                if not ok:
                    error, text = result
                    error.__cause__ = _RemoteTraceback(text)
                    raise error
                finished[number] = result
                idle.append(end)
            give()
            while given in finished:
                done(units[given], finished.pop(given))
                given += 1
            give()

    def dismiss(self) -> None:
        """Tell every worker there is no more work, and wait for it to go."""
        for end in self.ends:
            with suppress(OSError):  # a worker that is gone already needs no telling
                end.send(None)
        self._reap(grace=5.0)

    def kill(self) -> None:
        """Stop every worker now: on Ctrl-C or a failed unit, the other units' work is not wanted."""
        for process in self.processes:
            if process.is_alive():
                process.kill()
        self._reap(grace=5.0)

    def _reap(self, grace: float) -> None:
        for process in self.processes:
            process.join(grace)
            if process.is_alive():  # pragma: no cover - a worker that ignores its pipe closing
                process.kill()
                process.join()
        for end in self.ends:
            end.close()


def _send(end: Connection, message: object) -> None:
    try:
        end.send(message)
    except OSError:  # the worker's end is closed: it died
        raise WorkerStopped() from None


def _receive(end: Connection) -> tuple[int, bool, Any]:
    try:
        return end.recv()
    except (EOFError, OSError):  # the worker died, perhaps halfway through sending
        raise WorkerStopped() from None


def _serve(work: Callable[[Unit], Result], end: Connection, inherited: list[Connection]) -> None:
    """A worker's life: units in, results out, until the parent says stop or goes away."""
    _start_worker()
    for other in inherited:
        other.close()
    while True:
        try:
            message = end.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        number, unit = message
        try:
            answer: tuple[int, bool, Any] = (number, True, collected(work, unit))
        except BaseException as error:  # sent to the parent, which raises it
            answer = (number, False, _portable(error))
        try:
            end.send(answer)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            end.send((number, False, _portable(error)))
        except OSError:
            return


def _portable(error: BaseException) -> tuple[BaseException, str]:
    """The worker's exception as the parent can receive it, and the worker's traceback, which
    the parent gives it as its cause (as `concurrent.futures` does): a bug in a worker is then
    as easy to read as one at home."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        error = RuntimeError(f"{type(error).__name__}: {error}")
    return error, text


class _RemoteTraceback(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text}"""'


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
