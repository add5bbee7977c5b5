"""Where a variant's answer sheet put its circles, tick boxes and QR code, read back from its layout.

A scan is measured where the sheet printed, not where a template meant to print: the answer
sheet is laid out again with the very function `booklet exam --answer-sheet` uses
(`exam_units.lay_out_answer_sheet`, same HTML, same stylesheet, same fonts), and the laid-out
boxes give each circle's place to a fraction of a millimetre, whatever the variant, the
language or the number of options. The template names what each circle answers in data
attributes (`data-task`, `data-item`, `data-mark`; a tick box: `data-task`, `data-descriptor`,
`data-points`), which this module reads back. It is the one module of the scanning room that
touches WeasyPrint's box tree (as engine/painting.py does for printing); everything after it
works from the plain `SheetGeometry`.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.painting import descendants, with_furniture, without_answers
from ..labels import Labels
from ..model import Exam
from ..render import Renderer
from ..resources import templates_dir
from .geometry import Box, Circle, SheetGeometry, TickBox, markers

MM_PER_PX = 25.4 / 96
"""WeasyPrint lays out in CSS pixels, 96 to the inch."""

QR_CLASS = "exam-qr"
"""The class of the element holding the sheet's QR code (templates/exam/head.html)."""


@dataclass(frozen=True)
class SheetPlan:
    """What scanning needs of one variant's answer sheet: where everything is, and the page as
    printed for an unnamed copy (unfilled, no answers), as a one-page PDF. The blank is the
    reference for the printed ink: what is dark on a scan and not on the blank was written by
    hand. Its QR code is the unnamed copy's; a named copy's differs there, so the QR's box is
    not to be compared."""

    geometry: SheetGeometry
    blank_pdf: bytes


def sheet_plan(exam: Exam, variant: Any, labels: Labels, renderer: Renderer, folder: Path | None = None) -> SheetPlan:
    """The plan of `variant`'s answer sheet, laid out exactly as the printed one.

    `exam` and `labels` must be those the sheets were printed with: for a sheet printed in the
    Latin alphabet, the converted exam (`latin.latin_exam`) and its labels (`page_settings`).
    `folder` is where the exam's relative URLs resolve; the answer sheet uses none."""
    from ..exam_pages import furniture_html
    from ..exam_units import lay_out_answer_sheet  # the build imports the whole printing side

    folder = folder or templates_dir()
    key = hashlib.sha256(
        "\0".join(
            (exam.model_dump_json(), str(variant.seed), str(variant.index), variant.code, repr(labels), str(folder))
        ).encode()
    ).hexdigest()
    if key in _PLANS:
        _PLANS.move_to_end(key)
        return _PLANS[key]
    layout, context = lay_out_answer_sheet(exam, variant, labels, renderer, folder)
    page = layout.document.pages[0]
    furniture = renderer.lay_out(furniture_html(context, 1), folder, "furniture").document.pages[0]
    blank = layout.repainted([with_furniture(without_answers(page), furniture)], context["doc_title"])
    pdf = renderer.bind([blank], f"{exam.id} variant {variant.letter} blank answer sheet").pdf
    _PLANS[key] = plan = SheetPlan(answer_sheet_geometry(page), pdf)
    while len(_PLANS) > PLANS_KEPT:
        _PLANS.popitem(last=False)
    return plan


PLANS_KEPT = 40
"""Sheet plans kept in memory (about 60 KB each): a variant's plan is laid out once (0.7 s)
however many piles of its sheets are scanned in one process (the studio, the tests): it
follows from the exam file as it is, the variant's seed and place, and the labels, which the
key covers, so an edited exam file makes new plans."""
_PLANS: OrderedDict[str, SheetPlan] = OrderedDict()


def answer_sheet_geometry(page: Any) -> SheetGeometry:
    """Every circle and tick box of a laid-out answer sheet page (a WeasyPrint `Page`), its QR
    code's box, and the corner markers, in millimetres from the page's top left."""
    circles: list[Circle] = []
    ticks: list[TickBox] = []
    qr: Box | None = None
    for box, element in _elements(page._page_box):
        if element.get("data-mark") is not None:
            x, y, width, _ = _border_box(box)
            circles.append(
                Circle(
                    task=int(element.get("data-task")),
                    item=element.get("data-item"),
                    mark=element.get("data-mark"),
                    x=x + width / 2,
                    y=y + width / 2,
                    radius=width / 2,
                )
            )
        elif element.get("data-descriptor") is not None:
            x, y, width, _ = _border_box(box)
            ticks.append(
                TickBox(
                    task=int(element.get("data-task")),
                    descriptor=int(element.get("data-descriptor")),
                    points=int(element.get("data-points")),
                    x=x + width / 2,
                    y=y + width / 2,
                    size=width,
                )
            )
        elif qr is None and QR_CLASS in (element.get("class") or "").split():
            qr = Box(*_border_box(box))
    if qr is None:
        raise ValueError("the answer sheet has no QR code")
    width, height = page.width * MM_PER_PX, page.height * MM_PER_PX
    return SheetGeometry(width, height, markers(width, height), qr, tuple(circles), tuple(ticks))


def _elements(root: Any) -> Iterator[tuple[Any, Any]]:
    """Each element's outermost box on the page, with the element, in document order (an
    inline block's line boxes carry its element too)."""
    seen: set[int] = set()
    for box in descendants(root):
        element = getattr(box, "element", None)
        if element is None or id(element) in seen:
            continue
        seen.add(id(element))
        yield box, element


def _border_box(box: Any) -> tuple[float, float, float, float]:
    """x, y, width and height of a box's border box, mm: a circle's ring is drawn on its border."""
    return (
        box.border_box_x() * MM_PER_PX,
        box.border_box_y() * MM_PER_PX,
        box.border_width() * MM_PER_PX,
        box.border_height() * MM_PER_PX,
    )
