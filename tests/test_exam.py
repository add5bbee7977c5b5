"""Exams: the loader's checks with file:line:col, and variants whose keys stay right for their order."""

from __future__ import annotations

import functools
import random
import shutil
from pathlib import Path

import pytest

from booklet import ContentError, load_lesson, sample_course
from booklet.builds import default_seed
from booklet.exam import Variant, derive_variants, grid, rubric, variant_code
from booklet.exam_loader import load_exam
from booklet.labels import labels_for
from booklet.model import (
    Categorize,
    Cloze,
    Exam,
    Exercise,
    Lesson,
    Matching,
    MultipleChoice,
    Ordering,
    ShortAnswer,
    TableCompletion,
    Task,
    TrueFalse,
)
from booklet.worksheet import SheetExercise

from .conftest import FIXTURES

SAMPLE = sample_course().parent / "exam.yaml"
SMALL = FIXTURES / "exam" / "exam.yaml"
SMALL_TEXT = SMALL.read_text(encoding="utf-8")
LABELS = labels_for("kk")


@pytest.fixture(scope="module")
def sample() -> Exam:
    return load_exam(SAMPLE)


@pytest.fixture(scope="module")
def small() -> Exam:
    return load_exam(SMALL)


# --- loading -----------------------------------------------------------------------------------------


def test_sample_exam_loads_with_every_kind_and_its_total(sample):
    kinds = {type(task.exercise) for _, task in sample.tasks()}
    assert kinds == {Cloze, Matching, MultipleChoice, TrueFalse, Ordering, ShortAnswer, TableCompletion, Categorize}
    assert sample.summative == "unit"
    assert sample.points == sample.total == 32
    assert {level for _, task in sample.tasks() for level in [task.level]} == {"knowledge", "application", "higher"}


def test_drawn_task_holds_the_lesson_exercise(small):
    lesson = load_lesson(SMALL.parent / "lesson.yaml")
    first = small.sections[0].tasks[0]
    assert isinstance(first, Task) and first.exercise == lesson.worksheet.exercises[2]


def problems_of(tmp_path: Path, text: str) -> list[str]:
    shutil.copy(SMALL.parent / "lesson.yaml", tmp_path / "lesson.yaml")
    path = tmp_path / "exam.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_exam(path)
    return [str(problem).replace(f"{path}:", "") for problem in caught.value.problems]


