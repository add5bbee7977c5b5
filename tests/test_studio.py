"""The studio (`booklet serve`) in-process: real files in a temporary workspace, real builds and
previews of the small fixtures, and every refusal of what a page elsewhere might try."""

from __future__ import annotations

import io
import re
import shutil
import socket
import warnings
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from booklet.cli import main
from booklet.studio.app import create_app, words
from booklet.studio.checking import check_text
from booklet.studio.inserting import examples, insert_example
from booklet.studio.previews import Previews
from booklet.studio.printing import MAX_FIGURE_BYTES, MAX_ROSTER_BYTES
from booklet.studio.server import listening_socket
from booklet.studio.workspace import HISTORY, Workspace

from .conftest import FIXTURES, PdfText

with warnings.catch_warnings():  # starlette would have httpx's successor; httpx works the same
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TOKEN = "test-token"
PORT = 8765
LESSON = "every-kind/lesson.yaml"
EXAM = "exam/exam.yaml"


@pytest.fixture(scope="module")
def previews() -> Previews:
    return Previews()  # one warm renderer for the module, as a studio keeps one


@pytest.fixture
def workspace(tmp_path) -> Path:
    root = tmp_path / "work"
    shutil.copytree(FIXTURES / "every-kind", root / "every-kind")
    shutil.copytree(FIXTURES / "exam", root / "exam")
    shutil.copy(FIXTURES / "second.yaml", root / "second.yaml")
    shutil.copy(FIXTURES / "course.yaml", root / "course.yaml")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.yaml").write_text("id: secret\n", encoding="utf-8")
    (root / "out").mkdir()
    (root / "out" / "old.yaml").write_text("id: old\n", encoding="utf-8")
    return root


@pytest.fixture
def client(workspace, previews) -> TestClient:
    browser = TestClient(create_app(workspace, TOKEN, PORT, previews), base_url=f"http://127.0.0.1:{PORT}")
    assert browser.get(f"/?token={TOKEN}").status_code == 200  # sets the cookie, as the printed address does
    return browser


def stranger(workspace, previews, host: str = f"127.0.0.1:{PORT}") -> TestClient:
    return TestClient(create_app(workspace, TOKEN, PORT, previews), base_url=f"http://{host}")


# ---------- safe by default ----------


def test_every_request_needs_the_token(workspace, previews):
    browser = stranger(workspace, previews)
    for url in ["/", f"/edit/{LESSON}", f"/api/file?path={LESSON}", "/static/editor.js", "/api/entries"]:
        assert browser.get(url).status_code == 403, url
        assert browser.get(url, headers={"X-Booklet-Token": "wrong"}).status_code == 403
    assert browser.post("/api/save", json={"path": LESSON, "text": "x", "version": ""}).status_code == 403
    assert browser.get("/api/entries", headers={"X-Booklet-Token": TOKEN}).status_code == 200
    page = browser.get(f"/?token={TOKEN}")
    cookie = page.headers["set-cookie"]
    assert f"booklet_token={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert browser.get("/api/entries").status_code == 200  # the cookie now


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "localhost", "0.0.0.0:8765"])
def test_a_foreign_host_header_is_refused_even_with_the_token(workspace, previews, host):
    browser = stranger(workspace, previews, host)
    assert browser.get(f"/?token={TOKEN}").status_code == 403
    assert stranger(workspace, previews, f"localhost:{PORT}").get(f"/?token={TOKEN}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "../outside.yaml",
        "/etc/passwd",
        "every-kind/../../outside.yaml",
        ".hidden/secret.yaml",
        f"{HISTORY}/x.yaml",
        "every-kind\\lesson.yaml",
        "every-kind/figures/bars.svg",
        "link/outside.yaml",
        "C:/x.yaml",
    ],
)
def test_nothing_outside_the_workspace_is_read_or_written(client, workspace, path):
    outside = workspace.parent / "outside.yaml"
    outside.write_text("id: outside\n", encoding="utf-8")
    (workspace / "link").symlink_to(workspace.parent, target_is_directory=True)
    assert client.get("/api/file", params={"path": path}).status_code == 403
    assert (
        client.post("/api/save", json={"path": path, "text": "id: x\n", "version": "", "force": True}).status_code
        == 403
    )
    assert client.post("/api/check", json={"path": path, "text": "id: x\n"}).status_code == 403
    assert client.get("/api/preview", params={"path": path}).status_code == 403
    assert outside.read_text(encoding="utf-8") == "id: outside\n"


