"""A course: lessons in teaching order, printed together as one textbook."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from .base import ContentModel, Text, content_error
from .lesson import Slug, relative_path_problem


class Course(ContentModel):
    """A course file: the textbook's cover and the lesson files it is made of, in order."""

    id: Slug
    """Short name used for the book's file name, e.g. `industrialisation` gives `industrialisation-book.pdf`."""
    title: Text
    """Title of the course or unit, printed on the cover and in the running header."""
    subject: Text
    """School subject, e.g. «Қазақстан тарихы»; every lesson must name the same one."""
    grade: int = Field(ge=1, le=12)
    """School year (сынып); every lesson must be for the same one."""
    author: Text
    """Author line, printed on the cover and written into the PDF's metadata."""
    language: Literal["kk"] = "kk"
    """Language of the book; every lesson must be written in it."""
    date: dt.date | None = None
    """Date written into the PDF's metadata; output never depends on the clock."""
    lessons: list[Text] = Field(min_length=1)
    """Lesson files, relative to the course file's folder, in the order they are taught."""

    @field_validator("lessons")
    @classmethod
    def _plain_lesson_paths(cls, lessons: list[str]) -> list[str]:
        for index, path in enumerate(lessons):
            if problem := relative_path_problem(path, "lesson", "course", (".yaml", ".yml"), "YAML files"):
                raise content_error(problem, at=(index,), hint="list the lesson files beside the course file")
            if path in lessons[:index]:
                raise content_error(f"'{path}' is listed twice", at=(index,))
        return lessons
