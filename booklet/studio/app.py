"""The studio's web layer: routes that call the studio's functions, and the two checks every
request passes first.

`Guard` refuses (403) a request whose Host header is not this server's own address (a web
page elsewhere cannot reach the studio through a DNS name it points at 127.0.0.1) and one
that does not carry the studio's token: in the address printed at start (`/?token=…`, which
also sets it as an HttpOnly, SameSite=Strict cookie), in that cookie, or in the header
`X-Booklet-Token`. Pages are rendered with booklet's Jinja environment (autoescaped); the
page's words come from `locale.yaml` in the language the page chose.
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import yaml
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import BookletError, ContentError
from .checking import check_text, schema_for
from .inserting import examples, exercise_kinds, insert_example
from .previews import EXAM_PRINTOUTS, LESSON_PRINTOUTS, Previews
from .printing import MAX_FIGURE_BYTES, Order, print_order, printed_file, store_figure, store_roster
from .workspace import KINDS, Conflict, Refused, Workspace, describe, kind_of

HERE = Path(__file__).parent
LANGUAGES = ("kk", "ru", "en")
COOKIE, LANG_COOKIE, HEADER = "booklet_token", "booklet_lang", "x-booklet-token"
MAX_BODY = MAX_FIGURE_BYTES + 64 * 1024
"""The largest request: a figure and its form."""


@cache
def words() -> dict[str, dict[str, str]]:
    return yaml.safe_load((HERE / "locale.yaml").read_text(encoding="utf-8"))


class Guard:
    """ASGI middleware: the Host and token checks, and the cookie set from `?token=`."""

    def __init__(self, app: Any, token: str, hosts: set[str]):
        self.app, self.token, self.hosts = app, token, hosts

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        if headers.get("host", "") not in self.hosts:
            await _refuse(scope, receive, send, "this address is not the studio's (Host refused)")
            return
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
        cookies = SimpleCookie(headers.get("cookie", ""))
        presented = [given, headers.get(HEADER, ""), cookies[COOKIE].value if COOKIE in cookies else ""]
        if not any(secrets.compare_digest(p.encode(), self.token.encode()) for p in presented if p):
            await _refuse(scope, receive, send, "open the studio with the address it printed (with its token)")
            return
        if int(headers.get("content-length") or 0) > MAX_BODY:
            await JSONResponse({"error": "the upload is too large"}, status_code=413)(scope, receive, send)
            return
        if given:
            cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"

            async def with_cookie(message: dict) -> None:
                if message["type"] == "http.response.start":
                    message.setdefault("headers", []).append((b"set-cookie", cookie.encode("latin-1")))
                await send(message)

            await self.app(scope, receive, with_cookie)
            return
        await self.app(scope, receive, send)


async def _refuse(scope: dict, receive: Any, send: Any, why: str) -> None:
    await Response(f"403 Forbidden: {why}\n", status_code=403, media_type="text/plain")(scope, receive, send)


def create_app(root: str | Path, token: str, port: int, previews: Previews | None = None) -> Guard:
    """The studio for the workspace `root`, answering at 127.0.0.1:`port` or localhost:`port`."""
    studio = Studio(Workspace(root), previews or Previews())
    routes = [
        Route("/", studio.workspace_page),
        Route("/edit/{path:path}", studio.editor_page),
        Route("/api/entries", studio.entries),
        Route("/api/file", studio.file),
        Route("/api/check", studio.check, methods=["POST"]),
        Route("/api/save", studio.save, methods=["POST"]),
        Route("/api/new", studio.new, methods=["POST"]),
        Route("/api/insert", studio.insert, methods=["POST"]),
        Route("/api/figure", studio.figure, methods=["POST"]),
        Route("/api/schema", studio.schema),
        Route("/api/preview", studio.preview),
        Route("/api/page/{version}/{number:int}.png", studio.page),
        Route("/api/build", studio.build, methods=["POST"]),
        Route("/api/download/{name}", studio.download),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={BookletError: _error})
    app.state.root = studio.workspace.root
    return Guard(app, token, {f"127.0.0.1:{port}", f"localhost:{port}"})


async def _error(request: Request, error: Exception) -> Response:
    """A BookletError as JSON, its paths relative to the workspace: 409 for a conflict, 403 for
    a refusal, 400 for anything else the teacher can fix."""
    root = f"{request.app.state.root}/"
    if isinstance(error, Conflict):
        return JSONResponse({"error": str(error), "text": error.text, "version": error.version}, status_code=409)
    if isinstance(error, Refused):
        return JSONResponse({"error": str(error)}, status_code=403)
    if isinstance(error, ContentError):
        problems = [{"line": p.line, "column": p.column, "message": str(p).replace(root, "")} for p in error.problems]
        return JSONResponse({"error": str(error).replace(root, ""), "problems": problems}, status_code=400)
    return JSONResponse({"error": str(error).replace(root, "")}, status_code=400)


class Studio:
    """The routes, each a thin call into the studio's functions."""

    def __init__(self, workspace: Workspace, previews: Previews):
        self.workspace, self.previews = workspace, previews

    # ---------- pages ----------

    def _page(self, request: Request, template: str, **context: Any) -> HTMLResponse:
        from ..templating import environment

        lang = request.cookies.get(LANG_COOKIE, "kk")
        lang = lang if lang in LANGUAGES else "kk"
        env = _studio_environment(environment())
        html = env.get_template(template).render(t=words()[lang], lang=lang, languages=LANGUAGES, **context)
        return HTMLResponse(html, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    async def workspace_page(self, request: Request) -> Response:
        entries = await run_in_threadpool(self.workspace.entries)
        return self._page(request, "workspace.html", entries=entries, kinds=KINDS, root=self.workspace.root.name)

    async def editor_page(self, request: Request) -> Response:
        relative = request.path_params["path"]
        path = self.workspace.file(relative)
        text, _ = self.workspace.read(relative)
        kind = kind_of(text)
        printouts = list(EXAM_PRINTOUTS) if kind == "exam" else ["book"] if kind == "course" else list(LESSON_PRINTOUTS)
        adds = exercise_kinds() if kind == "exam" else list(examples()) if kind == "lesson" else []
        return self._page(
            request,
            "editor.html",
            path=relative,
            name=path.name,
            kind=kind,
            printouts=printouts,
            adds=adds,
            setup={"path": relative, "kind": kind, "letters": _variant_letters(text) if kind == "exam" else []},
        )

    # ---------- files ----------

    async def entries(self, request: Request) -> Response:
        entries = await run_in_threadpool(self.workspace.entries)
        return JSONResponse({"entries": [e.__dict__ for e in entries]})

    async def file(self, request: Request) -> Response:
        text, version = self.workspace.read(request.query_params.get("path", ""))
        return JSONResponse({"text": text, "version": version})

    async def check(self, request: Request) -> Response:
        body = await _json(request)
        path = self.workspace.file(body.get("path", ""))
        problems = await run_in_threadpool(check_text, path, _text(body), self.workspace.root)
        return JSONResponse({"problems": problems})

    async def save(self, request: Request) -> Response:
        body = await _json(request)
        relative = body.get("path", "")
        version = self.workspace.save(relative, _text(body), body.get("version"), bool(body.get("force")))
        entry = await run_in_threadpool(describe, self.workspace.file(relative), relative)
        return JSONResponse({"version": version, "valid": entry.valid})

    async def new(self, request: Request) -> Response:
        body = await _json(request)
        made = self.workspace.new(str(body.get("kind", "")), str(body.get("name", "")))
        return JSONResponse({"path": made, "url": f"/edit/{quote(made)}"})

    async def insert(self, request: Request) -> Response:
        body = await _json(request)
        text, line = insert_example(_text(body), str(body.get("what", "")), body.get("src"))
        return JSONResponse({"text": text, "line": line})

    async def figure(self, request: Request) -> Response:
        form = await request.form(max_files=1, max_fields=4, max_part_size=MAX_BODY)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise BookletError("choose the picture to upload")
        data = await upload.read()
        src = await run_in_threadpool(
            store_figure, self.workspace, str(form.get("path", "")), upload.filename or "", data
        )
        return JSONResponse({"src": src})

    async def schema(self, request: Request) -> Response:
        kind = request.query_params.get("kind", "lesson")
        return JSONResponse(schema_for(kind if kind in KINDS else "lesson"))

    # ---------- preview and print ----------

    async def preview(self, request: Request) -> Response:
        query = request.query_params
        path = self.workspace.file(query.get("path", ""))
        kind = kind_of(path.read_text(encoding="utf-8-sig", errors="replace"))
        printout = query.get("printout") or ("sheet" if kind == "exam" else "book" if kind == "course" else "handout")
        variant, seed = _number(query.get("variant"), 1) - 1, _number(query.get("seed"), None)
        made = await run_in_threadpool(self.previews.preview, path, kind, printout, variant, seed)
        pages = [f"/api/page/{made.version}/{n}.png" for n in range(1, len(made.pages) + 1)]
        return JSONResponse({"pages": pages, "version": made.version})

    async def page(self, request: Request) -> Response:
        data = self.previews.page(request.path_params["version"], request.path_params["number"])
        if data is None:
            return JSONResponse({"error": "no such page; refresh the preview"}, status_code=404)
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    async def build(self, request: Request) -> Response:
        roster, pupils = None, None
        if request.headers.get("content-type", "").startswith("multipart/"):
            form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_BODY)
            body: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
            upload = form.get("roster")
            if upload is not None and not isinstance(upload, str) and upload.filename:
                try:
                    roster, pupils = await run_in_threadpool(
                        store_roster, self.workspace, upload.filename, await upload.read()
                    )
                except ContentError as error:
                    return JSONResponse({"files": [], "warnings": [], "problems": [str(p) for p in error.problems]})
        else:
            body = await _json(request)
        order = Order(
            path=str(body.get("path", "")),
            what=str(body.get("what") or body.get("build") or "lesson"),
            variants=_number(body.get("variants"), 4),
            seed=_number(body.get("seed"), None),
            answer_sheets=_flag(body.get("answer_sheets")),
            duplex=_flag(body.get("duplex")),
            roster=roster or (str(body["roster"]) if body.get("roster") else None),
        )
        self.workspace.file(order.path)  # refused before anything is built
        printed = await run_in_threadpool(self.previews.with_renderer, print_order, self.workspace, order)
        files = [{"name": name, "url": f"/api/download/{quote(name)}"} for name in printed.files]
        return JSONResponse(
            {
                "files": files,
                "warnings": printed.warnings,
                "problems": printed.problems,
                "seed": printed.seed,
                "pupils": pupils,
            }
        )

    async def download(self, request: Request) -> Response:
        path = printed_file(self.workspace, request.path_params["name"])
        return FileResponse(path, media_type="application/pdf", filename=path.name)


