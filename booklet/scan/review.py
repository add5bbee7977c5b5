"""review.html: what a teacher must look at before the results are final.

Every doubtful answer is shown as the scan has it (a crop of the straightened page around
its row of circles or its tick box, embedded as a PNG so the page works offline and can be
mailed), beside what reading measured for each circle, whose sheet it is, and the line of
corrections.csv to fill in. Pages that could not be read are listed by file and page with
the reason and a small picture. Every word is in the exam's language (`words.py`), the
reason a page was not read too. The decisions are all made here; the template lays them out.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape
from PIL import Image

from ..model import Exam
from ..roster import Pupil
from ..templating import environment
from .corrections import COLUMNS, DELIMITER, CorrectionLine, correction_lines
from .marking import ItemResult, SheetResult, TickResult
from .readings import PIXELS_PER_MM, PageReading
from .words import KK, Words, who

CROP_MARGIN = 4.0
"""Millimetres of page kept round a row's circles: the ring and what the pupil wrote beside it."""
LABEL_ROOM = 12.0
"""Millimetres kept left of a row's first circle, where the sheet prints the item's label."""
ROW_MARGIN = 1.5
"""Millimetres kept above and below a row: its own marks, not half of the next row's."""
DESCRIPTOR_ROOM = 45.0
"""Millimetres kept right of a tick box: the start of its descriptor's text, to tell the boxes apart."""
THUMB_WIDTH = 360
"""Pixels across an unreadable page's picture: enough to see a page is upside down or cut off."""


@dataclass(frozen=True)
class CircleShown:
    mark: str
    state: str
    """As reading has it: filled, empty, uncertain."""
    state_word: str
    """The state in the page's language: боялған, бос, анық емес."""
    darkness: int
    """Percent."""
    reason: str


@dataclass(frozen=True)
class DoubtShown:
    pupil: str
    class_name: str
    variant: str
    file: str
    page: int
    task: int
    what: str
    """«2-сұрақ» for a row, «1-дескриптор: …» for a tick box."""
    reason: str
    circles: tuple[CircleShown, ...]
    crop: str
    """A data: URL of the PNG, or empty when the page has no image."""
    line: CorrectionLine


@dataclass(frozen=True)
class UnreadableShown:
    file: str
    page: int
    problem: str
    picture: str


def _png(image: np.ndarray | Image.Image) -> str:
    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image, dtype=np.uint8))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def crop(page: object, left: float, top: float, right: float, bottom: float) -> str:
    """The part of a straightened page between these millimetres, as a data: URL (empty without a page)."""
    if page is None:
        return ""
    image = np.asarray(page)
    height, width = image.shape[:2]
    x0, x1 = max(0, round(left * PIXELS_PER_MM)), min(width, round(right * PIXELS_PER_MM))
    y0, y1 = max(0, round(top * PIXELS_PER_MM)), min(height, round(bottom * PIXELS_PER_MM))
    if x1 <= x0 or y1 <= y0:
        return ""
    return _png(image[y0:y1, x0:x1])


def _circle(mark: str, state: str, darkness: float, reason: str, words: Words) -> CircleShown:
    return CircleShown(mark, state, words.states[state], round(100 * darkness), reason)


def _item_doubt(result: SheetResult, item: ItemResult, words: Words) -> tuple[str, str, tuple[CircleShown, ...], str]:
    circles = tuple(_circle(r.circle.mark, r.state, r.darkness, r.reason, words) for r in item.readings)
    picture = ""
    if item.readings:
        xs = [r.circle.x for r in item.readings]
        ys = [r.circle.y for r in item.readings]
        radius = max(r.circle.radius for r in item.readings)
        picture = crop(
            result.reading.page_image,
            min(xs) - radius - LABEL_ROOM,
            min(ys) - radius - ROW_MARGIN,
            max(xs) + radius + CROP_MARGIN,
            max(ys) + radius + ROW_MARGIN,
        )
    return words.item_number.format(n=item.item), words.doubt_reasons[item.doubt], circles, picture


def _tick_doubt(result: SheetResult, tick: TickResult, words: Words) -> tuple[str, str, tuple[CircleShown, ...], str]:
    answer = next(task for task in result.key if task.number == tick.task)
    text = answer.descriptors[tick.descriptor].text
    number = words.descriptor_number.format(n=tick.descriptor + 1)
    what = f"{number} ({words.descriptor_points.format(n=tick.points)}): {text}"
    if tick.reading is None:
        return what, words.doubt_reasons[tick.doubt], (), ""
    box = tick.reading.box
    reading = tick.reading
    shown = (_circle("☐", reading.state, reading.darkness, reading.reason, words),)
    half = box.size / 2
    page = result.reading.page_image
    picture = crop(
        page, box.x - half - CROP_MARGIN, box.y - half - ROW_MARGIN, box.x + DESCRIPTOR_ROOM, box.y + half + ROW_MARGIN
    )
    return what, words.doubt_reasons[tick.doubt], shown, picture


def doubts_shown(
    results: Sequence[SheetResult], roster: Sequence[Pupil] | None = None, words: Words = KK
) -> tuple[DoubtShown, ...]:
    """Every open doubt, in the order of the corrections file's lines."""
    lines = {
        (line.source, line.task, line.item, line.descriptor): line for line in correction_lines(results, roster, words)
    }
    shown = []
    for result in results:
        name, class_name = who(result, roster, words)
        source = (result.source.file, result.source.page)
        variant = f"{result.variant.letter} ({result.variant.code})"
        for task in result.tasks:
            found = [(_item_doubt(result, i, words), i.item, None) for i in task.items if i.status == "doubt"]
            found += [(_tick_doubt(result, t, words), "", t.descriptor) for t in task.ticks if t.status == "doubt"]
            for (what, reason, circles, picture), item, descriptor in found:
                line = lines[(source, task.number, item, descriptor)]
                where = (name, class_name, variant, *source, task.number)
                shown.append(DoubtShown(*where, what, reason, circles, picture, line))
    return tuple(shown)


def unreadable_shown(pages: Sequence[PageReading], words: Words = KK) -> tuple[UnreadableShown, ...]:
    shown = []
    for page in pages:
        picture = ""
        if page.page_image is not None:
            image = Image.fromarray(np.asarray(page.page_image, dtype=np.uint8))
            image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
            picture = _png(image)
        problem = words.page_problem(page.problem)
        shown.append(UnreadableShown(page.source.file, page.source.page, problem, picture))
    return tuple(shown)


def review_html(
    exam: Exam,
    results: Sequence[SheetResult],
    unreadable: Sequence[PageReading] = (),
    roster: Sequence[Pupil] | None = None,
    words: Words = KK,
) -> str:
    """review.html: the doubts to settle and the pages to scan again, in `words`."""
    context = {
        "exam": exam,
        "words": words,
        "how_to_correct": with_code(words.how_to_correct),
        "doubts": doubts_shown(results, roster, words),
        "unreadable": unreadable_shown(unreadable, words),
        "sheets": len(results),
        "incomplete": sum(not r.complete for r in results),
        "header": DELIMITER.join(COLUMNS),
    }
    return environment().get_template("scan/review.html").render(context)


def with_code(text: str) -> Markup:
    """`text` as HTML, what it puts in backquotes (`corrections.csv`) as code."""
    parts = text.split("`")
    if len(parts) % 2 == 0:
        raise ValueError(f"an unclosed backquote in {text!r}")
    shown = (Markup("<code>%s</code>") % part if index % 2 else escape(part) for index, part in enumerate(parts))
    return Markup("").join(shown)
