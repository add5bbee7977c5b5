"""A course: lessons in teaching order, printed together as one textbook."""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import Text, content_error
from .lesson import TitleBlock, relative_path_problem


class Course(TitleBlock):
    """A course file: the textbook's cover and the lesson files it is made of, in order."""

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