def test_downloads_are_only_pdfs_of_out(client, workspace):
    (workspace / "out" / "x.pdf").write_bytes(b"%PDF-1.7 test")
    assert client.get("/api/download/x.pdf").headers["content-type"] == "application/pdf"
    for name in ["..%2Fcourse.yaml", "old.yaml", "missing.pdf", ".booklet"]:
        assert client.get(f"/api/download/{name}").status_code in (400, 404), name


def test_the_server_listens_on_loopback_only_and_finds_a_free_port():
    busy = listening_socket(0)
    try:
        assert busy.getsockname()[0] == "127.0.0.1"
        taken = busy.getsockname()[1]
        other = listening_socket(taken)  # busy: any free one
        assert other.getsockname()[1] not in (0, taken)
        other.close()
    finally:
        busy.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))


# ---------- the workspace page and new files ----------


def test_the_workspace_lists_lessons_courses_and_exams_with_titles_and_validity(client, workspace):
    broken = workspace / "every-kind" / "broken.yaml"
    broken.write_text(
        (workspace / LESSON).read_text(encoding="utf-8").replace("grade: 9", "grade: 15"), encoding="utf-8"
    )
    page = client.get("/").text
    paths = re.findall(r'<li class="entry[^"]*" data-path="([^"]+)"', page)
    assert paths == ["course.yaml", "second.yaml", "every-kind/broken.yaml", LESSON, EXAM, "exam/lesson.yaml"]
    assert 'data-path="every-kind/broken.yaml" data-kind="lesson">' in page
    entry = page.split('data-path="every-kind/broken.yaml"')[1].split("</li>")[0]
    assert 'data-valid="false"' in entry and '<span class="title">Түрксіб темір жолы</span>' in entry
    entry = page.split(f'data-path="{EXAM}"')[1].split("</li>")[0]
    assert 'data-valid="true"' in entry and f'href="/edit/{EXAM}"' in entry and "Жиынтық бағалау" in entry
    assert 'id="new-kind"' in page and 'id="new-name"' in page and 'id="new-create"' in page
    assert 'option value="kk" selected' in page


@pytest.mark.parametrize("kind", ["lesson", "course", "exam"])
def test_a_new_file_is_made_from_a_kazakh_starter_that_is_valid(client, workspace, kind):
    made = client.post("/api/new", json={"kind": kind, "name": f"new-{kind}"})
    assert made.status_code == 200
    path = made.json()["path"]
    assert path == f"new-{kind}.yaml" and made.json()["url"] == f"/edit/{path}"
    text = (workspace / path).read_text(encoding="utf-8")
    assert f"id: new-{kind}\n" in text and "subject: Қазақстан тарихы" in text
    assert check_text(workspace / path, text, workspace) == []
    again = client.post("/api/new", json={"kind": kind, "name": f"new-{kind}"})
    assert again.status_code == 400 and "already exists" in again.json()["error"]
    assert client.post("/api/new", json={"kind": kind, "name": "Жаңа"}).status_code == 400


