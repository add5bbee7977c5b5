"""`booklet scan` end to end: a class set printed with answer sheets, every sheet filled with its
key's answers (or known wrong ones), photographed badly, scanned, and marked.

The fills are drawn here, plainly, where the sheet's own layout put each circle: this file
tests reading and marking the sheets booklet prints, not how pupils hold a pen (that is
`booklet/scan/simulate.py`'s, in tests/test_scan_reading.py and scripts/scan_accuracy.py).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import openpyxl
import pytest

from booklet import BookletError, build_exam, scan_exam
from booklet.exam_loader import load_exam
from booklet.exam_pages import answer_tasks
from booklet.lesson_build import page_settings
from booklet.render import default_renderer
from booklet.scan.images import ScanError, scanned_pages
from booklet.scan.layout import sheet_plan

from .accessibility import audit

EXAM = Path(__file__).parent.parent / "content" / "industrialisation" / "exam.yaml"
ROSTER = "Аты-жөні;Сынып\nӘлиев Нұрлан;9 Ә\nСәтбаева Дана;9 Ә\nИванов Иван;9 Ә\n"
DPI = 150


@dataclass(frozen=True)
class PrintedSet:
    folder: Path
    roster: Path
    pages: tuple[np.ndarray, ...]
    """Each pupil's answer sheet as printed, at DPI."""
    plans: tuple  # each copy's SheetPlan
    keys: tuple  # each copy's {(task, item): right mark}
    meanings: tuple  # each copy's {(task, item): (the item's text, {mark: what it says})}


@pytest.fixture(scope="session")
def printed(tmp_path_factory, once_per_run) -> PrintedSet:
    """Printed once for the run (both test workers read it): a build and two sheet plans."""
    shared = tmp_path_factory.getbasetemp().parent / "scan-class-set"
    return once_per_run("scan-class-set", lambda: _printed(shared))


def _printed(folder: Path) -> PrintedSet:
    folder.mkdir(parents=True, exist_ok=True)
    roster = folder / "class.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    made = build_exam(EXAM, folder / "out", variants=2, seed=5, roster=roster, answer_sheets=True, jobs=1, force=True)
    pdf = (folder / "out" / "industrialisation-bjb-answer-sheets.pdf").read_bytes()
    exam = load_exam(EXAM)
    labels, _ = page_settings(exam, None, None)
    renderer = default_renderer()
    plans, keys, meanings = [], [], []
    for copy in made.copies:
        meanings.append(
            {
                (task.number, row.label): (row.text, {b.mark: b.text for b in row.bubbles})
                for task in answer_tasks(copy.variant, labels)
                for row in task.rows
            }
        )
        plans.append(sheet_plan(exam, copy.variant, labels, renderer, EXAM.resolve().parent))
        keys.append(
            {
                (task.number, row.label): next(b.mark for b in row.bubbles if b.right)
                for task in answer_tasks(copy.variant, labels)
                for row in task.rows
            }
        )
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    pages = tuple(_gray(document[i].render(scale=DPI / 72, grayscale=True).to_numpy()) for i in range(len(document)))
    return PrintedSet(folder, roster, pages, tuple(plans), tuple(keys), tuple(meanings))


def _gray(image: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(image[:, :, 0] if image.ndim == 3 else image)


def filled(page: np.ndarray, plan, answers: dict, ticks: bool = True) -> np.ndarray:
    """`page` with the circle of each (task, item) → mark of `answers` filled in dark pen, and
    every teacher's tick box ticked."""
    out, scale = page.copy(), DPI / 25.4
    for circle in plan.geometry.circles:
        if answers.get((circle.task, circle.item)) == circle.mark:
            cv2.circle(
                out, (round(circle.x * scale), round(circle.y * scale)), round(circle.radius * scale * 0.95), 30, -1
            )
    for box in plan.geometry.ticks if ticks else ():
        x, y, half = box.x * scale, box.y * scale, box.size * scale / 2
        tick = np.int32([[x - half * 0.6, y], [x - half * 0.1, y + half * 0.6], [x + half * 0.7, y - half * 0.7]])
        cv2.polylines(out, [tick], False, 30, 3)
    return out


def photographed(image: np.ndarray, turns: int, tilt: float, seed: int) -> np.ndarray:
    """As a phone gives a page back: on a desk, turned, tilted, foreshortened, shadowed, noisy, JPEG."""
    pad = round(0.08 * max(image.shape))
    out = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=200)
    h, w = out.shape
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    leaning = np.float32([[0.03 * w, 0], [0.97 * w, 0], [w, h], [0, h]])
    out = cv2.warpPerspective(out, cv2.getPerspectiveTransform(corners, leaning), (w, h), borderValue=180)
    out = cv2.warpAffine(out, cv2.getRotationMatrix2D((w / 2, h / 2), tilt, 1.0), (w, h), borderValue=180)
    out = (out * np.linspace(0.7, 1.0, w, dtype=np.float32)[None, :]).astype(np.uint8)
    out = cv2.GaussianBlur(out, (0, 0), 0.8)
    out = np.clip(out + np.random.default_rng(seed).normal(0, 4, out.shape), 0, 255).astype(np.uint8)
    out = np.ascontiguousarray(np.rot90(out, turns))
    return cv2.imdecode(cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 70])[1], cv2.IMREAD_GRAYSCALE)


