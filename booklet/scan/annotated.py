"""annotated.pdf: every scanned page as it was read, with the marking drawn over it.

A teacher checks a pupil's result against the sheet itself, so each page shows, at the
circles the sheet printed: the pupil's right answers ringed green; a wrong answer ringed
red, with the right circle ringed thin green beside it (also on a row left blank); doubts
ringed orange; each task's points beside its first row; the total and the mark at the top
(or «толық емес» while doubts are open), in the exam's language (`words.py`). A page that
could not be read is shown with the reason in red. Drawn with Pillow (its text takes Cyrillic,
OpenCV's does not), one image a page at `PIXELS_PER_MM`, written with pikepdf with the exam's
date: no clock, same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..model import Exam
from ..resources import fonts_dir
from ..roster import Pupil
from .geometry import Circle
from .marking import ItemResult, SheetResult, TaskResult
from .readings import PIXELS_PER_MM, PageReading
from .words import KK, Words, who

GREEN = (0, 150, 60)
RED = (215, 30, 30)
ORANGE = (240, 140, 0)
INK = (25, 60, 160)
"""The points and the head: blue, as a teacher's pen, apart from the pupil's black."""

A4 = (210.0, 297.0)


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts_dir() / ("PTSans-Bold.ttf" if bold else "PTSans-Regular.ttf")), size)


def _px(mm: float) -> int:
    return round(mm * PIXELS_PER_MM)


def _canvas(image: object, size_mm: tuple[float, float]) -> Image.Image:
    if image is None:
        return Image.new("RGB", (_px(size_mm[0]), _px(size_mm[1])), "white")
    return Image.fromarray(np.asarray(image, dtype=np.uint8)).convert("RGB")


Colour = tuple[int, int, int]


def _ring(draw: ImageDraw.ImageDraw, circle: Circle, colour: Colour, width: int, grow: float = 1.0) -> None:
    """A ring `grow` mm outside the printed one, so the pupil's mark stays visible inside it."""
    r = _px(circle.radius + grow)
    x, y = _px(circle.x), _px(circle.y)
    draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=width)


def _item(draw: ImageDraw.ImageDraw, item: ItemResult) -> None:
    by_mark = {reading.circle.mark: reading.circle for reading in item.readings}
    if item.status == "doubt":
        for reading in item.readings:
            if reading.state != "empty":
                _ring(draw, reading.circle, ORANGE, 4)
        if all(reading.state == "empty" for reading in item.readings):
            for reading in item.readings:
                _ring(draw, reading.circle, ORANGE, 2)
        return
    chosen = by_mark.get(item.answer or "")
    if chosen is not None:
        _ring(draw, chosen, GREEN if item.status == "right" else RED, 4)
    if item.status != "right" and item.right in by_mark:
        _ring(draw, by_mark[item.right], GREEN, 3, grow=0.9)


def _points_place(task: TaskResult) -> tuple[float, float, str] | None:
    """Where a task's points go, mm, with the text's anchor: right of its first row's last
    circle; for an open task left of its first tick box (its descriptors' text is to the right)."""
    if task.items and task.items[0].readings:
        y = task.items[0].readings[0].circle.y
        line = [r.circle for item in task.items for r in item.readings if abs(r.circle.y - y) < 1.5]
        last = max(line, key=lambda circle: circle.x)  # rows of few circles share a line
        return last.x + last.radius + 3, y, "lm"
    if task.ticks and task.ticks[0].reading is not None:
        box = task.ticks[0].reading.box
        return box.x - box.size / 2 - 1.5, box.y, "rm"
    return None


def _task(draw: ImageDraw.ImageDraw, task: TaskResult) -> None:
    for item in task.items:
        _item(draw, item)
    for tick in task.ticks:
        if tick.reading is None:
            continue
        box = tick.reading.box
        half = _px(box.size / 2 + 0.8)
        x, y = _px(box.x), _px(box.y)
        colour = ORANGE if tick.status == "doubt" else GREEN if tick.status == "ticked" else None
        if colour is not None:
            draw.rectangle((x - half, y - half, x + half, y + half), outline=colour, width=4 if colour == ORANGE else 3)
    place = _points_place(task)
    if place is not None:
        text = f"{'?' if task.points is None else task.points}/{task.out_of}"
        colour = ORANGE if task.points is None else INK
        draw.text((_px(place[0]), _px(place[1])), text, fill=colour, font=_font(_px(4.2), bold=True), anchor=place[2])


