"""A lesson: what a teacher writes in one YAML file."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import ContentModel, Date, Decimal, Text, YesNo, content_error, date_written
from .exercises import Exercise, TableCompletion
from .latin_spelling import LatinSettings

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]

FIGURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


class Figure(ContentModel):
    """A picture from the lesson's own folder, with its caption."""

    src: Text
    """Path of a PNG, JPEG or SVG file, relative to the lesson file's folder."""
    caption: Text
    """Caption printed under the picture."""
    width: int = Field(default=80, ge=20, le=100)
    """Width as a percentage of the text column."""

    @field_validator("src")
    @classmethod
    def _plain_relative_path(cls, src: str) -> str:
        if problem := figure_path_problem(src):
            raise content_error(problem, hint="put the picture beside the lesson file and give its name")
        return src


class DataPoint(ContentModel):
    """One value of a chart's series, e.g. the share of Kazakhs among workers in 1928."""

    label: Text
    """What the value is for, usually a year: «1928», «Соғыс қарсаңында»."""
    value: Decimal = Field(ge=0)
    """The number, written 19.8 or 19,8; it is printed with a comma (19,8)."""


class Chart(ContentModel):
    """Figures from the reading text that form a series, kept as numbers so a bar chart is drawn from them."""

    title: Text
    """What the series measures, printed above the chart."""
    unit: Text
    """Unit printed after every value: «%», «есе», «мың адам»."""
    points: list[DataPoint] = Field(min_length=2)
    """The values in the order they are drawn, usually by year."""
    caption: str = ""
    """Optional note printed under the chart, e.g. what 100% refers to."""


class Section(ContentModel):
    """A titled part of the reading text."""

    title: Text
    """Section heading."""
    text: Text
    """Reading text: paragraphs, *emphasis*, **strong** and lists in Markdown; HTML is printed as text."""
    figures: list[Figure] = []
    """Pictures shown after the section's text."""
    charts: list[Chart] = []
    """Series of numbers from the section's text, drawn as bar charts after it."""


class Term(ContentModel):
    """A key term with its definition."""

    term: Text
    """The term as it is printed."""
    definition: Text
    """One or two sentences that define it."""


class Person(ContentModel):
    """A historical figure of the lesson."""

    name: Text
    """Name with initials, e.g. «Т. Рысқұлов»."""
    years: str = ""
    """Life years or years in office, e.g. «1894–1938»."""
    role: Text
    """What the person did that matters for the lesson."""


class Event(ContentModel):
    """One line of the lesson's timeline."""

    date: Text
    """When, as it should be printed, e.g. «1930 ж. 28 сәуір»; a date written 1930-04-28 is printed as written."""
    event: Text
    """What happened."""

    @field_validator("date")
    @classmethod
    def _a_real_date(cls, date: str) -> str:
        date_written(date)  # 1930-04-31 is a slip, whatever else the text may be
        return date


class SummaryTable(ContentModel):
    """A table that summarises part of the lesson; worksheets can blank out its cells."""

    id: Slug
    """Short name that table-completion exercises use to refer to this table."""
    title: Text
    """Caption printed above the table."""
    columns: list[Text] = Field(min_length=2)
    """Column headings."""
    rows: list[list[Text]] = Field(min_length=1)
    """Rows of cells, each with as many cells as there are columns."""

    @model_validator(mode="after")
    def _rows_fit_columns(self) -> SummaryTable:
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise content_error(
                    f"row {index + 1} has {len(row)} cells but the table has {len(self.columns)} columns",
                    at=("rows", index),
                    hint="give every row one cell per column",
                )
        return self


class Worksheet(ContentModel):
    """The fill-in worksheet of the lesson; its answer key is made from the same exercises."""

    title: str = ""
    """Heading of the worksheet; the lesson title when empty."""
    exercises: list[Exercise] = Field(min_length=1)
    """Exercises in the order they are printed; each has a `type`."""