def at(text: str, needle: str, token: str, nth: int = 1) -> str:
    """`line:column` of `token` on the `nth` line that holds `needle`."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    number, line = lines[nth - 1]
    return f"{number}:{line.index(token) + 1}"


def test_descriptor_points_must_add_up_to_the_task(tmp_path):
    text = SMALL_TEXT.replace("{text: оқиғаларды ретімен орналастырады, points: 2}", "{text: оқиғалар, points: 3}")
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'оқиғалар, points: 3', '-')}: sections.1.tasks.2.tasks.1.descriptors: "
        "the descriptors give 3 points but the task is worth 2 (points: 2)"
    ]


def test_item_points_count_the_items(tmp_path):
    text = SMALL_TEXT.replace(
        "{text: бос орындарды толтырады, points: 3}", "{text: бос орындарды толтырады, points: 4}"
    )
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'бос орындарды', '-')}: sections.2.tasks.3.descriptors: "
        "the descriptors give 4 points but the task is worth 3 (1 × 3 items)"
    ]


def test_declared_total_must_match(tmp_path):
    text = SMALL_TEXT.replace("total: 14", "total: 15")
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'total: 15', '15')}: total: the tasks add up to 14 points, not 15"
    ]


def test_pool_tasks_must_be_worth_the_same(tmp_path):
    text = SMALL_TEXT.replace("{text: тұжырымның дұрыс не жалған екенін анықтайды, points: 2}", "{text: т, points: 3}")
    text = text.replace("            item_points: 1\n", "            points: 3\n", 1)
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'exercise: 4', 'from')}: sections.1.tasks.2.tasks.2: "
        "the task is worth 3 points but the pool's first task 2 (tasks of a pool must be worth the same)"
    ]


def test_criterion_without_a_task(tmp_path):
    text = SMALL_TEXT.replace("sections:\n", "  - id: C\n    text: Себептерін түсіндіреді\nsections:\n", 1)
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'id: C', 'id')}: criteria.3: criterion 'C' has no task (name it in a task's `criteria`)"
    ]


def test_unknown_criteria_and_the_unused_one_at_once(tmp_path):
    text = SMALL_TEXT.replace("criteria: [B]", "criteria: [Z]").replace("criteria: [A, B]", "criteria: [A]")
    text = text.replace(", criterion: A}", "}").replace(", criterion: B}", "}")
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'id: B', 'id')}: criteria.2: criterion 'B' has no task (name it in a task's `criteria`)",
        f"{at(text, 'criteria: [Z]', 'Z')}: sections.1.tasks.2.tasks.1.criteria.1: no criterion has id 'Z' "
        "(criteria: A, B)",
        f"{at(text, 'criteria: [Z]', 'Z', 2)}: sections.2.tasks.1.criteria.1: no criterion has id 'Z' (criteria: A, B)",
    ]


def test_pool_may_not_pick_more_than_it_has(tmp_path):
    text = SMALL_TEXT.replace("pick: 1", "pick: 3")
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'pick: 3', '3')}: sections.1.tasks.2.pick: the pool picks 3 but has 2 tasks (pick at most 2)"
    ]


def test_missing_lesson_and_missing_exercise_at_once(tmp_path):
    text = SMALL_TEXT.replace("{lesson: lesson.yaml, exercise: 3}", "{lesson: nowhere.yaml, exercise: 3}")
    text = text.replace("{lesson: lesson.yaml, exercise: 2}", "{lesson: lesson.yaml, exercise: 9}")
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'nowhere.yaml', 'nowhere')}: sections.1.tasks.1.from.lesson: no such file: nowhere.yaml",
        f"{at(text, 'exercise: 9', '9')}: sections.2.tasks.2.from.exercise: lesson.yaml has 8 exercises, not 9",
    ]


def test_a_wrong_exercise_number_hides_no_other_problem(tmp_path):
    """Issue 10, point 8: found independently, reported in one run."""
    text = SMALL_TEXT.replace("{lesson: lesson.yaml, exercise: 2}", "{lesson: lesson.yaml, exercise: 9}")
    text = text.replace("{text: дұрыс жауапты таңдайды, points: 1}", "{text: дұрыс жауапты таңдайды, points: 5}")
    text = text.replace("            points: 2\n", "            points: 3\n", 1)
    found = problems_of(tmp_path, text)
    assert found == [
        f"{at(text, 'дұрыс жауапты таңдайды', '-')}: sections.1.tasks.1.descriptors: "
        "the descriptors give 5 points but the task is worth 1 (points: 1)",
        f"{at(text, 'оқиғаларды ретімен', '-')}: sections.1.tasks.2.tasks.1.descriptors: "
        "the descriptors give 2 points but the task is worth 3 (points: 3)",
        f"{at(text, 'exercise: 4', 'from')}: sections.1.tasks.2.tasks.2: "
        "the task is worth 2 points but the pool's first task 3 (tasks of a pool must be worth the same)",
        f"{at(text, 'exercise: 9', '9')}: sections.2.tasks.2.from.exercise: lesson.yaml has 8 exercises, not 9",
    ]


def test_a_missing_lesson_is_reported_beside_validation_problems(tmp_path):
    text = SMALL_TEXT.replace("{lesson: lesson.yaml, exercise: 3}", "{lesson: nowhere.yaml, exercise: 3}")
    text = text.replace("duration: ", "duraton: ")
    found = problems_of(tmp_path, text)
    assert f"{at(text, 'nowhere.yaml', 'nowhere')}: sections.1.tasks.1.from.lesson: no such file: nowhere.yaml" in found
    assert any("duraton: unknown key 'duraton' (did you mean 'duration'?)" in problem for problem in found)


def test_lesson_outside_the_exam_folder_is_refused(tmp_path):
    text = SMALL_TEXT.replace("{lesson: lesson.yaml, exercise: 3}", "{lesson: ../lesson.yaml, exercise: 3}")
    assert problems_of(tmp_path, text) == [
        f"{at(text, '../lesson', '../')}: sections.1.tasks.1.from.lesson: lesson paths may not leave the exam's folder"
    ]


def test_misspelt_key_in_a_pooled_task_names_the_nearest(tmp_path):
    text = SMALL_TEXT.replace("            level: application", "            levle: application")
    assert problems_of(tmp_path, text) == [
        f"{at(text, 'exercise: 5', 'from')}: sections.1.tasks.2.tasks.1.level: missing required key 'level'",
        f"{at(text, 'levle', 'levle')}: sections.1.tasks.2.tasks.1.levle: unknown key 'levle' (did you mean 'level'?)",
    ]


def test_task_needs_from_or_exercise(tmp_path):
    text = SMALL_TEXT.replace(
        "      - exercise:\n", "      - from: {lesson: lesson.yaml, exercise: 7}\n        exercise:\n"
    )
    [problem] = problems_of(tmp_path, text)
    assert problem.startswith(
        f"{at(text, 'exercise: 7', 'from')}: sections.2.tasks.1: give either `from` or `exercise`"
    )


# --- variants ----------------------------------------------------------------------------------------


def test_same_seed_gives_the_same_variants_and_leaves_global_random_alone(sample):
    state = random.getstate()
    first = derive_variants(sample, 2026, 4)
    assert random.getstate() == state
    assert first == derive_variants(sample, 2026, 4)
    assert derive_variants(sample, 2026, 2) == first[:2]  # a variant does not depend on how many are made


def order(variant: Variant) -> list:
    """What a pupil sees: the tasks in order, and every item in its printed order."""
    return [(task.source, exercise_order(task.exercise)) for task in variant.tasks]


def exercise_order(sheet: SheetExercise) -> tuple:
    return (
        tuple(item.text for item in sheet.items),
        tuple(choice.text for item in sheet.items for choice in item.choices),
        tuple(choice.text for choice in sheet.choices),
        sheet.bank,
        tuple(choice.text for choice in sheet.pool),
        tuple(cell.text for row in sheet.rows for cell in row),
    )


def test_two_seeds_give_different_orders(sample):
    assert [order(v) for v in derive_variants(sample, 1, 4)] != [order(v) for v in derive_variants(sample, 2, 4)]


def test_variants_differ_from_each_other_and_have_distinct_codes(sample):
    variants = derive_variants(sample, 2026, 6)
    orders = [order(v) for v in variants]
    assert all(orders[i] != orders[j] for i in range(6) for j in range(i))
    assert [v.letter for v in variants] == ["А", "Б", "В", "Г", "Д", "Е"]
    codes = [v.code for v in variants]
    assert len(set(codes)) == 6 and all(len(code) == 4 and code.isalnum() for code in codes)
    assert codes[2] == variant_code(sample.id, 2026, 2)


def test_task_numbers_run_across_sections(sample):
    for variant in derive_variants(sample, 7, 3):
        assert [task.number for task in variant.tasks] == list(range(1, 9))
        assert all(task.exercise.number == task.number for task in variant.tasks)


def signatures(variants: list[Variant], kind: type) -> dict[tuple, set[tuple]]:
    """For each task of `kind` (by its place in the file), the printed orders seen across variants."""
    seen: dict[tuple, set[tuple]] = {}
    for variant in variants:
        for task in variant.tasks:
            if isinstance(task.task.exercise, kind):
                seen.setdefault(task.source, set()).add(exercise_order(task.exercise))
    return seen


@pytest.mark.parametrize(
    "kind",
    [MultipleChoice, TrueFalse, Matching, Ordering, Cloze, TableCompletion, Categorize],
    ids=lambda k: k.__name__,
)
def test_every_kind_is_shuffled_across_variants(sample, kind):
    variants = derive_variants(sample, 2026, 12)
    seen = signatures(variants, kind)
    times = {source: sum(t.source == source for v in variants for t in v.tasks) for source in seen}
    assert seen and all(len(orders) > 1 for source, orders in seen.items() if times[source] >= 3)
    assert any(times[source] >= 3 for source in seen)


def test_both_matching_columns_and_every_options_list_move(sample):
    variants = derive_variants(sample, 2026, 6)
    matching = [t.exercise for v in variants for t in v.tasks if t.exercise.kind == "matching"]
    assert len({tuple(i.text for i in m.items) for m in matching}) > 1
    assert len({tuple(c.text for c in m.choices) for m in matching}) > 1
    choice = [t.exercise for v in variants for t in v.tasks if t.exercise.kind == "multiple_choice"]
    for number in range(4):
        by_question = [
            tuple(c.text for c in next(i for i in sheet.items if i.text == choice[0].items[number].text).choices)
            for sheet in choice
        ]
        assert len(set(by_question)) > 1


def test_pools_pick_different_tasks_across_variants(sample):
    picked = {task.source for v in derive_variants(sample, 2026, 6) for task in v.tasks if "tasks" in task.source[4:]}
    assert len(picked) > 1


@pytest.mark.parametrize("path", [SAMPLE, SMALL], ids=lambda p: p.parent.name)
@pytest.mark.parametrize("seed", [1, 2026])
def test_every_key_is_right_for_its_variant(path, seed):
    exam = load_exam(path)
    for variant in derive_variants(exam, seed, 4):
        for task in variant.tasks:
            original, table = written(path, task.task)
            check_key(task.exercise, original, table)


def written(exam_path: Path, task: Task) -> tuple[Exercise, object]:
    """The task's exercise as its YAML file gives it (the lesson's, read again, for a drawn one)."""
    if task.drawn_from is None:
        return task.exercise, task.table
    lesson = _lesson_file(exam_path.parent / task.drawn_from.lesson)
    exercise = lesson.worksheet.exercises[task.drawn_from.exercise - 1]
    return exercise, next((t for t in lesson.tables if t.id == getattr(exercise, "table", None)), None)


@functools.cache
def _lesson_file(path: Path) -> Lesson:
    """A lesson as its file gives it, read once for all the tasks drawn from it."""
    return load_lesson(path)


def check_key(sheet: SheetExercise, original: Exercise, table) -> None:
    items = {item.label: item for item in sheet.items}
    match original:
        case MultipleChoice():
            assert len(sheet.key) == len(original.questions)
            for entry in sheet.key:
                item = items[entry.label]
                question = next(q for q in original.questions if q.question == item.text)
                assert {c.text for c in item.choices} == set(question.options)
                assert next(c.text for c in item.choices if c.letter == entry.answer) == question.answer
        case TrueFalse():
            truth = {s.statement: s.answer for s in original.statements}
            assert sorted(items[e.label].text for e in sheet.key) == sorted(truth)
            for entry in sheet.key:
                assert entry.answer == (LABELS.true_mark if truth[items[entry.label].text] else LABELS.false_mark)
        case Matching():
            right_of = {pair.left: pair.right for pair in original.pairs}
            assert {c.text for c in sheet.choices} == set(right_of.values()) | set(original.extra)
            assert sorted(items[e.label].text for e in sheet.key) == sorted(right_of)
            for entry in sheet.key:
                letter = next(c.letter for c in sheet.choices if c.text == right_of[items[entry.label].text])
                assert entry.answer == letter
        case Ordering():
            [entry] = sheet.key
            assert [items[letter].text for letter in entry.answer.split(", ")] == list(original.events)
        case Cloze():
            assert [entry.answer.split(" (")[0] for entry in sheet.key] == [gap.answer for gap in original.gaps]
            if original.word_bank:
                assert sorted(sheet.bank) == sorted({g.answer for g in original.gaps} | set(original.distractors))
        case TableCompletion():
            blanks = {}
            for row in sheet.rows:
                texts = [cell.text for cell in row]
                r = table.rows.index(texts) + 1
                for c, cell in enumerate(row, start=1):
                    assert (cell.blank is not None) == ((r, c) in [tuple(b) for b in original.blanks])
                    if cell.blank:
                        blanks[str(cell.blank.number)] = table.rows[r - 1][c - 1]
            assert {entry.label: entry.answer for entry in sheet.key} == blanks
            assert sorted(int(n) for n in blanks) == list(range(1, len(original.blanks) + 1))
        case Categorize():
            assert [(e.label, e.answer) for e in sheet.key] == [
                (c.label, ", ".join(c.items)) for c in original.categories
            ]
            assert sorted(c.text for c in sheet.pool) == sorted(i for c in original.categories for i in c.items)
        case ShortAnswer():
            assert [e.answer for e in sheet.key] == [q.answer for q in original.questions]


# --- points, grid, rubric, seed -------------------------------------------------------------------------


def test_points_per_task_and_total(sample):
    for variant in derive_variants(sample, 2026, 4):
        assert variant.total == 32
        for task in variant.tasks:
            assert task.points == sum(d.points for d in task.task.descriptors)


def test_grid_holds_every_variants_key_and_totals(small):
    variants = derive_variants(small, 3, 4)
    table = grid(variants)
    assert table.variants == tuple((v.letter, v.code) for v in variants)
    assert table.totals == (14, 14, 14, 14)
    for column, variant in enumerate(variants):
        tasks = {task.number: task.exercise for task in variant.tasks}
        from_grid = {
            (r.task, r.cells[column].label, _as_texts(tasks[r.task], r.cells[column].answer))
            for r in table.rows
            if r.cells[column]
        }
        from_key = {(n, e.label, e.answer) for n, entries in variant.key for e in entries}
        assert from_grid == from_key
        assert any(tasks[r.task].kind == "categorize" for r in table.rows if r.cells[column])
        per_task = {n: points[column] for n, points in table.task_points}
        assert per_task == {task.number: task.points for task in variant.tasks}


def _as_texts(exercise: SheetExercise, answer: str) -> str:
    """A categorize cell of the grid gives pool numbers, the key the items' texts; an ordering
    cell the number written beside each event, the key the events' letters in order."""
    if exercise.kind == "ordering":
        written = dict(pair.split("–") for pair in answer.split(", "))
        return ", ".join(sorted(written, key=lambda letter: int(written[letter])))
    if exercise.kind != "categorize":
        return answer
    by_number = {choice.letter: choice.text for choice in exercise.pool}
    texts = {by_number[number] for number in answer.split(", ")}
    column = next(e.answer for e in exercise.key if set(e.answer.split(", ")) == texts)
    return column


