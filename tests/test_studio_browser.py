"""The studio (`booklet serve`) used in a real browser, as a teacher uses it.

One studio server (in a thread of the test process) and one headless Chromium, driven by
Selenium, serve every test of the module (one of each per pytest-xdist worker that runs
them). Selenium uses Debian's browser and driver (`apt-get install chromium
chromium-driver`, in README's test set-up command) and downloads nothing. What the tests check is what the teacher gets: the problem marked at the line that
is wrong with booklet's own message, a preview that changes, PDFs holding the exercises,
the answers and the pupils' names.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from booklet import ContentError, load_content

from .conftest import FIXTURES, PdfText, squash

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "README's test set-up command installs it (apt-get install -y chromium chromium-driver)"

webdriver = pytest.importorskip("selenium.webdriver", reason=f"Selenium is not installed: {INSTALL}")
if not CHROMIUM.exists() or not shutil.which("chromedriver"):
    pytest.skip(f"Chromium or its driver is not installed: {INSTALL}", allow_module_level=True)

import uvicorn  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from booklet.studio.app import create_app  # noqa: E402
from booklet.studio.server import listening_socket  # noqa: E402

WAIT = 15
"""Seconds to wait for the page to answer a click or a key (it takes well under one)."""
BUILD_WAIT = 60
"""Seconds to wait for pages to be laid out (a preview, a build: one to three seconds), on two
cores shared with the rest of the suite."""

NAMES = ["Әлиев Нұрлан", "Құрманғазы Үміт", "Бекова Әйгерім", "Құрманғазы Үміт"]
"""A class list with a pupil listed twice (a warning, not an error: two pupils may share a name)."""


@dataclass(frozen=True)
class Studio:
    """A running studio: its address, its token, its workspace folder."""

    url: str
    token: str
    folder: Path
    port: int


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """The studio serving a workspace with the small exam, its lesson and a broken lesson."""
    folder = tmp_path_factory.mktemp("workspace")
    shutil.copy(FIXTURES / "exam" / "lesson.yaml", folder / "lesson.yaml")
    shutil.copy(FIXTURES / "exam" / "exam.yaml", folder / "exam.yaml")
    (folder / "broken.yaml").write_text("id: broken\ntitle: Сынық\ngrade: тоғыз\n", encoding="utf-8")
    token = secrets.token_urlsafe(16)
    sock = listening_socket(0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(folder, token, port), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the studio server did not start"
        time.sleep(0.01)
    yield Studio(f"http://127.0.0.1:{port}", token, folder, port)
    server.should_exit = True
    thread.join(WAIT)
    sock.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[webdriver.Chrome]:
    """Debian's Chromium through its own driver, both given by path: Selenium Manager, which
    would look for them online, is not run (and SE_OFFLINE forbids it to, should it be)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")
        driver = webdriver.Chrome(service=service, options=options)
    driver.set_script_timeout(BUILD_WAIT)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium: webdriver.Chrome) -> webdriver.Chrome:
    """The browser of this worker's studio tests, its console emptied of what earlier tests left."""
    chromium.get_log("browser")
    return chromium


def open_page(browser, studio: Studio, path: str = "/") -> None:
    """Open a page of the studio as its start link does, with the token."""
    browser.get(f"{studio.url}{path}?token={studio.token}")
    WebDriverWait(browser, WAIT).until(lambda b: b.execute_script("return document.readyState") == "complete")


def open_editor(browser, studio: Studio, name: str) -> None:
    open_page(browser, studio, f"/edit/{name}")
    wait_for_editor(browser)


def wait_for_editor(browser) -> str:
    """The editor's text, once the page has loaded the file into it."""
    return WebDriverWait(browser, WAIT).until(
        lambda b: b.execute_script("return window.studio && window.studio.getText()")
    )


def css(browser, selector: str) -> list:
    return browser.find_elements(By.CSS_SELECTOR, selector)


def wait_for(browser, selector: str, timeout: float = WAIT) -> list:
    """The elements matching `selector`, once there is at least one."""
    return WebDriverWait(browser, timeout).until(lambda b: css(b, selector))


FETCH = """
const [url, done] = arguments;
fetch(url, {credentials: "same-origin"}).then(async response => {
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  done({status: response.status, type: response.headers.get("content-type"), body: btoa(text)});
}).catch(error => done({status: 0, type: String(error), body: ""}));
"""


