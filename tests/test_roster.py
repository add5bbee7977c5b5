"""Class lists as schools keep them: XLSX, CSV with or without BOM, commas, semicolons or tabs,
a title row, surname and given name apart, a class column, a pupil listed twice."""

from __future__ import annotations

import pytest

from booklet import ContentError
from booklet.roster import Pupil, read_roster, repeated


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "class.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_roster(path)
    return [str(problem).replace(f"{path}:", "") for problem in caught.value.problems]


def test_kazakh_names_with_a_bom_and_semicolons(tmp_path):
    path = write(
        tmp_path,
        "№;Аты-жөні;Сынып\r\n1;Әлиев  Нұрлан;9 Ә\r\n2;Құрманғазы Үміт;9 Ә\r\n\r\n3;Іңкәр Өтебаева;9 Ә\r\n",
        "utf-8-sig",
    )
    assert read_roster(path) == (
        Pupil("Әлиев Нұрлан", 2, "9 Ә"),
        Pupil("Құрманғазы Үміт", 3, "9 Ә"),
        Pupil("Іңкәр Өтебаева", 5, "9 Ә"),
    )


def test_commas_without_a_bom_and_a_russian_heading(tmp_path):
    path = write(tmp_path, 'ФИО,Класс\nИванов Иван,9А\n"Сәтбаев, Қаныш",9А\n')
    assert [pupil.name for pupil in read_roster(path)] == ["Иванов Иван", "Сәтбаев, Қаныш"]


def test_a_single_name_column(tmp_path):
    assert [p.name for p in read_roster(write(tmp_path, "name\nAigerim\nDana\n"))] == ["Aigerim", "Dana"]


def test_a_malformed_row_is_named_by_its_row_number(tmp_path):
    path = write(tmp_path, "Аты-жөні;Сынып\nӘлиев Нұрлан;9 Ә\nҚұрманғазы Үміт;9 Ә;артық\n;9 Ә\n")
    assert problems(path) == [
        "3:1: row has 3 cells but the heading row has 2 (separate cells with ';' only)",
        "4:1: the name cell is empty (fill it in or delete the row)",
    ]


def test_no_name_column(tmp_path):
    assert problems(write(tmp_path, "Сынып;Балл\n9 Ә;5\n")) == [
        "1:1: no name column among 'Сынып', 'Балл' (name the pupils' column «Аты-жөні» (or «ФИО», «name»), "
        "or the two columns «Тегі» and «Аты»)"
    ]


def test_not_utf8(tmp_path):
    path = write(tmp_path, "ФИО\nИванов\n", encoding="cp1251")
    assert problems(path) == ["1:1: the roster is not UTF-8 text (save it from the spreadsheet as «CSV UTF-8»)"]


def test_empty_and_heading_only(tmp_path):
    assert problems(write(tmp_path, "\n\n", name="empty.csv"))[0].startswith("1:1: the roster is empty")
    assert problems(write(tmp_path, "Аты-жөні\n", name="heading.csv")) == [
        "1:1: the roster has a heading row but no pupils"
    ]


@pytest.mark.parametrize("text", [";;;\n;;;\n", ",,\n\n , ,\n", "\n\n   \n", ""])
def test_a_roster_of_only_separators_or_blanks_is_empty(tmp_path, text):
    assert problems(write(tmp_path, text)) == ["1:1: the roster is empty (export the class list with a name column)"]


def test_a_200_kb_cell_is_refused_at_its_line(tmp_path):
    path = write(tmp_path, "Аты-жөні\nӘлиев Нұрлан\n" + "Ә" * 200_000 + "\nДана\n")
    assert problems(path) == ["3:2001: the line has 200,000 characters (a roster line holds up to 2,000)"]


def test_a_name_with_a_character_no_font_has_is_located(tmp_path):
    path = write(tmp_path, "№;Аты-жөні\n1;Әлиев Нұрлан\n2;Дана ★ Серік\n")
    assert problems(path) == [
        "3:8: the character «★» (U+2605, BLACK STAR) in the name «Дана ★ Серік» is in no bundled font "
        "(retype the name in Kazakh or Russian letters)"
    ]


