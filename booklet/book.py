"""The textbook: a course's lessons as one PDF with cover, contents, glossary and answers.

Derivation is pure (chapters, the merged glossary in Kazakh order); page numbers are left
to the layout engine (`target-counter` in the contents), so they cannot drift from where
the chapters really start. The book is rendered and checked in memory, then written
atomically like every other printout.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .builds import Made
from .engine.imposition import impose
from .hyphenation import keep_whole_in_html
from .kazakh import fold, sort_key
from .labels import Labels, labels_for
from .latin import latin_textbook
from .lesson_build import page_settings
from .loader import Textbook, load_course
from .model import Lesson
from .printouts import ReadingSection, reading_sections
from .render import Rendered, Renderer, current_renderer, rendering_with
from .templating import environment
from .worksheet import Sheet, derive_sheet


@dataclass(frozen=True)
class Chapter:
    """One lesson as a chapter of the book."""

    number: int
    heading: str
    """«2-сабақ. …»: what the contents, the chapter's first page and its running header show."""
    lesson: Lesson
    sections: tuple[ReadingSection, ...]
    sheet: Sheet

    worksheet_heading: str = ""
    """«Жұмыс парағы: …», or the worksheet's own title when it already says «Жұмыс парағы»."""

    @property
    def anchor(self) -> str:
        return f"lesson-{self.number}"

    @property
    def anchor_prefix(self) -> str:
        """Prefix of the ids inside the chapter's worksheet, unique in the book."""
        return f"{self.anchor}-"


@dataclass(frozen=True)
class GlossaryEntry:
    """A term of the glossary, with every distinct definition and the lessons that give it."""

    term: str
    definitions: tuple[str, ...]
    lessons: tuple[int, ...]


def chapters(textbook: Textbook, labels: Labels) -> tuple[Chapter, ...]:
    """The course's lessons as numbered chapters; figure paths are made relative to the course folder."""
    folder = textbook.path.resolve().parent
    result = []
    for number, (path, lesson) in enumerate(textbook.lessons, 1):
        lesson_folder = path.resolve().parent.relative_to(folder).as_posix()
        heading = f"{labels.lesson_number(number)}. {lesson.title}"
        sheet = derive_sheet(lesson, labels)
        chapter = Chapter(number, heading, lesson, (), sheet, worksheet_heading(labels.worksheet, sheet.title))
        sections = reading_sections(lesson, "" if lesson_folder == "." else lesson_folder, chapter.anchor_prefix)
        result.append(replace(chapter, sections=sections))
    return tuple(result)


def worksheet_heading(label: str, title: str) -> str:
    """The heading of a chapter's worksheet in the book: «Жұмыс парағы: <title>», unless the
    title already begins or ends with «Жұмыс парағы» (found in a real book: «Жұмыс парағы:
    Түрксіб құрылысы. Жұмыс парағы»)."""
    bare = title.strip().rstrip(".").casefold()
    if bare.startswith(label.casefold()) or bare.endswith(label.casefold()):
        return title
    return f"{label}: {title}"


def glossary(chapters: tuple[Chapter, ...]) -> tuple[GlossaryEntry, ...]:
    """Every lesson's terms merged (the same term in two lessons is one entry) and sorted in
    Kazakh alphabetical order, which code-point order gets wrong (Ұ before Ү, І before Ь)."""
    merged: dict[str, tuple[str, list[str], list[int]]] = {}
    for chapter in chapters:
        for term in chapter.lesson.terms:
            name, definitions, lessons = merged.setdefault(fold(term.term), (term.term, [], []))
            if term.definition not in definitions:
                definitions.append(term.definition)
            if chapter.number not in lessons:
                lessons.append(chapter.number)
    entries = [GlossaryEntry(name, tuple(defs), tuple(nums)) for name, defs, nums in merged.values()]
    return tuple(sorted(entries, key=lambda entry: (sort_key(entry.term), entry.term)))


def book_html(textbook: Textbook, labels: Labels, with_worksheets: bool = False, single_sided: bool = False) -> str:
    """The whole book as one HTML document; `single_sided`, with no blank versos (every part
    starts on the next page, not on the next right-hand one)."""
    course = textbook.course
    parts = chapters(textbook, labels)
    context: dict[str, Any] = {
        "course": course,
        "about": course,
        "labels": labels,
        "lang": course.language,
        "kind_label": course.title,
        "doc_title": course.title,
        "body_class": "book single-sided" if single_sided else "book",
        "chapters": parts,
        "glossary": glossary(parts),
        "with_worksheets": with_worksheets,
    }
    return keep_whole_in_html(environment().get_template("book.html").render(context))


def render_book(
    textbook: Textbook,
    renderer: Renderer,
    with_worksheets: bool = False,
    labels: Labels | None = None,
    single_sided: bool = False,
) -> Rendered:
    """Render the book of `textbook`, checked, in memory, with `labels` (default: the course language's)."""
    labels = labels_for(textbook.course.language) if labels is None else labels
    html = book_html(textbook, labels, with_worksheets, single_sided)
    return renderer.render(html, textbook.path.resolve().parent, f"{textbook.course.id}-book.pdf")


def make_book(
    course: Path,
    with_worksheets: bool,
    renderer: Renderer | None,
    lang: str | None,
    script: str | None,
    imposed: str | None = None,
    single_sided: bool = False,
) -> Made:
    """The textbook of the course file `course` as `<id>-book.pdf`, in memory, checked
    (`builds.build_book` writes it); the course's labels and alphabet (or `lang`, `script`)
    hold for every chapter. Laid out on the build's paper (paper.py), `imposed` on A4
    sheets if asked."""
    textbook = load_course(course)
    labels, alphabet = page_settings(textbook.course, lang, script)
    printed = latin_textbook(textbook, textbook.course.latin) if alphabet == "latn" else textbook
    with rendering_with(renderer):
        rendered = render_book(printed, current_renderer(), with_worksheets, labels, single_sided)
    pdf, pages = (rendered.pdf, rendered.pages) if imposed is None else impose(rendered.pdf, imposed)
    return ("book", f"{textbook.course.id}-book.pdf", pdf, pages)
