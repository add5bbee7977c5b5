"""The command line, run in-process: summaries, exit codes, and nothing lost on failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from booklet.cli import main

from .conftest import EVERY_KIND


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def copy_fixture(tmp_path):
    folder = tmp_path / "lesson"
    shutil.copytree(EVERY_KIND.parent, folder)
    return folder / "lesson.yaml"


def test_build_writes_the_named_pdfs_and_one_summary_line(tmp_path):
    result = run("build", str(EVERY_KIND), "-o", str(tmp_path), "--only", "worksheet,key")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [".booklet", "every-kind-key.pdf", "every-kind-worksheet.pdf"]
    assert result.output.count("\n") == 1
    assert (
        result.output.startswith("wrote 2 PDFs (") and "every-kind-worksheet.pdf, every-kind-key.pdf" in result.output
    )


def test_bad_lesson_exits_2_with_positions_and_no_traceback(tmp_path):
    lesson = copy_fixture(tmp_path)
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("grade: 9", "grade: 0"), encoding="utf-8")
    result = run("check", str(lesson))
    assert result.exit_code == 2
    assert f"{lesson}:" in result.output and ": grade: Input should be greater than or equal to 1" in result.output
    assert "Traceback" not in result.output


def test_failed_build_keeps_the_last_good_pdfs(tmp_path):
    lesson, out = copy_fixture(tmp_path), tmp_path / "out"
    assert run("build", str(lesson), "-o", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    # Valid YAML, but the key would need a character no bundled font has: fails while rendering.
    text = lesson.read_text(encoding="utf-8").replace("Құрылыс бастығы болды", "Құрылыс бастығы → болды")
    lesson.write_text(
        text.replace("answer: Құрылыс бастығы В. С. Шатов болды.", "answer: Бастығы → Шатов."), encoding="utf-8"
    )
    result = run("build", str(lesson), "-o", str(out))
    assert result.exit_code == 2 and "U+2192" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_check_accepts_good_lessons():
    result = run("check", str(EVERY_KIND))
    assert result.exit_code == 0 and result.output == "1 lesson file OK\n"


def test_unknown_printout_kind_is_a_usage_error():
    result = run("build", "--only", "handout,exam")
    assert result.exit_code == 2 and "choose from handout,tables,worksheet,key" in result.output


def test_schema_describes_every_field():
    result = run("schema")
    schema = json.loads(result.output)
    assert schema["title"] == "booklet lesson" and schema["additionalProperties"] is False
    models = {"Lesson": schema, **schema["$defs"]}
    for name, model in models.items():
        for field, spec in model.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
    assert set(schema["$defs"]["Worksheet"]["properties"]["exercises"]["items"]["discriminator"]["mapping"]) == {
        "cloze",
        "matching",
        "multiple_choice",
        "true_false",
        "ordering",
        "short_answer",
        "table_completion",
        "categorize",
    }


def test_help_everywhere():
    for command in ([], ["build"], ["book"], ["check"], ["schema"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_written_pdfs_are_readable_like_any_new_file(tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    result = run("build", str(EVERY_KIND), "-o", str(tmp_path), "--only", "tables")
    assert result.exit_code == 0
    assert (tmp_path / "every-kind-tables.pdf").stat().st_mode & 0o777 == 0o666 & ~mask


def test_check_reads_a_course_with_its_lessons():
    result = run("check", str(EVERY_KIND.parent.parent / "course.yaml"), str(EVERY_KIND))
    assert result.exit_code == 0 and result.output == "1 course file with 3 lesson files OK\n"


def test_book_writes_one_pdf_and_a_bad_course_keeps_it(tmp_path):
    shutil.copytree(EVERY_KIND.parent, tmp_path / "every-kind")
    for name in ("course.yaml", "second.yaml"):
        shutil.copy(EVERY_KIND.parent.parent / name, tmp_path / name)
    out = tmp_path / "out"
    result = run("book", str(tmp_path / "course.yaml"), "-o", str(out))
    assert result.exit_code == 0 and result.output.startswith(f"wrote {out / 'fixture-course-book.pdf'} (")
    before = (out / "fixture-course-book.pdf").read_bytes()
    second = tmp_path / "second.yaml"
    second.write_text(second.read_text(encoding="utf-8").replace("grade: 9", "grade: 8"), encoding="utf-8")
    result = run("book", str(tmp_path / "course.yaml"), "-o", str(out))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (
        result.output
        == f"{second}:6:8: grade: grade 8 differs from the course's 9 (a course's lessons share its cover)\n"
    )
    assert sorted(p.name for p in out.iterdir()) == [".booklet", "fixture-course-book.pdf"]
    assert (out / "fixture-course-book.pdf").read_bytes() == before


def test_lang_and_script_choose_the_labels_and_the_alphabet(tmp_path):
    import re

    from .conftest import PdfText

    result = run("build", str(EVERY_KIND), "-o", str(tmp_path), "--only", "worksheet", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Exercise 1" in PdfText((tmp_path / "every-kind-worksheet.pdf").read_bytes()).pages[0]
    result = run("build", str(EVERY_KIND), "-o", str(tmp_path), "--only", "worksheet", "--script", "latn")
    assert result.exit_code == 0, result.output
    text = "".join(PdfText((tmp_path / "every-kind-worksheet.pdf").read_bytes()).pages)
    assert "1-tapsyrma" in text and not re.search("[\u0400-\u04ff]", text)
    assert run("build", "--lang", "de").exit_code == 2


def test_lint_exit_codes(tmp_path):
    from booklet import sample_course

    assert run("lint", str(sample_course().parent)).exit_code == 0
    planted = EVERY_KIND.parent.parent / "lint" / "planted.yaml"
    result = run("lint", str(planted))
    assert result.exit_code == 1 and result.output.startswith(f"{planted}:")
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    result = run("lint", str(broken))
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_lint_fix_rewrites_only_the_defects(tmp_path):
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text('# кіріспе\ntitle: "1928-1932 жж." # ескерту\ntext: Ол "Кіші Қазан" деді\n', encoding="utf-8")
    result = run("lint", "--fix", str(lesson))
    assert result.exit_code == 0, result.output
    assert (
        lesson.read_text(encoding="utf-8")
        == '# кіріспе\ntitle: "1928–1932 жж." # ескерту\ntext: Ол «Кіші Қазан» деді\n'
    )
    assert result.output.splitlines() == [
        f"{lesson}:2:13: K203: fixed: 1928-1932 → 1928–1932",
        f'{lesson}:3:10: K211: fixed: Ол "Кіші → Ол «Кіші',
        f'{lesson}:3:21: K211: fixed: Қазан" деді → Қазан» деді',
    ]


@pytest.mark.parametrize(
    "args",
    [["--help"], ["check", str(EVERY_KIND)], ["lint", str(EVERY_KIND)], ["schema", "--exam"]],
    ids=["help", "check", "lint", "schema"],
)
def test_commands_that_do_not_render_load_neither_weasyprint_nor_reportlab(args):
    """Issue 11, point 5: they start in a fraction of the time a renderer takes to load."""
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from booklet.cli import main\n"
        f"result = CliRunner().invoke(main, {args!r})\n"
        "assert result.exception is None or isinstance(result.exception, SystemExit), result.exception\n"
        "print(sorted(m for m in ('weasyprint', 'reportlab', 'pdfplumber') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