def download(browser, url: str) -> tuple[int, str, bytes]:
    """What the browser gets for `url` on the studio's own page (with its cookie): status, type, bytes."""
    got = browser.execute_async_script(FETCH, url)
    return got["status"], got["type"] or "", base64.b64decode(got["body"])


def problems(browser) -> list[tuple[int, str]]:
    return [(int(li.get_attribute("data-line")), li.text) for li in css(browser, "#problems li.problem")]


def booklet_problems(path: Path, text: str):
    """What booklet itself says of `text` as the file at `path`."""
    try:
        load_content(path, text)
    except ContentError as error:
        return error.problems
    return []


def marked_lines(browser) -> list[int]:
    """The lines (0-based) whose gutter holds a lint marker."""
    return browser.execute_script(
        """const cm = window.studio.editor, marked = [];
        for (let line = 0; line <= cm.lastLine(); line++) {
          const markers = cm.lineInfo(line).gutterMarkers;
          if (markers && markers["CodeMirror-lint-markers"]) marked.push(line);
        }
        return marked;"""
    )


def preview_version(browser) -> str | None:
    pages = css(browser, "#preview img.page")
    return pages[0].get_attribute("data-version") if pages else None


def wait_for_new_preview(browser, old: str | None) -> str:
    """The preview's version once it has changed from `old` and its first page has loaded."""

    def fresh(b):
        version = preview_version(b)
        loaded = b.execute_script(
            "const img = document.querySelector('#preview img.page'); return !!img && img.complete && img.naturalWidth > 0"
        )
        return version if version and version != old and loaded else None

    return WebDriverWait(browser, BUILD_WAIT).until(fresh)


def check_preview_page(browser) -> None:
    """The first preview page is a PNG of an A4 page, the size the browser shows it at."""
    from PIL import Image

    img = css(browser, "#preview img.page")[0]
    status, kind, data = download(browser, img.get_attribute("src"))
    assert status == 200 and kind.startswith("image/png")
    with Image.open(io.BytesIO(data)) as png:
        png.load()
        assert png.format == "PNG"
        width, height = png.size
    natural = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", img)
    assert [width, height] == natural
    assert abs(height / width - 297 / 210) < 0.01, f"not an A4 page: {width}×{height}"
    assert width >= 300


def downloads(browser, timeout: float = BUILD_WAIT) -> dict[str, str]:
    """The download links the last build left, by their text (file name): href."""
    links = wait_for(browser, "#downloads a.download", timeout)
    return {link.text.strip(): link.get_attribute("href") for link in links}


def pdf_of(browser, links: dict[str, str], ending: str) -> PdfText:
    [name] = [name for name in links if name.endswith(ending)]
    status, kind, data = download(browser, links[name])
    assert status == 200 and kind.startswith("application/pdf"), (status, kind)
    assert data.startswith(b"%PDF")
    return PdfText(data)


def page_language(browser) -> str:
    return browser.execute_script("return document.documentElement.lang")


def page_errors(browser) -> list[str]:
    """The errors the page's scripts raised (a missing favicon is not one)."""
    return [
        e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]
    ]


def test_the_workspace_lists_each_file_with_whether_it_is_valid(browser, studio):
    open_page(browser, studio)
    entries = {li.get_attribute("data-path"): li for li in wait_for(browser, "#workspace li.entry")}
    assert {"lesson.yaml", "exam.yaml", "broken.yaml"} <= set(entries)
    valid = {
        path: li.find_element(By.CSS_SELECTOR, ".status").get_attribute("data-valid") for path, li in entries.items()
    }
    assert valid["lesson.yaml"] == valid["exam.yaml"] == "true"
    assert valid["broken.yaml"] == "false"
    assert entries["lesson.yaml"].find_element(By.CSS_SELECTOR, ".title").text == "Түрксіб темір жолы"
    assert (
        entries["exam.yaml"].find_element(By.CSS_SELECTOR, "a.open").get_attribute("href").endswith("/edit/exam.yaml")
    )
    assert not page_errors(browser)