def test_the_grid_gives_ordering_answers_as_the_numbers_pupils_write(sample):
    """Pupils write a number beside each lettered event; the grid gives «А–2, Б–3, В–1»."""
    seen = 0
    variants = derive_variants(sample, 2026, 4)
    table = grid(variants)
    for column, variant in enumerate(variants):
        for task in variant.tasks:
            if task.exercise.kind != "ordering":
                continue
            (cell,) = [r.cells[column] for r in table.rows if r.task == task.number and r.cells[column]]
            written = dict(pair.split("–") for pair in cell.text.split(", "))
            event_of = {item.label: item.text for item in task.exercise.items}
            assert list(written) == [item.label for item in task.exercise.items]  # as printed, А, Б, В …
            chronological = task.task.exercise.events
            assert {event_of[letter]: int(n) for letter, n in written.items()} == {
                event: place for place, event in enumerate(chronological, start=1)
            }
            seen += 1
    assert seen == 4


def test_pools_are_dealt_evenly_across_variants(sample):
    """A 1-of-3 pool over 6 variants gives each task twice; over 4, no task more than twice."""
    for count, most in ((6, 2), (4, 2), (3, 1)):
        dealt: dict[tuple, int] = {}
        for variant in derive_variants(sample, 2026, count):
            for task in variant.tasks:
                if "tasks" in task.source[4:]:
                    dealt[task.source] = dealt.get(task.source, 0) + 1
        assert len(dealt) == min(count, 3) and max(dealt.values()) == most and sum(dealt.values()) == count
    again = [[t.source for t in v.tasks] for v in derive_variants(sample, 2026, 6)][4]
    assert again == [t.source for t in derive_variants(sample, 2026, 5)[4].tasks]  # a variant needs only its index


