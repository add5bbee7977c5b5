"""The engine read back from what it writes: any number of workers gives the same bytes, a
named copy is its variant with a name and nothing else, a dying worker or Ctrl-C changes
nothing on disk."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2
import pytest
from PIL import ImageChops

import booklet.exam_build
from booklet import BookletError, build, build_exam
from booklet.engine.workers import SELDOM, run_units

from .conftest import EVERY_KIND, FIXTURES, PdfText

SMALL = FIXTURES / "exam" / "exam.yaml"
PUPILS = ["Әлиев Нұрлан", "Құрманғазы Үміт", "Іңкәр Өтебаева", "Ғалым Қайыржан", "Сәуле Жұмабай"]


def _roster(folder: Path) -> Path:
    path = folder / "class.csv"
    path.write_text("Аты-жөні\n" + "\n".join(PUPILS) + "\n", encoding="utf-8")
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.pdf"))}


@pytest.fixture(scope="session")
def exam_sets(tmp_path_factory, once_per_run) -> dict[str, dict[str, bytes]]:
    """The small exam in two variants with answer sheets: for a class of five made with one
    worker and with two, and unnamed; with the variant each pupil got."""

    def make() -> dict[str, dict[str, bytes]]:
        folder = tmp_path_factory.mktemp("engine")
        roster = _roster(folder)
        made = {}
        for name, jobs, pupils in (("named-1", 1, roster), ("named-2", 2, roster), ("plain", 2, None)):
            result = build_exam(SMALL, folder / name, 2, 7, pupils, answer_sheets=True, jobs=jobs)
            made[name] = _files(folder / name)
            if pupils:
                made["dealt"] = {copy.pupil.name: str(copy.variant.index).encode() for copy in result.copies}
        return made

    return once_per_run("engine-exam-sets", make)


def test_any_number_of_workers_writes_the_same_bytes(tmp_path, exam_sets):
    assert len(exam_sets["named-1"]) == 3
    assert exam_sets["named-1"] == exam_sets["named-2"]
    lessons = {}
    for jobs in (1, 2):
        build(EVERY_KIND, tmp_path / str(jobs), ["tables", "worksheet", "key"], jobs=jobs)
        lessons[jobs] = _files(tmp_path / str(jobs))
    assert len(lessons[1]) == 3 and lessons[1] == lessons[2]


def _page_images(pdf: bytes) -> list:
    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=60 / 72).to_pil().convert("L") for page in document]


FOOT = (297 - 18) * 72 / 25.4
"""Where a page's bottom margin starts, pt: on a named question paper the pupil's name is at the
foot of every page (its answer sheet has the name field only: its corners are read by scans)."""


def test_a_named_copy_is_its_variant_with_the_name_and_nothing_else(exam_sets):
    for kind in ("sheets", "answer-sheets"):
        variants = exam_sets["plain"][f"small-exam-{kind}.pdf"]
        copies = exam_sets["named-1"][f"small-exam-{kind}.pdf"]
        variant_text, copy_text = PdfText(variants), PdfText(copies)
        variant_images, copy_images = _page_images(variants), _page_images(copies)
        per_copy = len(variant_text.pages) // 2
        assert len(copy_text.pages) == per_copy * len(PUPILS)
        for number, name in enumerate(PUPILS):
            variant = int(exam_sets["dealt"][name])
            assert variant == number % 2  # round-robin
            for page in range(per_copy):
                theirs = variant_text.pages[variant * per_copy + page]
                mine = copy_text.pages[number * per_copy + page]
                if page == 0:
                    assert name in mine and name not in theirs
                    mine = mine.replace(name, "", 1)
                if kind == "sheets":  # and at the foot of every page, before «Бет n / N»
                    foot = mine.strip().splitlines()[-1]
                    assert foot.startswith(f"{name} "), foot
                    mine = mine.replace(name, "", 1)
                assert mine.split() == theirs.split()
                # Pixels: the copy differs from its variant only where the name is written (and
                # on an answer sheet, in its QR code, which holds the pupil's place).
                before = variant_images[variant * per_copy + page]
                after = copy_images[number * per_copy + page]
                difference = ImageChops.difference(before, after)
                if kind == "sheets":
                    band = (0, int(FOOT * 60 / 72), difference.width, difference.height)
                    assert difference.crop(band).getbbox() is not None, "the name at the foot"
                    difference.paste(0, band)
                else:
                    assert (
                        difference.crop((0, int(FOOT * 60 / 72), difference.width, difference.height)).getbbox() is None
                    )
                if page:
                    assert difference.getbbox() is None
                    continue
                name_box = _words_box(copy_text.chars[number * per_copy], name)
                if kind == "answer-sheets":
                    qr_box = _qr_box(copies, number * per_copy)
                    assert difference.crop(_scaled(qr_box)).getbbox() is not None, "the copy's own QR code"
                    difference.paste(0, _scaled(qr_box))
                changed = difference.getbbox()
                assert changed is not None and _inside(changed, name_box, scale=60 / 72, slack=3)
    # The variants' pages are stored once, whatever the number of pupils: a copy costs its name.
    assert len(exam_sets["named-1"]["small-exam-sheets.pdf"]) < 1.5 * len(exam_sets["plain"]["small-exam-sheets.pdf"])


def _words_box(chars: list[dict], name: str) -> tuple[float, float, float, float]:
    """Where the letters of `name` are printed on a page (pdfplumber's characters)."""
    letters = [c for c in chars if c["text"] in set(name.replace(" ", ""))]
    run = next(
        letters[i : i + len(name.replace(" ", ""))]
        for i in range(len(letters))
        if "".join(c["text"] for c in letters[i : i + len(name.replace(" ", ""))]) == name.replace(" ", "")
    )
    return (
        min(c["x0"] for c in run),
        min(c["top"] for c in run),
        max(c["x1"] for c in run),
        max(c["bottom"] for c in run),
    )


def _qr_box(pdf: bytes, page: int) -> tuple[float, float, float, float]:
    """The white square under a page's QR code (22 mm), in PDF points from the top left."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        rects = [r for r in document.pages[page].rects if abs(r["width"] - 22 * 72 / 25.4) < 1]
        (square,) = {(round(r["x0"], 1), round(r["top"], 1), round(r["x1"], 1), round(r["bottom"], 1)) for r in rects}
    return square


def _scaled(box: tuple[float, float, float, float], scale: float = 60 / 72) -> tuple[int, int, int, int]:
    return (int(box[0] * scale) - 1, int(box[1] * scale) - 1, int(box[2] * scale) + 2, int(box[3] * scale) + 2)


def _inside(box, outer, scale: float, slack: float) -> bool:
    x0, y0, x1, y1 = (value * scale for value in outer)
    return box[0] >= x0 - slack and box[1] >= y0 - slack and box[2] <= x1 + slack and box[3] <= y1 + slack


def _die_on_second_variant(unit):
    if isinstance(unit, booklet.exam_build.VariantUnit) and unit.variant.index == 1:
        os._exit(9)
    return _LAY_OUT(unit)


_LAY_OUT = booklet.exam_build.lay_out_unit


def test_a_worker_that_dies_fails_the_build_and_changes_nothing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_exam(SMALL, out, 1, 7, jobs=1)
    before = _files(out)
    monkeypatch.setattr(booklet.exam_build, "lay_out_unit", _die_on_second_variant)
    with pytest.raises(BookletError, match="worker process stopped.*nothing was written"):
        build_exam(SMALL, out, 2, 8, jobs=2)
    assert _files(out) == before


def _dies_while_sending(unit: int) -> bytes:
    """Unit 1 dies halfway through sending its result (a big PDF's worth), unit 0 is quick."""
    import threading

    if unit == 1:
        time.sleep(0.1)
        threading.Timer(0.3, os._exit, (9,)).start()  # while the parent is busy with unit 0
        return b"%" * (16 << 20)  # far more than a pipe holds: the worker is still sending
    return b"quick"


def test_a_worker_dying_halfway_through_sending_fails_the_run_instead_of_hanging():
    """The first pool (`concurrent.futures`) waited forever on the half-sent result, so a
    build interrupted while a worker was sending a PDF hung: it must fail, and soon."""
    started = time.monotonic()
    with pytest.raises(BookletError, match="worker process stopped"):
        run_units(_dies_while_sending, [0, 1], lambda unit, result: time.sleep(0.8) if unit == 0 else None, jobs=2)
    assert time.monotonic() - started < 20


def _raises(unit: int) -> int:
    if unit == 2:
        raise ValueError(f"no unit {unit} here")
    return unit


def test_an_error_in_a_worker_reaches_the_caller_with_the_workers_traceback():
    with pytest.raises(ValueError, match="no unit 2 here") as raised:
        run_units(_raises, [1, 2], lambda unit, result: None, jobs=2)
    assert "_raises" in str(raised.value.__cause__)


def _squared(unit: int) -> tuple[int, int]:
    return unit, unit * unit


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_a_unit_added_by_done_runs_after_those_before_it_and_is_done_in_order(jobs):
    """The exam's build adds the teacher's pages' header and footer once the grid's pages are
    counted: the added unit must run, also when every worker is idle by then, and come last."""
    units = [1, 2, 3]
    seen: list[tuple[int, int]] = []

    def done(unit: int, result: tuple[int, int]) -> None:
        seen.append(result)
        if unit in (1, 3) and len(units) < 6:
            units.append(unit * 10)  # after 3 (the last unit): every worker is idle

    run_units(_squared, units, done, jobs=jobs)
    assert seen == [(1, 1), (2, 4), (3, 9), (10, 100), (30, 900)]


def _garbage_settings(unit: int) -> tuple[bool, tuple[int, ...]]:
    return gc.get_freeze_count() > 0, gc.get_threshold()


def test_workers_and_a_one_process_build_collect_garbage_seldom():
    """What is loaded is frozen and collections are seldom while units run, in workers and in
    this process, and this process's settings are given back afterwards. (The first version
    entered a context manager in the worker and dropped it, which restored the defaults at once.)"""
    before = gc.get_threshold(), gc.get_freeze_count()
    seen: list[tuple[bool, tuple[int, ...]]] = []
    run_units(_garbage_settings, [1, 2, 3], lambda unit, result: seen.append(result), jobs=2)
    run_units(_garbage_settings, [1], lambda unit, result: seen.append(result), jobs=1)
    assert seen == [(True, SELDOM)] * 4
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
def test_ctrl_c_stops_every_worker_and_changes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "small-exam-keys.pdf").write_bytes(b"%PDF-1.7 a key printed last week\n")
    before = _files(out)
    # Ctrl-C as in a terminal: a test run started in the background (`pytest &` in a script)
    # passes SIGINT on ignored, and Python keeps it ignored, so the build is given it back.
    command = [
        sys.executable,
        "-c",
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv[0] = 'booklet'; runpy.run_module('booklet', run_name='__main__', alter_sys=True)",
        "exam",
        str(SMALL),
        "-n",
        "12",
        "--seed",
        "8",
        "-j",
        "2",
        "-o",
        str(out),
    ]
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert run.stderr is not None
    first = run.stderr.readline()  # «1/15 …»: a grid page is done, twelve variants are not
    assert first.startswith("1/15"), first
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    try:
        rest = run.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:  # the hang this test is for: fail, and leave nothing running
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
        pytest.fail("the interrupted build did not stop within 30 s")
    assert run.returncode == 130
    assert "interrupted; no PDF was changed" in rest and "Traceback" not in rest
    assert _files(out) == before
    deadline = time.monotonic() + 5
    while _group(run.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group(run.pid), "workers outlived the build"


def _group(group: int) -> list[int]:
    """Live processes of the process group `group`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            found.append(int(entry.name))
    return found


# --- no work twice (engine/record.py, builds.py) ---------------------------------------------


def _state(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file and link under `folder`, with inode, modification time and contents."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        body = os.readlink(path).encode() if path.is_symlink() else path.read_bytes() if path.is_file() else b""
        found[str(path.relative_to(folder))] = (info.st_ino, info.st_mtime_ns, body)
    return found


def test_an_unchanged_build_writes_nothing_and_a_changed_one_rewrites(tmp_path):
    lesson = tmp_path / "lesson"
    shutil.copytree(EVERY_KIND.parent, lesson)
    out = tmp_path / "out"
    first = build(lesson / "lesson.yaml", out, ["handout"])
    assert not first[0].unchanged
    before = _state(out)
    again = build(lesson / "lesson.yaml", out, ["handout"])
    assert again[0].unchanged and again[0].path == first[0].path and again[0].pages == first[0].pages
    assert _state(out) == before  # not a byte, not a link, not a record touched

    forced = build(lesson / "lesson.yaml", out, ["handout"], force=True)
    assert not forced[0].unchanged

    source = lesson / "lesson.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("Түрксіб", "Түркісіб", 1), encoding="utf-8")
    changed = build(lesson / "lesson.yaml", out, ["handout"])
    assert not changed[0].unchanged
    assert "Түркісіб" in PdfText(changed[0].path.read_bytes()).pages[0]
    assert build(lesson / "lesson.yaml", out, ["handout"], lang="ru")[0].unchanged is False  # another option


def test_a_damaged_record_means_a_rebuild(tmp_path):
    out = tmp_path / "out"
    build(EVERY_KIND, out, ["tables"])
    [record] = (out / ".booklet" / "current").glob(".record-*")
    record.unlink()
    record.write_bytes(b'{"format": 1, "printouts": [')
    assert not build(EVERY_KIND, out, ["tables"])[0].unchanged
    assert build(EVERY_KIND, out, ["tables"])[0].unchanged


def test_a_build_with_nothing_to_do_loads_neither_pydantic_nor_weasyprint(tmp_path):
    out = tmp_path / "out"
    command = ["build", str(EVERY_KIND), "--only", "tables", "-o", str(out)]
    probe = (
        "import sys, runpy; sys.argv = ['booklet', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('booklet', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('weasyprint', 'pydantic', 'pikepdf') if m in sys.modules))\n"
    )
    first = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
    assert "wrote 1 PDFs" in first.stdout
    second = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
    assert "nothing changed since the last build: every-kind-tables.pdf" in second.stdout
    assert second.stdout.rstrip().endswith("[]")


def _part(path: Path, pages: int, word: str) -> Path:
    """A small PDF of `pages` pages, each drawing `word` and its page number."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for number in range(pages):
        page = pdf.add_blank_page(page_size=(200, 200))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 20 100 Td ({word} {number}) Tj ET".encode())
    pdf.save(path)
    return path


def test_a_part_is_closed_after_its_last_page_and_what_was_drawn_from_it_stays(tmp_path, monkeypatch):
    """Binding holds a part open only until its last page is bound (engine/binding.py): a
    40-variant set's keys held 128 parts open to the end. The pages and the forms drawn over
    them keep their content after the parts they came from are closed."""
    import pikepdf

    from booklet.engine import binding

    parts = {name: _part(tmp_path / f"{name}.pdf", 2, name) for name in ("first", "second", "over")}
    events: list[str] = []
    opening, closing = pikepdf.open, pikepdf.Pdf.close

    def opened(path, *args, **kwargs):
        if isinstance(path, Path):  # a part (the bound file is read from memory)
            events.append(f"open {path.stem}")
        return opening(path, *args, **kwargs)

    def closed(pdf):
        if pdf.filename.endswith(".pdf"):
            events.append(f"close {Path(pdf.filename).stem}")
        closing(pdf)

    monkeypatch.setattr(pikepdf, "open", opened)
    monkeypatch.setattr(pikepdf.Pdf, "close", closed)
    pages = [
        binding.Placed("first", 0, (("over", 0),)),
        binding.Placed("first", 1),
        binding.Placed("second", 0),
        binding.Placed("second", 1, (("over", 1),)),
    ]
    data = binding.bind(pages, parts, "Bound")
    assert events.index("close first") < events.index("open second")
    assert events.index("close over") > events.index("open second")
    assert sorted(e for e in events if e.startswith("close")) == ["close first", "close over", "close second"]
    monkeypatch.undo()
    document = pypdfium2.PdfDocument(data)
    texts = [document[n].get_textpage().get_text_range() for n in range(len(document))]
    assert [" ".join(text.split()) for text in texts] == ["first 0 over 0", "first 1", "second 0", "second 1 over 1"]