def photos(printed: PrintedSet, folder: Path, answers: list[dict], ticks: bool = True) -> list[Path]:
    paths = []
    for n, (page, plan) in enumerate(zip(printed.pages, printed.plans, strict=True)):
        path = folder / f"photo-{n + 1}.jpg"
        cv2.imwrite(str(path), photographed(filled(page, plan, answers[n], ticks), turns=n, tilt=4.0 - 3 * n, seed=n))
        paths.append(path)
    return paths


def results(folder: Path) -> list[dict[str, str]]:
    text = (folder / "results.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_every_pupil_filled_with_the_key_gets_full_marks(printed, tmp_path):
    scans = photos(printed, tmp_path, list(printed.keys))
    marked = scan_exam(scans, EXAM, tmp_path / "marked", roster=printed.roster)
    assert marked.summary.startswith("3 sheets read, 3 marked, average 100"), marked.summary
    book = openpyxl.load_workbook(tmp_path / "marked" / "results.xlsx")
    rows = [[cell for cell in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    text = "\n".join(" ".join(str(cell) for cell in row if cell is not None) for row in rows)
    for name in ("Әлиев Нұрлан", "Сәтбаева Дана", "Иванов Иван"):
        assert name in text
    assert text.count("32") >= 3 and "100" in text
    annotated = audit((tmp_path / "marked" / "annotated.pdf").read_bytes())
    assert annotated.problems == [] and annotated.lang == "kk", "tagged as every booklet PDF is"
    figures = annotated.alts()
    assert len(figures) == 3 and all(
        "Әлиев Нұрлан" in alt or "Сәтбаева Дана" in alt or "Иванов Иван" in alt for alt in figures
    )


def test_known_wrong_answers_are_marked_exactly_and_counted_per_item(printed, tmp_path):
    answers = [dict(key) for key in printed.keys]
    task, item = next(iter(answers[0]))  # the first row of the first pupil's sheet
    right = answers[0][(task, item)]
    wrong = next(
        c.mark for c in printed.plans[0].geometry.circles if (c.task, c.item) == (task, item) and c.mark != right
    )
    answers[0][(task, item)] = wrong
    scans = photos(printed, tmp_path, answers)
    marked = scan_exam(scans, EXAM, tmp_path / "marked", roster=printed.roster)
    assert "3 marked" in marked.summary and "review" not in marked.summary, marked.summary
    items = (tmp_path / "marked" / "items.csv").read_bytes().decode("utf-8-sig")
    question, says = printed.meanings[0][(task, item)]
    row = next(row for row in csv.DictReader(io.StringIO(items), delimiter=";") if row["Сұрақ"] == question)
    assert row["Таңдалған қате жауаптар"] == f"{says[wrong]}: 1"
    had_it = sum(any(text == question for text, _ in copy.values()) for copy in printed.meanings)
    assert (row["Жауап бергені"], row["Дұрыс жауап"]) == (str(had_it), says[right])
    first = (tmp_path / "marked" / "results.csv").read_bytes().decode("utf-8-sig")
    assert "Әлиев Нұрлан" in first
    # The annotated copy to hand back rings that answer red and the right circle green beside it.
    page = _annotated_pages(tmp_path / "marked" / "annotated.pdf")[0]
    circles = {c.mark: c for c in printed.plans[0].geometry.circles if (c.task, c.item) == (task, item)}
    assert _ring_colour(page, circles[wrong], grow=1.0, width=4) == "red"
    assert _ring_colour(page, circles[right], grow=0.9, width=3) == "green"
    others = [c for mark, c in circles.items() if mark not in (wrong, right)]
    assert all(_ring_colour(page, c, grow=1.0, width=4) is None for c in others)


def _annotated_pages(path: Path) -> list[np.ndarray]:
    """The pictures of annotated.pdf (one JPEG a page), as RGB arrays."""
    import pikepdf
    from PIL import Image

    pages = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            (picture,) = page.Resources.XObject.values()
            pages.append(np.asarray(Image.open(io.BytesIO(picture.read_raw_bytes())).convert("RGB")))
    return pages


def _ring_colour(page: np.ndarray, circle, grow: float, width: int) -> str | None:
    """ "red" or "green" when most of a ring drawn `grow` mm outside the printed circle, `width`
    pixels inwards, is that colour."""
    from booklet.scan.readings import PIXELS_PER_MM

    r = (circle.radius + grow) * PIXELS_PER_MM - width / 2
    found = {"red": 0, "green": 0}
    for angle in np.linspace(0, 2 * np.pi, 36, endpoint=False):
        x, y = round(circle.x * PIXELS_PER_MM + r * np.cos(angle)), round(circle.y * PIXELS_PER_MM + r * np.sin(angle))
        red, green, blue = (int(v) for v in page[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(axis=0))
        if red > 150 and green < 110 and blue < 110:
            found["red"] += 1
        elif green > 100 and red < 90 and blue < 120:
            found["green"] += 1
    colour, count = max(found.items(), key=lambda entry: entry[1])
    return colour if count > 24 else None


def test_two_circles_filled_in_a_row_go_to_review_and_a_correction_settles_them(printed, tmp_path):
    answers = [dict(key) for key in printed.keys]
    scans = photos(printed, tmp_path, answers)
    # pupil 2 fills a second circle in one row: read again with both filled
    task, item = next(iter(answers[1]))
    plan = printed.plans[1]
    other = next(
        c for c in plan.geometry.circles if (c.task, c.item) == (task, item) and c.mark != answers[1][(task, item)]
    )
    page = filled(printed.pages[1], plan, answers[1])
    page = filled(page, plan, {(task, item): other.mark}, ticks=False)
    cv2.imwrite(str(scans[1]), photographed(page, turns=1, tilt=1.0, seed=9))
    marked = scan_exam(scans, EXAM, tmp_path / "marked", roster=printed.roster)
    assert "1 answer to review" in marked.summary, marked.summary
    review = (tmp_path / "marked" / "review.html").read_text(encoding="utf-8")
    assert "photo-2.jpg" in review
    corrections = (tmp_path / "marked" / "corrections.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert len(corrections) == 2, corrections
    settled = tmp_path / "settled.csv"
    heading, line = corrections
    settled.write_text(heading + "\n" + line + answers[1][(task, item)] + "\n", encoding="utf-8")
    again = scan_exam(scans, EXAM, tmp_path / "again", roster=printed.roster, corrections=settled)
    assert again.summary.startswith("3 sheets read, 3 marked, average 100"), again.summary


def test_a_roster_shorter_than_the_sheets_say_is_refused(printed, tmp_path):
    scans = photos(printed, tmp_path, list(printed.keys))
    short = tmp_path / "short.csv"
    short.write_text("Аты-жөні\nӘлиев Нұрлан\n", encoding="utf-8")
    with pytest.raises(BookletError, match="pupil 2 of the class list, but the roster given has 1 pupils"):
        scan_exam(scans, EXAM, tmp_path / "marked", roster=short)
    assert not (tmp_path / "marked").exists()


def test_the_question_papers_are_not_answer_sheets(printed, tmp_path):
    papers = printed.folder / "out" / "industrialisation-bjb-sheets.pdf"
    with pytest.raises(BookletError, match="question paper, not an answer sheet"):
        scan_exam([papers], EXAM, tmp_path / "marked")


def test_a_blank_page_is_reported_by_file_and_page_not_guessed(printed, tmp_path):
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((1400, 1000), 245, np.uint8))
    marked = scan_exam([blank], EXAM, tmp_path / "marked")
    assert "1 page unreadable" in marked.summary
    assert "blank.png" in (tmp_path / "marked" / "review.html").read_text(encoding="utf-8")


def test_an_image_too_small_and_a_file_that_is_no_scan_are_clear_errors(tmp_path):
    small = tmp_path / "small.png"
    cv2.imwrite(str(small), np.full((300, 200), 255, np.uint8))
    with pytest.raises(ScanError, match=r"small.png: the image is 200×300 pixels, too small"):
        list(scanned_pages(small))
    text = tmp_path / "notes.txt"
    text.write_text("not a scan", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "booklet", "scan", str(text), "--exam", str(EXAM), "-o", str(tmp_path / "m")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "notes.txt: not a PDF, JPEG or PNG" in run.stderr and "Traceback" not in run.stderr
