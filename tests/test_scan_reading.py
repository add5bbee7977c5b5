"""Reading scanned answer sheets: every kind of pupil's mark, every kind of bad scan, read right.

The sheet is the real answer sheet of the bundled exam's first variant (`sheet_plan`), filled
and degraded by `scan/simulate.py` at low resolutions (100-150 dpi) to stay fast. A circle is
read right when a filled one is read filled, an empty one empty, and a cancelled or doubtful
one uncertain; reading a circle filled or empty when it is not is a silent error, and no test
here allows one. The accuracy over thousands of circles is `scripts/scan_accuracy.py`'s.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image

from booklet import load_exam, sample_exam
from booklet.exam import derive_variants
from booklet.labels import labels_for
from booklet.qr import payload
from booklet.scan.images import ScanError, scanned_pages
from booklet.scan.layout import sheet_plan
from booklet.scan.reading import read_page
from booklet.scan.readings import PageSource
from booklet.scan.simulate import Degradation, blank_page, degrade, fill

cv2 = pytest.importorskip("cv2")
pytest.importorskip("zxingcpp")

SEED = 7
EXPECTED = {"filled": "filled", "empty": "empty", "cancelled": "uncertain", "doubtful": "uncertain"}


@pytest.fixture(scope="module")
def sheet(renderer):
    """The first variant's plan, its QR payload for pupil 3, and `plan_for` as `booklet scan` has it."""
    exam = load_exam(sample_exam())
    labels = labels_for("kk")
    variant = derive_variants(exam, SEED, 1, labels)[0]
    plan = sheet_plan(exam, variant, labels, renderer)
    text = payload(exam.id, variant.code, SEED, variant.index, 3)

    def plan_for(sheet_id):
        return (
            plan
            if (sheet_id.exam, sheet_id.variant, sheet_id.index) == (exam.id, variant.code, variant.index)
            else None
        )

    return plan, text, plan_for


def _scan(sheet, seed: int, damage: Degradation, dpi: float = 120):
    plan, text, plan_for = sheet
    rng = random.Random(seed)
    filled = fill(blank_page(plan.blank_pdf, dpi), plan.geometry, dpi, rng, text)
    image = degrade(filled, damage, rng)
    return filled, read_page(image, PageSource("scan.pdf", 1), plan_for)


def _assert_read_right(filled, reading) -> None:
    assert not reading.problem, reading.problem
    wrong = [
        (truth, kind, r.state, round(r.darkness, 3), r.circle.task, r.circle.item, r.circle.mark)
        for truth, kind, r in zip(filled.circles, filled.kinds, reading.circles, strict=True)
        if r.state != EXPECTED[truth]
    ]
    assert not wrong, wrong
    assert [t.state for t in reading.ticks] == list(filled.ticks)


def test_every_kind_of_mark_is_read_right_on_a_straight_scan(sheet):
    """Pen and pencil fills, scribbles, partial fills, ticks and crosses inside, cancelled
    circles, teachers' ticks and stray marks, on one 100 dpi scan."""
    filled, reading = _scan(sheet, 15, Degradation(dpi=100, noise=2), dpi=120)
    drawn = {kind.split(" ", 1)[1] for kind in filled.kinds if kind}
    assert {"fill", "scribble", "partial fill", "tick inside", "cross inside", "fill, crossed out"} <= drawn
    assert {k.split()[0] for k in filled.kinds if k} == {"pen", "pencil"}
    _assert_read_right(filled, reading)
    cancelled = [r for truth, r in zip(filled.circles, reading.circles, strict=True) if truth == "cancelled"]
    assert cancelled and all(r.reason == "cancelled" for r in cancelled)
    assert all(
        r.reason == "light" for truth, r in zip(filled.circles, reading.circles, strict=True) if truth == "doubtful"
    )
    assert reading.sheet.pupil == 3 and reading.notes == []
    height, width = reading.page_image.shape
    assert abs(height - 297 * 6) <= 1 and abs(width - 210 * 6) <= 1, "the straightened page, 6 pixels a millimetre"


@pytest.mark.parametrize("turn", [1, 2, 3])
def test_a_page_turned_any_quarter_is_read_and_said_so(sheet, turn):
    filled, reading = _scan(sheet, 20 + turn, Degradation(dpi=110, turn=turn, tilt=3))
    _assert_read_right(filled, reading)
    said = {1: "turned 90° clockwise", 2: "turned 180°", 3: "turned 90° anticlockwise"}[turn]
    assert said in reading.notes


@pytest.mark.parametrize(
    "damage",
    [
        Degradation(dpi=130, perspective=22, perspective_towards=40, photo=True),
        Degradation(dpi=110, tilt=-14),
        Degradation(dpi=120, shadow=0.55, shadow_angle=30, photo=True),
        Degradation(dpi=150, blur=1.2, noise=7, jpeg=50),
    ],
    ids=["perspective", "tilt", "shadow", "blur-noise-jpeg"],
)
def test_photos_and_copies_are_read_right(sheet, damage):
    filled, reading = _scan(sheet, 31, damage)
    _assert_read_right(filled, reading)


