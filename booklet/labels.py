"""Fixed words printed on pages (Аты-жөні, Бет, instruction lines), read from a locale file."""

from __future__ import annotations

from functools import cache

import yaml
from pydantic import BaseModel, ConfigDict

from .resources import locale_file


class Instructions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cloze: str
    cloze_bank: str
    matching: str
    multiple_choice: str
    true_false: str
    ordering: str
    short_answer: str
    table_completion: str
    categorize: str


class Labels(BaseModel):
    """Every label of one language; a missing one is an error when the locale loads, not a blank."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    date: str
    page: str
    handout: str
    tables_sheet: str
    worksheet: str
    answer_key: str
    answers: str
    answer_table_title: str
    exercise: str
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
    chart: str
    contents: str
    lesson: str
    glossary: str
    answers_appendix: str
    word_bank: str
    true_mark: str
    false_mark: str
    true_word: str
    false_word: str
    also_accepted: str
    letters: tuple[str, ...]
    instructions: Instructions
    class_: str

    def __init__(self, **data: object):
        data["class_"] = data.pop("class")
        super().__init__(**data)


@cache
def labels_for(lang: str) -> Labels:
    with locale_file(lang).open(encoding="utf-8") as stream:
        return Labels(**yaml.safe_load(stream))