def test_the_pages_speak_the_language_chosen(browser, studio):
    words = yaml.safe_load(files("booklet.studio").joinpath("locale.yaml").read_text(encoding="utf-8"))
    open_page(browser, studio)
    assert [o.get_attribute("value") for o in Select(css(browser, "select#lang")[0]).options] == ["kk", "ru", "en"]
    try:
        for lang in ("ru", "en"):
            Select(css(browser, "select#lang")[0]).select_by_value(lang)
            WebDriverWait(browser, WAIT).until(lambda b, lang=lang: page_language(b) == lang)
            assert wait_for(browser, "button#new-create")[0].text == words[lang]["create"]
        open_editor(browser, studio, "lesson.yaml")  # the choice holds on every page
        assert css(browser, "button#save")[0].text == words["en"]["save"] == "Save"
    finally:
        Select(css(browser, "select#lang")[0]).select_by_value("kk")
        WebDriverWait(browser, WAIT).until(lambda b: page_language(b) == "kk")
    assert wait_for(browser, "button#save")[0].text == words["kk"]["save"] == "Сақтау"
    assert not page_errors(browser)


def test_a_new_lesson_is_checked_as_it_is_typed_and_its_preview_follows(browser, studio):
    open_page(browser, studio)
    Select(wait_for(browser, "select#new-kind")[0]).select_by_value("lesson")
    css(browser, "input#new-name")[0].send_keys("zhana-sabaq")
    css(browser, "button#new-create")[0].click()
    WebDriverWait(browser, WAIT).until(lambda b: "/edit/" in b.current_url)
    text = wait_for_editor(browser)
    path = studio.folder / "zhana-sabaq.yaml"
    assert text == path.read_text(encoding="utf-8")
    assert not booklet_problems(path, text)
    first = wait_for_new_preview(browser, None)

    lines = text.splitlines(keepends=True)
    grade = next(n for n, line in enumerate(lines) if line.startswith("grade:"))
    wrong = "".join(lines[:grade] + ["grade: тоғыз\n"] + lines[grade + 1 :])
    [expected] = booklet_problems(path, wrong)
    browser.execute_script("window.studio.setText(arguments[0])", wrong)
    WebDriverWait(browser, WAIT).until(lambda b: any(expected.message in message for _, message in problems(b)))
    [(line, message)] = problems(browser)
    assert line == grade + 1 == expected.line, message
    assert expected.message in message
    assert marked_lines(browser) == [grade]

    right = "".join(lines[:grade] + ["grade: 8\n"] + lines[grade + 1 :]).replace(
        "title: Түрксіб темір жолы", "title: Түрксіб темір жолының құрылысы", 1
    )
    assert not booklet_problems(path, right)
    browser.execute_script("window.studio.setText(arguments[0])", right)
    WebDriverWait(browser, WAIT).until(lambda b: not problems(b))
    assert not marked_lines(browser)
    css(browser, "button#save")[0].click()  # the preview shows the file as saved
    wait_for_new_preview(browser, first)
    check_preview_page(browser)

    before = browser.execute_script("return window.studio.getText()")
    css(browser, "button#add")[0].click()
    wait_for(browser, 'button[data-add="matching"]')[0].click()
    WebDriverWait(browser, WAIT).until(lambda b: b.execute_script("return window.studio.getText()") != before)
    added = browser.execute_script("return window.studio.getText()")
    lesson = load_content(path, added)
    kinds = [exercise.type for exercise in lesson.worksheet.exercises]
    assert kinds.count("matching") == 2 and kinds[-1] == "matching"
    css(browser, "button#save")[0].click()
    WebDriverWait(browser, WAIT).until(lambda b: path.read_text(encoding="utf-8") == added)
    assert load_content(path).title == "Түрксіб темір жолының құрылысы"
    assert not page_errors(browser)


def test_a_lesson_is_built_and_its_worksheet_and_key_downloaded(browser, studio):
    open_editor(browser, studio, "lesson.yaml")
    css(browser, 'button[data-build="lesson"]')[0].click()
    links = downloads(browser)
    assert {"every-kind-worksheet.pdf", "every-kind-key.pdf"} <= set(links)
    worksheet = pdf_of(browser, links, "-worksheet.pdf")
    key = pdf_of(browser, links, "-key.pdf")
    question = squash("Түрксіб құрылысына қанша қаржы бөлінді?")
    assert question in squash(" ".join(worksheet.pages)) and question in squash(" ".join(key.pages))
    assert not "".join(worksheet.answers), "the worksheet prints no answers"
    answers = "".join(key.answers)
    for answer in ("1927", "Айнабұлақ", "Шатов", "Құрылыс бастығы В. С. Шатов болды."):
        assert squash(answer) in squash(answers)
    assert not css(browser, "#build-problems li")
    assert not page_errors(browser)