class TitleBlock(ContentModel):
    """What a lesson and a course both print about themselves and write into the PDF's metadata."""

    id: Slug
    """Short name for output files: lesson `turksib` makes `turksib-key.pdf`, course `unit` makes `unit-book.pdf`."""
    title: Text
    """Title, printed in every page's header (a course's also on its cover)."""
    subject: Text
    """School subject, e.g. «Қазақстан тарихы»; a course's lessons must all name the course's."""
    grade: int = Field(ge=1, le=12)
    """School year (сынып); a course's lessons must all be for the course's."""
    author: Text
    """Author line, printed and written into the PDF's metadata."""
    school: str = ""
    """The school, printed in the head of worksheets and exam papers («Мектеп: …»); a course's
    holds for its lessons that name none."""
    teacher: str = ""
    """The teacher, printed beside the school («Мұғалім: …»); a course's holds for its lessons."""
    class_: str = Field(default="", alias="class")
    """The class the sheets are for (`class: 9 Ә`), printed in the pupil's line; a class list's
    own class column wins on a pupil's named copy."""
    language: Literal["kk"] = "kk"
    """Language of the content; Kazakh for now. A course's lessons share the course's."""
    date: Date | None = None
    """Date written into the PDF's metadata; output never depends on the clock."""
    labels: Literal["kk", "ru", "en"] | None = None
    """Language of the page labels (Аты-жөні, тапсырма, Бет …); `language` when empty; `--lang` overrides."""
    script: Literal["cyrl", "latn"] | None = None
    """Alphabet of the pages: `cyrl`, or `latn` for the 2021 Kazakh Latin alphabet; `--script` overrides."""
    latin: LatinSettings = LatinSettings()
    """How the letters outside the 2021 Latin alphabet (ё ц ч щ ъ ь э ю я) are spelt with `script: latn`."""
    typography: YesNo = True
    """Set «» quotes, dashes and no-break spaces the Kazakh way at load; false prints the text as written."""


class Lesson(TitleBlock):
    """One lesson: reading text, reference material and a worksheet."""

    objectives: list[Text] = []
    """Learning objectives (оқу мақсаттары)."""
    sections: list[Section] = Field(min_length=1)
    """The reading text, in titled sections."""
    terms: list[Term] = []
    """Key terms with definitions."""
    people: list[Person] = []
    """Historical figures with their roles."""
    timeline: list[Event] = []
    """Dated events, in order."""
    tables: list[SummaryTable] = []
    """Summary tables, printed in the handout and on the tables sheet."""
    worksheet: Worksheet
    """The worksheet and, from it, the answer key."""

    @model_validator(mode="after")
    def _references_resolve(self) -> Lesson:
        ids = [table.id for table in self.tables]
        for index, table in enumerate(self.tables):
            if table.id in ids[:index]:
                raise content_error(f"table id '{table.id}' is used twice", at=("tables", index, "id"))
        tables = {table.id: table for table in self.tables}
        for index, exercise in enumerate(self.worksheet.exercises):
            if isinstance(exercise, TableCompletion):
                where = ("worksheet", "exercises", index)
                table = tables.get(exercise.table)
                if table is None:
                    known = ", ".join(ids) or "none"
                    raise content_error(
                        f"no summary table has id '{exercise.table}'", at=(*where, "table"), hint=f"tables: {known}"
                    )
                exercise.check_blanks(table, where)
        return self

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.charts]

    @property
    def figures(self) -> list[Figure]:
        return [figure for section in self.sections for figure in section.figures]


def figure_path_problem(src: str) -> str | None:
    """Why `src` may not be used as a figure path, or None when it is a plain relative path."""
    return relative_path_problem(src, "figure", "lesson", FIGURE_SUFFIXES, "PNG, JPEG or SVG files")


def relative_path_problem(path: str, noun: str, owner: str, suffixes: tuple[str, ...], kind: str) -> str | None:
    """Why `path` may not name a `noun` file inside the `owner` file's folder, or None when it may."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", path) or path.startswith("//"):
        return f"{noun}s must be files in the {owner}'s folder, not URLs"
    if path.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:", path):
        return f"{noun} paths must be relative to the {owner}'s folder"
    if ".." in re.split(r"[\\/]", path):
        return f"{noun} paths may not leave the {owner}'s folder ('..')"
    if not path.lower().endswith(suffixes):
        return f"{noun}s must be {kind}"
    return None
