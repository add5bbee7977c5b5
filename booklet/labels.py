"""Fixed words printed on pages (Аты-жөні, Бет, instruction lines), read from a locale file.

Each language has one file, `locales/<lang>.yaml`, with every key of `Labels`: a missing or
misspelt key is an error when the file loads, never a blank on a page. Where a label and a
number form a phrase the grammar differs between languages («3-тапсырма», «Задание 3»,
«Exercise 3»), so the locale gives the whole phrase as a `NumberFormat` with `{n}` in it.

`labels_for(lang, script)` is the one entry point: `kk` in the Cyrillic or the 2021 Latin
alphabet (see `latin.py`), `ru`, `en`.
"""

from __future__ import annotations

import string
from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, field_validator, model_validator
from pydantic_core import core_schema

from .choices import LANGUAGES, SCRIPTS
from .errors import BookletError
from .resources import locale_file

LETTERS_NEEDED = 12
"""Choice letters a locale must give: a matching exercise's right column holds up to 12 items."""


class NumberFormat(str):
    """A label with a number in it, written with `{n}`: «{n}-тапсырма», «Задание {n}».

    Called with the number it gives the phrase: `labels.exercise_number(3)` → «3-тапсырма».
    """

    def __call__(self, number: int) -> str:
        return self.format(n=number)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls._validate, core_schema.str_schema())

    @classmethod
    def _validate(cls, text: str) -> NumberFormat:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        if fields != ["n"]:
            raise ValueError(f"{text!r} must hold the number as {{n}} exactly once, and no other {{…}}")
        return cls(text)


class _Locale(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True, populate_by_name=True)


class Instructions(_Locale):
    """The default instruction line of each exercise kind (a lesson may write its own)."""

    cloze: str
    cloze_bank: str
    """A cloze whose answers are printed in a word bank."""
    matching: str
    multiple_choice: str
    true_false: str
    """Must name both marks, `true_mark` and `false_mark`, as the pupil writes them."""
    ordering: str
    short_answer: str
    table_completion: str
    categorize: str


class Levels(_Locale):
    """The names of the thinking-skill levels, as the summative-assessment sheets print them."""

    knowledge: str
    application: str
    higher: str


class ExamLabels(_Locale):
    """The words of exam sheets, keys and the rubric (БЖБ for a unit, ТЖБ for a term)."""

    unit: str
    """The sheet's heading for a unit assessment: «Бөлім бойынша жиынтық бағалау»."""
    term: str
    """The heading for a term assessment: «Тоқсан бойынша жиынтық бағалау»."""
    code: str
    """Before the variant's four-character code."""
    duration: str
    minutes: NumberFormat
    total: str
    """Before the total points, and the rubric's last row."""
    score: str
    """The box the teacher writes the pupil's score in."""
    points_number: NumberFormat
    """Beside each task: «4 балл», «Баллы: 4» (Russian plurals need no grammar this way)."""
    level: str
    levels: Levels
    criteria: str
    criterion: str
    """The rubric's first column: «Бағалау критерийі»."""
    task: str
    task_no: str
    """The rubric's second column: «Тапсырма №»."""
    descriptor: str
    learner: str
    """Under «Дескриптор»: the subject of every descriptor («Білім алушы … анықтайды»)."""
    rubric: str
    grid: str
    seed: str
    """Before the seed that reproduces the set (`booklet exam --seed`)."""
    variants: str
    class_list: str
    number: str
    teacher: str
    """The running header of the teacher's pages."""
    answer_sheet: str
    answer_sheet_instruction: str
    """How to answer: fill a circle (a filled circle is printed after it)."""
    answer_sheet_cancel: str
    """How to take an answer back: cross the circle out (a crossed circle is printed after it)."""
    teacher_marks: str
    """Above an open task's tick boxes on the answer sheet: the teacher ticks each descriptor met."""
    on_question_paper: str
    """On the answer sheet, for a task answered in sentences on the question paper."""
    see_key: str
    """In the answer grid, for a model answer too long for a cell."""