@pytest.mark.parametrize(
    ("corner", "hider"),
    [("bottom-right", "fold"), ("top-left", "staple"), ("bottom-left", "fold")],
)
def test_a_hidden_corner_marker_is_placed_from_the_others(sheet, corner, hider):
    damage = Degradation(dpi=120, tilt=5, perspective=10, hidden_corner=corner, hider=hider, hidden_size=18)
    filled, reading = _scan(sheet, 41, damage)
    _assert_read_right(filled, reading)
    if hider == "fold":  # a staple may leave enough of the marker to be found
        assert any(note.startswith(f"{corner} marker hidden") for note in reading.notes), reading.notes


def test_blank_paper_is_a_problem_not_an_exception(sheet):
    paper = np.full((1170, 827), 235, np.uint8)
    reading = read_page(paper, PageSource("scan.pdf", 2), sheet[2])
    assert reading.sheet is None and reading.circles == ()
    assert reading.problem == "no corner markers found and no QR code: is this an answer sheet?"
    assert reading.page_image is paper


def test_a_sheet_of_another_exam_is_said_to_be_one(sheet):
    plan, _, _ = sheet
    rng = random.Random(5)
    other = fill(blank_page(plan.blank_pdf, 120), plan.geometry, 120, rng, payload("other-exam", "ABCD", 1, 0))
    reading = read_page(degrade(other, Degradation(dpi=120), rng), PageSource("scan.pdf", 1), sheet[2])
    assert reading.sheet.exam == "other-exam" and reading.circles == ()
    assert "other-exam" in reading.problem


def test_a_sheet_read_with_another_variants_layout_is_a_problem_not_a_reading(sheet, renderer):
    """Had the exam file changed after printing (the variant's circles moved), nothing is read."""
    plan, text, _ = sheet
    exam, labels = load_exam(sample_exam()), labels_for("kk")
    other = sheet_plan(exam, derive_variants(exam, SEED, 2, labels)[1], labels, renderer)
    rng = random.Random(4)
    filled = fill(blank_page(plan.blank_pdf, 120), plan.geometry, 120, rng, text)
    reading = read_page(degrade(filled, Degradation(dpi=120), rng), PageSource("scan.pdf", 1), lambda _: other)
    assert "printed circles are not where the sheet has them" in reading.problem
    assert reading.circles == ()


# --- scanned files -----------------------------------------------------------------------------


def test_each_page_of_a_pdf_comes_as_a_gray_image(tmp_path):
    pages = [Image.fromarray(np.full((1169, 827), shade, np.uint8)) for shade in (200, 90)]
    path = tmp_path / "scans.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=100)
    found = list(scanned_pages(path))
    assert [source for source, _ in found] == [PageSource(str(path), 1), PageSource(str(path), 2)]
    assert all(image.dtype == np.uint8 and image.ndim == 2 for _, image in found)
    height, width = found[0][1].shape
    assert abs(height - 2339) <= 2 and abs(width - 1654) <= 2, "rendered at 200 dpi"
    assert abs(int(found[1][1].mean()) - 90) < 3


def test_a_photo_is_turned_as_the_phone_was_held(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # taken turned: the picture is to be shown turned 90 degrees clockwise
    path = tmp_path / "photo.jpg"
    Image.fromarray(np.full((700, 900), 200, np.uint8)).save(path, exif=exif.tobytes())
    ((source, image),) = scanned_pages(path)
    assert source == PageSource(str(path), 1) and image.shape == (900, 700)


def test_an_image_too_small_is_refused_saying_what_it_is_and_what_is_needed(tmp_path):
    path = tmp_path / "thumb.png"
    Image.fromarray(np.full((400, 300), 255, np.uint8)).save(path)
    with pytest.raises(ScanError, match=r"thumb\.png: the image is 300×400 pixels, too small.*at least 600 pixels"):
        list(scanned_pages(path))


def test_files_that_are_not_scans_are_refused_by_name(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a scan")
    with pytest.raises(ScanError, match=r"notes\.txt: not a PDF, JPEG or PNG"):
        list(scanned_pages(text))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    with pytest.raises(ScanError, match=r"broken\.jpg: the picture cannot be read"):
        list(scanned_pages(broken))
    with pytest.raises(ScanError, match=r"missing\.pdf: file not found"):
        list(scanned_pages(tmp_path / "missing.pdf"))
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n" + bytes(50))
    with pytest.raises(ScanError, match=r"damaged\.pdf: the PDF is damaged"):
        list(scanned_pages(damaged))


def test_reading_is_the_same_for_the_same_scan(sheet):
    plan, text, plan_for = sheet
    rng = random.Random(3)
    image = degrade(fill(blank_page(plan.blank_pdf, 100), plan.geometry, 100, rng, text), Degradation(dpi=100), rng)
    first, second = (read_page(image, PageSource("a", 1), plan_for) for _ in range(2))
    assert [(r.state, r.darkness) for r in first.circles] == [(r.state, r.darkness) for r in second.circles]