def test_an_exam_for_a_class_list_has_a_sheet_with_each_pupils_name(browser, studio, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["9 «А» сыныбы"])
    sheet.append(["№", "Аты-жөні"])
    for number, name in enumerate(NAMES, 1):
        sheet.append([number, name])
    roster = tmp_path / "9a.xlsx"
    book.save(roster)

    open_editor(browser, studio, "exam.yaml")
    for field, value in (("variants", "2"), ("seed", "7")):
        box = css(browser, f"input#{field}")[0]
        box.clear()
        box.send_keys(value)
    css(browser, "input#roster")[0].send_keys(str(roster))
    css(browser, 'button[data-build="named"]')[0].click()
    links = downloads(browser)
    sheets = pdf_of(browser, links, "-sheets.pdf")
    assert len(sheets.pages) % len(NAMES) == 0
    per_pupil = len(sheets.pages) // len(NAMES)
    firsts = [sheets.pages[n * per_pupil] for n in range(len(NAMES))]
    for page, name in zip(firsts, NAMES, strict=True):
        assert squash(name) in squash(page)
    variants = [re.search(r"Нұсқа:\s*(\S+)", page).group(1) for page in firsts]
    assert variants == ["А", "Б", "А", "Б"]  # the two variants asked for, round the class in turn
    [warning] = [li.text for li in css(browser, "#build-warnings li")]
    assert warning.startswith("9a.xlsx:6: «Құрманғазы Үміт» is listed twice (also row 4)")
    assert css(browser, "#build-status")[0].text.endswith(": 7")  # the seed asked for, to make the set again
    assert not css(browser, "#build-problems li")
    assert not page_errors(browser)


def _request(studio: Studio, method: str, path: str, host: str | None = None, body: bytes = b"", **headers: str) -> int:
    """The status of a request sent as a script could send it, Host header and all."""
    connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=WAIT)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{studio.port}")
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            connection.putheader(name.replace("_", "-"), value)
        connection.endheaders(body)
        return connection.getresponse().status
    finally:
        connection.close()


def test_requests_without_the_token_or_for_another_host_are_refused(studio):
    token = f"?token={studio.token}"
    port = studio.port
    assert _request(studio, "GET", "/" + token) == 200
    assert _request(studio, "GET", "/edit/lesson.yaml" + token, host=f"localhost:{port}") == 200
    assert _request(studio, "GET", "/api/file?path=lesson.yaml", X_Booklet_Token=studio.token) == 200
    assert _request(studio, "GET", "/") == 403
    assert _request(studio, "GET", "/edit/lesson.yaml") == 403
    assert _request(studio, "GET", "/?token=" + secrets.token_urlsafe(16)) == 403
    assert _request(studio, "GET", "/api/file?path=lesson.yaml", Cookie="booklet_token=guess") == 403
    assert _request(studio, "GET", "/" + token, host=f"evil.example:{port}") == 403
    assert _request(studio, "GET", "/edit/lesson.yaml" + token, host="evil.example") == 403
    assert (
        _request(studio, "GET", "/api/file?path=lesson.yaml", host=f"evil.example:{port}", X_Booklet_Token=studio.token)
        == 403
    )

    before = (studio.folder / "lesson.yaml").read_bytes()
    overwrite = json.dumps({"path": "lesson.yaml", "text": "id: gone\n", "force": True}).encode()
    assert _request(studio, "POST", "/api/save", body=overwrite, Content_Type="application/json") == 403
    assert (
        _request(
            studio,
            "POST",
            "/api/save",
            host=f"evil.example:{port}",
            body=overwrite,
            Content_Type="application/json",
            X_Booklet_Token=studio.token,
        )
        == 403
    )
    assert (studio.folder / "lesson.yaml").read_bytes() == before