def test_booklet_new_on_the_command_line(tmp_path):
    runner = CliRunner()
    made = runner.invoke(main, ["new", "course", "unit", "--folder", str(tmp_path)])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "unit.yaml").exists() and (tmp_path / "unit-1.yaml").exists()
    again = runner.invoke(main, ["new", "lesson", "unit", "--folder", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(main, ["new", "exam", "../x", "--folder", str(tmp_path)])
    assert bad.exit_code == 2 and "Latin small letters" in bad.output
    assert runner.invoke(main, ["check", str(tmp_path / "unit.yaml")]).exit_code == 0


# ---------- the editor: checking, completion, saving ----------


def test_problems_come_back_at_their_lines_with_bookets_messages(client, workspace):
    text = (workspace / LESSON).read_text(encoding="utf-8").replace("grade: 9", "grade: 15")
    text = text.replace("    event: Түрксіб құрылысы басталды.", "    evnt: Түрксіб құрылысы басталды.")
    problems = client.post("/api/check", json={"path": LESSON, "text": text}).json()["problems"]
    lines = {problem["line"]: problem["message"] for problem in problems}
    assert lines[5] == "grade: Input should be less than or equal to 12"
    assert "unknown key 'evnt' (did you mean 'event'?)" in lines[33]
    syntax = client.post("/api/check", json={"path": LESSON, "text": "id: x\ntitle: [a\nsubject: b\n"}).json()
    assert len(syntax["problems"]) == 1 and syntax["problems"][0]["line"] >= 2
    assert client.post("/api/check", json={"path": LESSON, "text": (workspace / LESSON).read_text()}).json() == {
        "problems": []
    }
    # a figure is looked for beside the file, as when it is built
    missing = client.post("/api/check", json={"path": "lesson-here.yaml", "text": (workspace / LESSON).read_text()})
    assert any("figures/bars.svg" in p["message"] for p in missing.json()["problems"])


def test_the_schema_for_completion_is_booklets(client):
    schema = client.get("/api/schema", params={"kind": "exam"}).json()
    assert "summative" in schema["properties"] and "$defs" in schema


def test_saving_is_atomic_keeps_the_old_version_and_refuses_a_stale_one(client, workspace):
    loaded = client.get("/api/file", params={"path": LESSON}).json()
    original = loaded["text"]
    changed = original.replace("title: Түрксіб темір жолы", "title: Түрксіб", 1)
    saved = client.post("/api/save", json={"path": LESSON, "text": changed, "version": loaded["version"]})
    assert saved.status_code == 200 and saved.json()["valid"] is True
    assert (workspace / LESSON).read_text(encoding="utf-8") == changed
    [kept] = Workspace(workspace).history(LESSON)
    assert kept == workspace / HISTORY / "every-kind" / "lesson.yaml.1.yaml"
    assert kept.read_text(encoding="utf-8") == original
    assert not [p for p in (workspace / "every-kind").iterdir() if p.name.endswith(".part")]
    # someone else changes the file: the stale version is refused with the disk's text
    (workspace / LESSON).write_text(original, encoding="utf-8")
    stale = client.post("/api/save", json={"path": LESSON, "text": "id: mine\n", "version": saved.json()["version"]})
    assert stale.status_code == 409
    assert stale.json()["text"] == original and stale.json()["version"] == loaded["version"]
    assert (workspace / LESSON).read_text(encoding="utf-8") == original
    forced = client.post("/api/save", json={"path": LESSON, "text": changed, "version": "x", "force": True})
    assert forced.status_code == 200 and len(Workspace(workspace).history(LESSON)) == 2


def test_a_new_file_saves_with_an_empty_version_only(client, workspace):
    assert (
        client.post("/api/save", json={"path": "fresh.yaml", "text": "id: fresh\n", "version": ""}).status_code == 200
    )
    assert client.post("/api/save", json={"path": "fresh.yaml", "text": "id: f\n", "version": ""}).status_code == 409


@pytest.mark.parametrize("what", sorted(examples()))
def test_every_add_menu_item_keeps_the_lesson_valid_twice_over(workspace, what):
    path = workspace / LESSON
    text = path.read_text(encoding="utf-8")
    for _ in range(2):
        text, line = insert_example(text, what, "figures/bars.svg" if what == "figure" else None)
        assert text.split("\n")[line - 1].strip(), "the line given is where the example starts"
    assert check_text(path, text, workspace) == []
    assert path.read_text(encoding="utf-8").split("\n")[:3] == text.split("\n")[:3]


def test_exercises_added_to_an_exam_become_tasks_and_count_in_the_total(client, workspace):
    text = (workspace / EXAM).read_text(encoding="utf-8")
    for what in ["matching", "table_completion", "short_answer"]:
        text = client.post("/api/insert", json={"path": EXAM, "text": text, "what": what}).json()["text"]
    assert "total: 17" in text
    assert check_text(workspace / EXAM, text, workspace) == []
    refused = client.post("/api/insert", json={"path": EXAM, "text": text, "what": "term"})
    assert refused.status_code == 400


def test_the_editor_page_has_the_contracts_elements(client):
    page = client.get(f"/edit/{LESSON}").text
    for needed in [
        'id="editor"',
        'id="save"',
        'id="status"',
        'id="problems"',
        'id="add"',
        'id="printout"',
        'id="preview"',
        'data-build="lesson"',
        'id="downloads"',
        'id="build-problems"',
        'id="build-warnings"',
        'id="lang"',
        "/static/vendor/codemirror/lib/codemirror.js",
    ]:
        assert needed in page, needed
    for what in examples():
        assert f'data-add="{what}"' in page
    assert [v for v in re.findall(r'<option value="(\w+)"', page) if v not in ("kk", "ru", "en")] == [
        "handout",
        "tables",
        "worksheet",
        "key",
        "pair",
    ]
    exam = client.get(f"/edit/{EXAM}").text
    for needed in [
        'data-build="exam"',
        'data-build="named"',
        'id="variants"',
        'id="seed"',
        'id="answer-sheets"',
        'id="duplex"',
        'id="roster"',
        'id="variant"',
        '<option value="sheet">',
    ]:
        assert needed in exam, needed
    assert 'data-build="book"' in client.get("/edit/course.yaml").text
    assert client.get("/static/vendor/codemirror/lib/codemirror.js").status_code == 200


def test_content_stays_escaped_in_the_page(client, workspace):
    text = (workspace / "second.yaml").read_text(encoding="utf-8")
    (workspace / "second.yaml").write_text(
        text.replace("title: Жұмысшы табы", 'title: "<script>x()</script> {{ 7*7 }}"', 1)
    )
    page = client.get("/").text
    assert "<script>x()" not in page and "&lt;script&gt;x()&lt;/script&gt; {{ 7*7 }}" in page


def test_the_page_speaks_kazakh_russian_or_english(client):
    assert "Сақтау" in client.get(f"/edit/{LESSON}").text
    client.cookies.set("booklet_lang", "ru")
    assert "Сохранить" in client.get(f"/edit/{LESSON}").text
    client.cookies.set("booklet_lang", "en")
    assert ">Save<" in client.get(f"/edit/{LESSON}").text
    every = words()
    assert set(every) == {"kk", "ru", "en"}
    assert set(every["kk"]) == set(every["ru"]) == set(every["en"]) and all(
        all(v.strip() for v in w.values()) for w in every.values()
    )
    assert every["kk"]["roster"] == "Сынып тізімі" and every["kk"]["preview"] == "Алдын ала қарау"


# ---------- preview and print ----------


def test_the_preview_is_pictures_of_the_printout_refreshed_after_a_save(client, workspace):
    shown = client.get("/api/preview", params={"path": LESSON, "printout": "worksheet"}).json()
    assert shown["pages"] and all(url.endswith(".png") for url in shown["pages"])
    picture = client.get(shown["pages"][0])
    assert picture.headers["content-type"] == "image/png" and picture.content.startswith(b"\x89PNG")
    assert client.get("/api/preview", params={"path": LESSON, "printout": "worksheet"}).json() == shown  # cached
    pair = client.get("/api/preview", params={"path": LESSON, "printout": "pair"}).json()
    assert len(pair["pages"]) == len(shown["pages"]) + 1  # the key's answer table has a page of its own
    loaded = client.get("/api/file", params={"path": LESSON}).json()
    changed = loaded["text"].replace("Құрылыстың басталуы", "Құрылыс", 1)
    client.post("/api/save", json={"path": LESSON, "text": changed, "version": loaded["version"]})
    again = client.get("/api/preview", params={"path": LESSON, "printout": "worksheet"}).json()
    assert again["version"] != shown["version"]
    broken = client.post(
        "/api/save",
        json={
            "path": LESSON,
            "text": changed.replace("grade: 9", "grade: 15"),
            "version": again["version"] and None,
            "force": True,
        },
    )
    assert broken.status_code == 200 and broken.json()["valid"] is False
    refused = client.get("/api/preview", params={"path": LESSON, "printout": "worksheet"})
    assert refused.status_code == 400 and refused.json()["problems"][0]["line"] == 5
    assert str(workspace) not in refused.text


def test_an_exam_preview_shows_the_chosen_variant(client):
    first = client.get("/api/preview", params={"path": EXAM, "printout": "sheet", "variant": 1}).json()
    second = client.get("/api/preview", params={"path": EXAM, "printout": "sheet", "variant": 2}).json()
    key = client.get("/api/preview", params={"path": EXAM, "printout": "key", "variant": 2}).json()
    assert len({first["version"], second["version"], key["version"]}) == 3
    assert client.get(first["pages"][0]).content != client.get(second["pages"][0]).content


def test_printing_a_lesson_gives_its_four_pdfs(client):
    made = client.post("/api/build", json={"path": LESSON, "what": "lesson"}).json()
    assert [f["name"] for f in made["files"]] == [
        f"every-kind-{k}.pdf" for k in ("handout", "tables", "worksheet", "key")
    ]
    assert made["problems"] == []
    key = client.get(made["files"][3]["url"])
    assert key.headers["content-type"] == "application/pdf"
    assert "Жауап кілті" in PdfText(key.content).pages[0]


def test_printing_named_sheets_from_a_class_list_with_classes_and_warnings(client, workspace):
    roster = "Аты-жөні;Сынып\nӘлиев Нұрлан;9 Ә\nҚұрманғазы Үміт;9 Б\nӘлиев Нұрлан;9 Ә\n".encode()
    fields = {"path": EXAM, "what": "named", "variants": "2", "seed": "7", "duplex": "false"}
    made = client.post("/api/build", data=fields, files={"roster": ("9 Ә сыныбы.csv", roster, "text/csv")}).json()
    assert made["problems"] == [] and made["pupils"] == 3 and made["seed"] == 7
    assert [f["name"] for f in made["files"]] == ["small-exam-sheets.pdf", "small-exam-keys.pdf"]
    [warning] = made["warnings"]
    assert "«Әлиев Нұрлан» is listed twice" in warning and str(workspace) not in warning
    sheets = PdfText(client.get(made["files"][0]["url"]).content)
    assert "Аты-жөні: Құрманғазы Үміт Сынып: 9 Б" in " ".join(sheets.pages)
    keys = PdfText(client.get(made["files"][1]["url"]).content)
    assert re.search(r"2 Құрманғазы Үміт 9 Б Б \w{4}", " ".join(keys.pages))
    bad = client.post("/api/build", data=fields, files={"roster": ("list.csv", "Тегі\nӘлиев\n".encode(), "text/csv")})
    assert "no name column" in bad.json()["problems"][0]


def test_uploads_are_bounded_and_checked(client, workspace):
    big = client.post(
        "/api/build",
        data={"path": EXAM, "what": "named"},
        files={"roster": ("class.csv", b"x" * (MAX_ROSTER_BYTES + 1), "text/csv")},
    )
    assert big.status_code == 400 and "takes up to" in big.json()["error"]
    fake = client.post(
        "/api/build",
        data={"path": EXAM, "what": "named"},
        files={"roster": ("class.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert fake.status_code == 400
    figure = client.post(
        "/api/figure", data={"path": LESSON}, files={"file": ("map.png", b"GIF89a not a png", "image/png")}
    )
    assert figure.status_code == 400 and "map.png" in figure.json()["error"]
    assert not (workspace / "every-kind" / "figures" / "map.png").exists()
    script = client.post("/api/figure", data={"path": LESSON}, files={"file": ("x.html", b"<script>", "text/html")})
    assert script.status_code == 400
    huge = client.post(
        "/api/figure", data={"path": LESSON}, files={"file": ("a.png", b"\0" * (MAX_FIGURE_BYTES + 1), "image/png")}
    )
    assert huge.status_code in (400, 413)
    outside = client.post(
        "/api/figure", data={"path": "../x.yaml"}, files={"file": ("a.svg", b"<svg/>", "image/svg+xml")}
    )
    assert outside.status_code == 403


def test_an_uploaded_figure_goes_into_the_lessons_folder_and_the_lesson_stays_valid(client, workspace):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    made = client.post(
        "/api/figure", data={"path": LESSON}, files={"file": ("../Карта 1.png", buffer.getvalue(), "image/png")}
    )
    assert made.status_code == 200
    src = made.json()["src"]
    assert src == "figures/Карта-1.png" and (workspace / "every-kind" / src).read_bytes() == buffer.getvalue()
    text = client.post(
        "/api/insert", json={"path": LESSON, "text": (workspace / LESSON).read_text(), "what": "figure", "src": src}
    ).json()["text"]
    assert check_text(workspace / LESSON, text, workspace) == []
    assert yaml.safe_load(text)["sections"][-1]["figures"][-1]["src"] == src
