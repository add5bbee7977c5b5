"""The README stays true: its field reference, its YAML examples and its set-up commands.

Teachers' helpers copy from the README, so an example that no longer validates is a bug.
These tests only parse and validate; nothing is rendered.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from pydantic import TypeAdapter

from booklet import load_exam, load_lesson, sample_course
from booklet.model import EXERCISE_TYPES, Course, Exercise, Lesson, Section

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

SETUP_COMMANDS = (
    "apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 && python3 -m pip install . && booklet build",
    'apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium chromium-driver && python3 -m pip install ".[test]" && python3 -m pytest',
)


def _schema_reference() -> ModuleType:
    """scripts/ is not a package; load the script the way `python3 scripts/...` would."""
    spec = importlib.util.spec_from_file_location("schema_reference", ROOT / "scripts" / "schema_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _code_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.MULTILINE | re.DOTALL)


def _yaml_blocks() -> list[tuple[str, object]]:
    return [(block, yaml.safe_load(block)) for block in _code_blocks("yaml")]


def _is_lesson(data: object) -> bool:
    return isinstance(data, dict) and "id" in data and "worksheet" in data


def _is_list_of(data: object, *keys: str) -> bool:
    return isinstance(data, list) and bool(data) and all(isinstance(i, dict) and set(keys) <= set(i) for i in data)


def _example_lesson() -> tuple[str, dict]:
    lessons = [(block, data) for block, data in _yaml_blocks() if _is_lesson(data)]
    assert len(lessons) == 1, "the README should have exactly one complete example lesson"
    return lessons[0]


EXERCISE_SNIPPETS = [data for _, data in _yaml_blocks() if _is_list_of(data, "type")]


def test_reference_matches_the_model():
    script = _schema_reference()
    assert script.between_markers(README) == script.reference(), (
        "README.md's lesson file reference is out of date: run `python3 scripts/schema_reference.py --write`"
    )


def _is_course(data: object) -> bool:
    return isinstance(data, dict) and "lessons" in data


def _is_exam(data: object) -> bool:
    return isinstance(data, dict) and "summative" in data


def test_every_yaml_block_is_a_lesson_a_course_an_exam_an_exercise_or_a_section():
    for block, data in _yaml_blocks():
        known = _is_lesson(data) or _is_course(data) or _is_exam(data)
        known = known or _is_list_of(data, "type") or _is_list_of(data, "title", "text") or _is_marks(data)
        known = known or _is_school(data)
        assert known, f"this README YAML block is not checked by any test:\n{block}"


def test_example_exam_loads_beside_the_bundled_lessons(tmp_path):
    (block,) = [block for block, data in _yaml_blocks() if _is_exam(data)]
    folder = tmp_path / "unit"
    shutil.copytree(sample_course().parent, folder)
    (folder / "exam.yaml").write_text(block, encoding="utf-8")
    exam = load_exam(folder / "exam.yaml")
    assert exam.points == exam.total


def _is_school(data) -> bool:
    return isinstance(data, dict) and set(data) == {"school", "teacher", "class"}


def test_the_school_block_loads_in_the_example_lesson(tmp_path):
    (school,) = [block for block, data in _yaml_blocks() if _is_school(data)]
    block, _ = _example_lesson()
    path = tmp_path / "lesson.yaml"
    path.write_text(block.rstrip("\n") + "\n" + school, encoding="utf-8")
    lesson = load_lesson(path)
    assert (lesson.school, lesson.teacher, lesson.class_) == ("№12 мектеп-гимназия", "Серікова Айгүл", "9 Б")


def _is_marks(data) -> bool:
    return isinstance(data, dict) and list(data) == ["marks"]


def test_the_example_mark_scale_loads_in_the_example_exam(tmp_path):
    (marks,) = [block for block, data in _yaml_blocks() if _is_marks(data)]
    (block,) = [block for block, data in _yaml_blocks() if _is_exam(data)]
    folder = tmp_path / "unit"
    shutil.copytree(sample_course().parent, folder)
    (folder / "exam.yaml").write_text(block.rstrip("\n") + "\n" + marks, encoding="utf-8")
    exam = load_exam(folder / "exam.yaml")
    assert exam.mark_scale() == (("5", 85), ("4", 65), ("3", 40), ("2", 0))


def test_example_course_validates():
    courses = [data for _, data in _yaml_blocks() if _is_course(data)]
    assert len(courses) == 1
    Course.model_validate(courses[0])


def test_example_lesson_loads(tmp_path):
    block, _ = _example_lesson()
    path = tmp_path / "lesson.yaml"
    path.write_text(block, encoding="utf-8")
    assert isinstance(load_lesson(path), Lesson)


def test_one_snippet_per_exercise_kind():
    kinds = [exercise["type"] for snippet in EXERCISE_SNIPPETS for exercise in snippet]
    assert sorted(kinds) == sorted(EXERCISE_TYPES)


@pytest.mark.parametrize("snippet", EXERCISE_SNIPPETS, ids=lambda snippet: snippet[0]["type"])
def test_exercise_snippet_validates_in_the_example_lesson(snippet):
    TypeAdapter(list[Exercise]).validate_python(snippet)
    lesson = _example_lesson()[1]
    Lesson.model_validate({**lesson, "worksheet": {"exercises": snippet}})  # table ids must resolve too


def test_section_snippets_validate():
    sections = [data for _, data in _yaml_blocks() if _is_list_of(data, "title", "text")]
    assert sections
    for data in sections:
        TypeAdapter(list[Section]).validate_python(data)


@pytest.mark.parametrize("command", SETUP_COMMANDS, ids=["build", "test"])
def test_setup_command_appears_verbatim(command):
    lines = [line for block in _code_blocks("sh") for line in block.splitlines()]
    assert command in lines, f"README.md must give this set-up command in a ```sh block, exactly:\n{command}"