def test_a_section_that_keeps_its_order_keeps_it_in_every_variant(sample):
    kept = sample.model_copy(update={"sections": [s.model_copy(update={"shuffle": False}) for s in sample.sections]})
    orders = set()
    for variant in derive_variants(kept, 2026, 4):
        sources = [task.source[:4] for task in variant.tasks]
        assert sources == sorted(sources)
        orders.add(tuple(task.source for task in variant.tasks))
    assert len(orders) > 1  # pools still deal their tasks
    shuffled = {tuple(t.source[:4] for t in v.tasks) for v in derive_variants(sample, 2026, 4)}
    assert len(shuffled) > 1


def test_grid_points_per_item(small):
    table = grid(derive_variants(small, 3, 2))
    for row in table.rows:
        for cell in row.cells:
            if cell is not None and cell.points is not None:
                assert cell.points in (1, 2)


def test_rubric_sums_to_the_total(sample):
    table = rubric(sample)
    assert table.total == 32
    assert [block.criterion.id for block in table.criteria] == ["К1", "К2", "К3"]
    assert [block.points for block in table.criteria] == [15, 5, 12]
    assert sorted({n for block in table.criteria for n in block.tasks}) == list(range(1, 9))


def test_rubric_of_a_variant_uses_its_numbers(small):
    for variant in derive_variants(small, 5, 3):
        table = rubric(small, variant)
        assert table.total == variant.total == 14
        for block in table.criteria:
            for descriptor in block.descriptors:
                task = variant.tasks[descriptor.task - 1]
                assert descriptor.text in [d.text for d in task.task.descriptors]
                assert block.criterion.id in task.task.criteria


def test_default_seed_comes_from_the_file():
    text = SAMPLE.read_text(encoding="utf-8")
    assert default_seed(text) == default_seed(text.encode()) == default_seed(text.replace("\n", "\r\n"))
    assert default_seed(text) != default_seed(text + "\n# changed\n")
    assert 0 <= default_seed(text) < 1_000_000