class Labels(_Locale):
    """Every label of one language; a missing one is an error when the locale loads, not a blank."""

    # The pupil's line and the page itself.
    name: str
    """Аты-жөні: the pupil writes their name after it."""
    class_: str = Field(alias="class")
    """Сынып: the pupil writes their class after it."""
    date: str
    school: str
    """Мектеп: before the school a course, lesson or exam names, in the head of its sheets."""
    teacher: str
    """Мұғалім: before the teacher it names."""
    page: str
    """Word before «n / N» in every page's footer (set as a string in base.html, placed by CSS)."""

    # What each printout is called (the page header) and its headings.
    handout: str
    tables_sheet: str
    worksheet: str
    answer_key: str
    answers: str
    answer_table_title: str
    answers_appendix: str
    contents: str
    glossary: str

    # Numbered phrases, whose word order and hyphen are grammar.
    exercise_number: NumberFormat
    """«3-тапсырма», «Задание 3», «Exercise 3»."""
    lesson_number: NumberFormat
    """«2-сабақ», «Урок 2», «Lesson 2»: chapter headings and glossary references."""
    grade_number: NumberFormat
    """«9-сынып», «9 класс», «Grade 9»."""
    variant_number: NumberFormat
    """«1-нұсқа», «Вариант 1», «Version 1»: for exam sheets printed in several variants."""
    variant: str
    """Нұсқа: the word alone, e.g. for a field the pupil fills in."""
    points: str
    """Балл: a column or field for points."""

    # The lesson's reading matter.
    item: str
    objectives: str
    terms: str
    people: str
    person_name: str
    person_years: str
    person_role: str
    timeline: str
    tables: str
    figure: str
    """Printed before a figure's number: «Сурет 1.»"""
    chart: str
    """Printed before a chart's number: «Диаграмма 1.»"""

    # Exercises.
    word_bank: str
    true_mark: str
    """What the pupil writes for «true» (Д); the key prints it."""
    false_mark: str
    true_word: str
    false_word: str
    also_accepted: str
    """Before the other accepted answers of a blank in the key: «(басқа дұрыс жауап: …)»."""
    letters: tuple[str, ...]
    """Letters of choices and of a matching's right column, in order; at least 12, all different."""
    instructions: Instructions
    online: Instructions
    """The instruction of each kind as an online quiz asks it (`booklet export`): the pupil
    picks, drags or types, rather than writing a letter beside the item."""
    exam: ExamLabels

    @field_validator("letters")
    @classmethod
    def _enough_distinct_letters(cls, letters: tuple[str, ...]) -> tuple[str, ...]:
        if len(letters) < LETTERS_NEEDED:
            raise ValueError(f"give at least {LETTERS_NEEDED} letters, got {len(letters)}")
        if len(set(letters)) != len(letters) or not all(letters):
            raise ValueError(f"the letters must be non-empty and all different: {' '.join(letters)}")
        return letters

    @model_validator(mode="after")
    def _marks_are_distinct_and_explained(self) -> Labels:
        if not self.true_mark or self.true_mark == self.false_mark:
            raise ValueError("true_mark and false_mark must be two different marks")
        for mark in (self.true_mark, self.false_mark):
            if mark not in self.instructions.true_false:
                raise ValueError(f"instructions.true_false does not tell the pupil to write {mark!r}")
        return self

    def as_data(self) -> dict[str, Any]:
        """The labels as in the locale file (`class`, not `class_`), e.g. to convert and validate again."""
        return self.model_dump(by_alias=True)


def labels_for(lang: str = "kk", script: str = "cyrl") -> Labels:
    """The page labels of `lang` (kk, ru, en) in `script` (cyrl, latn).

    Latin script is Kazakh's: `kk` labels are converted by `latin.latin_labels`, English ones
    are Latin already, and Russian in the Kazakh Latin alphabet is refused rather than invented.
    """
    if lang not in LANGUAGES:
        raise BookletError(f"no page labels for language {lang!r}; choose from {', '.join(LANGUAGES)}")
    if script not in SCRIPTS:
        raise BookletError(f"unknown script {script!r}; choose from {', '.join(SCRIPTS)}")
    return _labels(lang, script)


@cache
def _labels(lang: str, script: str) -> Labels:
    labels = _read(lang)
    if script == "cyrl" or lang == "en":
        return labels
    if lang != "kk":
        raise BookletError(f"the Latin script is for Kazakh pages; use it with the kk or en labels, not {lang}")
    from .latin import latin_labels  # latin.py builds on Labels

    return latin_labels(labels)


def _read(lang: str) -> Labels:
    with locale_file(lang).open(encoding="utf-8") as stream:
        return Labels.model_validate(yaml.safe_load(stream))