def _head(draw: ImageDraw.ImageDraw, width: int, lines: Sequence[str], colour: Colour) -> None:
    """A white band across the top between the corner markers, holding `lines`."""
    font = _font(_px(3.6), bold=True)
    top, height = _px(1.5), _px(5.0) * len(lines) + _px(1.5)
    draw.rectangle((_px(16), top, width - _px(16), top + height), fill="white", outline=colour, width=3)
    for index, line in enumerate(lines):
        draw.text((width // 2, top + _px(3.2) + index * _px(5.0)), line, fill=colour, font=font, anchor="mm")


def annotated_page(result: SheetResult, roster: Sequence[Pupil] | None = None, words: Words = KK) -> Image.Image:
    """One marked page, drawn."""
    geometry = result.reading.geometry
    size = (geometry.page_width, geometry.page_height) if geometry else A4
    image = _canvas(result.reading.page_image, size)
    draw = ImageDraw.Draw(image)
    for task in result.tasks:
        _task(draw, task)
    _head(draw, image.width, head_lines(result, roster, words), INK if result.complete else ORANGE)
    return image


def head_lines(result: SheetResult, roster: Sequence[Pupil] | None = None, words: Words = KK) -> tuple[str, str]:
    """The two lines at the top of a marked page: whose sheet, and its total and mark (or why not yet)."""
    name = who(result, roster, words)[0]
    first = f"{name} · {words.variant} {result.variant.letter} ({result.variant.code})"
    if result.complete:
        percent = f"{result.percent:.1f}".replace(".", ",")
        return first, f"{words.total}: {result.total}/{result.out_of} ({percent} %) · {words.mark}: «{result.mark}»"
    return first, f"{words.incomplete_doubts.format(n=result.doubts)}, {words.see_review}"


def unreadable_lines(reading: PageReading, words: Words = KK) -> tuple[str, str]:
    """The two lines at the top of a page that could not be read: which page, and why."""
    return words.page_of(reading.source.file, reading.source.page), words.page_problem(reading.problem)


def unreadable_page(reading: PageReading, words: Words = KK) -> Image.Image:
    """A page that could not be read, as it came, with why."""
    image = _canvas(reading.page_image, A4)
    _head(ImageDraw.Draw(image), image.width, unreadable_lines(reading, words), RED)
    return image


def annotated_pdf(
    exam: Exam,
    results: Iterable[SheetResult],
    unreadable: Iterable[PageReading] = (),
    roster: Sequence[Pupil] | None = None,
    words: Words = KK,
) -> bytes:
    """annotated.pdf: a page per marked sheet, then the unreadable pages, in the order given,
    written in `words`.

    Each page is one JPEG picture (the scan with what was read drawn on it), written with
    pikepdf as it is: reportlab's ASCII85 encoding of raw pictures took 2.5 s a page."""
    import pikepdf

    pdf = pikepdf.new()
    pages = [(annotated_page(r, roster, words), head_lines(r, roster, words)) for r in results]
    pages += [(unreadable_page(r, words), unreadable_lines(r, words)) for r in unreadable]
    figures = []
    for image, lines in pages:
        width = A4[0] * POINTS_PER_MM
        height = width * image.height / image.width
        jpeg = io.BytesIO()
        image.convert("RGB").save(jpeg, "JPEG", quality=85, optimize=False)
        picture = pikepdf.Stream(pdf, jpeg.getvalue())
        picture.Type, picture.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        picture.Width, picture.Height = image.width, image.height
        picture.ColorSpace, picture.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        picture.Filter = pikepdf.Name.DCTDecode
        page = pdf.add_blank_page(page_size=(width, height))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Scan=picture))
        drawing = f"/Figure <</MCID 0>> BDC q {width:.3f} 0 0 {height:.3f} 0 0 cm /Scan Do Q EMC"
        page.Contents = pdf.make_stream(drawing.encode())
        figures.append((page, ". ".join(line for line in lines if line)))
    if not pages:
        pdf.add_blank_page(page_size=(A4[0] * POINTS_PER_MM, A4[1] * POINTS_PER_MM))
    _tag(pdf, figures, words.lang)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return _dated(out.getvalue(), exam, words)


def _tag(pdf: object, figures: list[tuple[object, str]], lang: str) -> None:
    """Tag the file as every booklet PDF is (PDF/UA-1): each page is one figure, the scan as
    it was read, whose alternative text is what its head says (whose sheet, its mark, or why
    it could not be read)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    parents = Array()
    for key, (page, alt) in enumerate(figures):
        figure = pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Figure, P=document, Pg=page.obj, K=0, Alt=pikepdf.String(alt))
        )
        figure.A = Dictionary(O=Name.Layout, BBox=Array([0, 0, *[float(v) for v in page.mediabox[2:]]]))
        document.K.append(figure)
        page.obj.StructParents, page.obj.Tabs = key, Name.S
        parents.extend([key, Array([figure])])
    root = pdf.make_indirect(
        Dictionary(
            Type=Name.StructTreeRoot,
            K=Array([document]),
            ParentTree=pdf.make_indirect(Dictionary(Nums=parents)),
            ParentTreeNextKey=len(figures),
        )
    )
    document.P = root
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    pdf.Root.Lang = pikepdf.String(lang)


POINTS_PER_MM = 72 / 25.4


def _xmp(title: str, author: str | None) -> bytes:
    """XMP metadata claiming PDF/UA-1, with the title the document information has."""
    from xml.sax.saxutils import escape

    creator = f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>" if author else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        '<rdf:Description rdf:about="" pdfuaid:part="1" pdf:Producer="booklet">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>{creator}'
        '</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="r"?>'
    ).encode()


def _dated(data: bytes, exam: Exam, words: Words) -> bytes:
    """The PDF with the exam's title, author and date instead of reportlab's placeholders
    (its invariant mode writes 2000-01-01), as every booklet PDF dates from its file."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        date = f"D:{exam.date:%Y%m%d}000000Z" if exam.date else None
        info = {"/Title": f"{exam.title} – {words.annotated}", "/Author": exam.author, "/Subject": exam.subject}
        info |= {"/Creator": "booklet", "/Producer": "booklet"}
        info |= {"/CreationDate": date, "/ModDate": date} if date else {}
        pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info.items()}))
        pdf.Root.Metadata = pdf.make_stream(_xmp(info["/Title"], exam.author))
        pdf.Root.Metadata.Type, pdf.Root.Metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()
