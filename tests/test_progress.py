"""Progress: a self-redrawing bar on a terminal, plain lines anywhere else."""

from __future__ import annotations

import io

from booklet.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(3, stream)
    for name in ("А нұсқасы", "Б нұсқасы", "В нұсқасы"):
        progress.step(name)
    assert stream.getvalue() == "1/3 А нұсқасы\n2/3 Б нұсқасы\n3/3 В нұсқасы\n"


def test_a_bar_that_redraws_in_place_on_a_terminal():
    stream = Terminal()
    progress = Progress(2, stream, width=4)
    progress.step("А")
    assert stream.getvalue() == "\r[##--] 1/2 А\x1b[K"
    progress.step("Б")
    assert stream.getvalue().endswith("\r[####] 2/2 Б\x1b[K\n")
    assert "\n" not in stream.getvalue()[:-1], "one line, redrawn, until the end"