@cache
def _studio_environment(base: Any) -> Any:
    """booklet's environment (autoescape, StrictUndefined) reading the studio's own templates."""
    from jinja2 import FileSystemLoader

    return base.overlay(loader=FileSystemLoader(HERE / "templates"))


def _variant_letters(text: str) -> list[str]:
    """The names variants are printed with (А, Б, В … in the exam's labels), for the preview's
    variant menu; the Kazakh ones when the file cannot be read yet."""
    from ..choices import LANGUAGES
    from ..exam import MAX_VARIANTS, variant_letter
    from ..labels import labels_for

    said = dict(re.findall(r"^(labels|language)\s*:\s*[\"']?(\w+)", text, re.MULTILINE))  # as `kind_of` reads keys
    lang = said.get("labels") or said.get("language") or "kk"
    labels = labels_for(lang if lang in LANGUAGES else "kk")
    return [variant_letter(labels, index) for index in range(MAX_VARIANTS)]


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise BookletError("the request is not JSON") from None
    if not isinstance(body, dict):
        raise BookletError("the request must be a JSON object")
    return body


def _text(body: dict[str, Any]) -> str:
    text = body.get("text", "")
    if not isinstance(text, str):
        raise BookletError("`text` must be a string")
    return text


def _number(value: Any, default: int | None) -> Any:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BookletError(f"{value!r} is not a number") from None
    if number < 0:
        raise BookletError(f"{number} must not be negative")
    return number


def _flag(value: Any) -> bool:
    return value in (True, "true", "on", "1", 1)