def test_ten_thousand_rows_are_read_quickly_and_refused_with_the_limit(tmp_path):
    import time

    path = write(tmp_path, "Аты-жөні\n" + "".join(f"Оқушы {n}\n" for n in range(10_000)))
    started = time.perf_counter()
    assert problems(path) == [
        "1002:1: the roster has 10,000 pupils; booklet prints up to 1,000 copies in one run (split the class list)"
    ]
    assert time.perf_counter() - started < 2


def test_a_folder_or_a_link_loop_is_a_clear_error(tmp_path):
    (tmp_path / "loop.csv").symlink_to(tmp_path / "loop.csv")
    assert problems(tmp_path / "loop.csv") == ["1:1: cannot read the class list: Too many levels of symbolic links"]
    (tmp_path / "folder.csv").mkdir()
    assert problems(tmp_path / "folder.csv") == ["1:1: cannot read the class list: Is a directory"]


def test_a_roster_of_empty_quoted_cells_is_empty(tmp_path):
    assert problems(write(tmp_path, '""\n""\n\n""\n')) == [
        "1:1: the roster is empty (export the class list with a name column)"
    ]


def test_a_quotation_mark_never_closed_is_an_error_not_one_long_name(tmp_path):
    path = write(tmp_path, 'Аты-жөні\n"Иванов\nПетров\nДана\n')
    assert problems(path) == [
        '2:1: a quotation mark opens a cell that never ends (a name holds a " that is never closed: delete it, or close it)'
    ]
    big = write(tmp_path, 'Аты-жөні\n"Иванов\n' + "Петров\n" * 30_000, name="big.csv")
    assert problems(big)[0].startswith("2:1: a quotation mark opens a cell that never ends")


def test_a_title_row_is_skipped_and_surname_and_given_name_are_joined(tmp_path):
    path = write(
        tmp_path, "9 Ә сыныбы, 2026–2027 оқу жылы;;\n\n№;Тегі;Аты;Сынып\n1;Әлиев;Нұрлан;9 Ә\n2;Сәтбаева;Дана;9 Ә\n"
    )
    assert read_roster(path) == (Pupil("Әлиев Нұрлан", 4, "9 Ә"), Pupil("Сәтбаева Дана", 5, "9 Ә"))


def test_tab_separated_text_copied_from_a_table(tmp_path):
    path = write(tmp_path, "Аты-жөні\tСынып\nӘлиев Нұрлан\t9 Ә\nИванов Иван\t9 Б\n", name="class.txt")
    assert [(p.name, p.class_name) for p in read_roster(path)] == [("Әлиев Нұрлан", "9 Ә"), ("Иванов Иван", "9 Б")]


def test_an_xlsx_class_list_with_a_title_and_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (
        ["9 Ә сыныбының тізімі"],
        [],
        ["№", "Тегі", "Аты", "Әкесінің аты", "Сынып"],
        [1, "Әлиев", "Нұрлан", "Серікұлы", "9 Ә"],
        [2.0, "Құрманғазы", "Үміт", None, 9],
    ):
        sheet.append(row)
    book.save(tmp_path / "class.xlsx")
    assert read_roster(tmp_path / "class.xlsx") == (
        Pupil("Әлиев Нұрлан Серікұлы", 4, "9 Ә"),
        Pupil("Құрманғазы Үміт", 5, "9"),
    )


def test_a_damaged_workbook_is_a_located_error(tmp_path):
    path = write(tmp_path, "not a zip", name="class.xlsx")
    assert problems(path) == [
        "1:1: the class list is not a readable XLSX workbook (open it in the spreadsheet and save it again "
        "as «Excel Workbook (.xlsx)», or as «CSV UTF-8»)"
    ]


def test_a_pupil_listed_twice_is_a_warning_not_an_error(tmp_path):
    path = write(tmp_path, "Аты-жөні;Сынып\nӘлиев Нұрлан;9 Ә\nДана;9 Ә\nӘлиев  Нұрлан;9 Ә\nДана;9 Б\n")
    pupils = read_roster(path)
    assert len(pupils) == 4
    assert repeated(path, pupils) == [
        f"{path}:4: «Әлиев Нұрлан» is listed twice (also row 2); each row gets a sheet: delete one if it is a slip"
    ]
