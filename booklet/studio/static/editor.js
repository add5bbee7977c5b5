// The editor page: CodeMirror with booklet's problems at their lines, key completion from the
// JSON Schema, the «add» menu, saving without losing anyone's work, the preview and printing.
"use strict";
const SETUP = JSON.parse(document.getElementById("setup").textContent);
const PAUSE = 800; // ms without typing before the text is checked
const $ = (id) => document.getElementById(id);

let version = null;   // the version of the file this page loaded or last saved
let savedText = "";
let schema = null;
let lastProblems = [];

// ---------- checking: booklet's own problems, as lint markers and the #problems list ----------

async function check(text, updateLinting, options, cm) {
  if (version === null) { updateLinting(cm, []); return; } // the file is not loaded yet: nothing to check
  const answer = await api("POST", "/api/check", { path: SETUP.path, text });
  if (cm.getValue() !== text) return; // typed on meanwhile: the next check will come
  const problems = answer.ok ? answer.data.problems : [{ line: 1, column: 1, message: answer.data.error }];
  showProblems(problems);
  updateLinting(cm, problems.map((p) => {
    const line = Math.max(0, Math.min(p.line - 1, cm.lastLine()));
    const length = cm.getLine(line).length;
    const from = Math.min(Math.max(0, p.column - 1), length);
    return { from: CodeMirror.Pos(line, from), to: CodeMirror.Pos(line, Math.max(length, from + 1)), message: p.message, severity: "error" };
  }));
}
check.async = true;

function showProblems(problems) {
  lastProblems = problems;
  const list = $("problems");
  list.replaceChildren();
  for (const problem of problems) {
    const item = document.createElement("li");
    item.className = "problem";
    item.dataset.line = problem.line;
    item.dataset.column = problem.column;
    item.textContent = problem.message;
    item.addEventListener("click", () => { editor.focus(); editor.setCursor(problem.line - 1, problem.column - 1); });
    list.append(item);
  }
  if (!problems.length) {
    const none = document.createElement("li");
    none.className = "none";
    none.textContent = WORDS.no_problems;
    list.append(none);
  }
  $("problem-count").textContent = problems.length ? "(" + problems.length + ")" : "";
}

// ---------- completion of keys: the properties the schema allows at the cursor's level ----------

function deref(node) {
  while (node && node.$ref) node = schema.$defs[node.$ref.split("/").pop()];
  return node || {};
}

function properties(node, seen = 0) {
  node = deref(node);
  if (seen > 8) return {};
  if (node.type === "array" || node.items) return properties(node.items, seen + 1);
  let found = Object.assign({}, node.properties || {});
  for (const branch of [].concat(node.anyOf || [], node.oneOf || [], node.allOf || [])) {
    Object.assign(found, properties(branch, seen + 1));
  }
  return found;
}

const KEY_LINE = /^(\s*)((?:-\s+)*)([A-Za-z_][\w-]*)\s*:(.*)$/;

function keyPath(cm, cursor) {
  // The keys of the mappings that hold the cursor's line, found by indentation.
  const before = cm.getLine(cursor.line).slice(0, cursor.ch);
  const own = /^(\s*)((?:-\s+)*)[\w-]*$/.exec(before);
  if (!own) return null;
  let limit = own[2] ? own[1].length + 1 : own[1].length + own[2].length;
  const path = [];
  for (let line = cursor.line - 1; line >= 0 && limit > 0; line--) {
    const match = KEY_LINE.exec(cm.getLine(line));
    if (!match) continue;
    const dash = match[1].length, column = dash + match[2].length;
    if (column >= limit) continue;
    const value = match[4].trim();
    if (value === "" || value.startsWith("#")) {
      path.unshift(match[3]);
      limit = match[2] ? dash + 1 : column;
    } else if (match[2]) {
      limit = dash + 1; // first key of a list item: the list's key is further up
    }
  }
  if (limit > 0 && path.length === 0 && own[1].length > 0) return null;
  return path;
}

function completeKeys(cm) {
  if (!schema) return null;
  const cursor = cm.getCursor();
  const path = keyPath(cm, cursor);
  if (path === null) return null;
  let node = schema;
  for (const key of path) {
    const next = properties(node)[key];
    if (!next) return null;
    node = next;
  }
  const word = /[\w-]*$/.exec(cm.getLine(cursor.line).slice(0, cursor.ch))[0];
  const list = Object.entries(properties(node))
    .filter(([key]) => key.startsWith(word))
    .map(([key, value]) => ({ text: key + ": ", displayText: key, title: deref(value).description || "" }));
  return { list, from: CodeMirror.Pos(cursor.line, cursor.ch - word.length), to: cursor };
}

// ---------- the editor ----------

const editor = CodeMirror($("editor"), {
  mode: "yaml",
  lineNumbers: true,
  indentUnit: 2,
  tabSize: 2,
  indentWithTabs: false,
  lineWrapping: true,
  viewportMargin: Infinity, // every line in the DOM: lint markers at any line, and files are short
  gutters: ["CodeMirror-lint-markers", "CodeMirror-linenumbers"],
  lint: { getAnnotations: check, async: true, delay: PAUSE, lintOnChange: true },
  extraKeys: {
    "Ctrl-S": () => save(false), "Cmd-S": () => save(false),
    "Ctrl-Space": (cm) => cm.showHint({ hint: completeKeys, completeSingle: false }),
    Tab: (cm) => cm.execCommand(cm.somethingSelected() ? "indentMore" : "insertSoftTab"),
  },
});

editor.on("inputRead", (cm, change) => {
  if (/^[A-Za-z_]$/.test(change.text.join("")) && /^\s*(-\s+)*[\w]$/.test(cm.getLine(change.from.line).slice(0, change.from.ch + 1))) {
    cm.showHint({ hint: completeKeys, completeSingle: false });
  }
});
editor.on("changes", () => setStatus(editor.getValue() === savedText ? "saved" : "unsaved"));

function setStatus(state, message) {
  const status = $("status");
  status.dataset.state = state;
  status.textContent = message || { saved: WORDS.saved, unsaved: WORDS.unsaved, saving: WORDS.saving, conflict: WORDS.conflict }[state] || "";
}

// ---------- saving: atomic on the server; a file changed by someone else is not overwritten ----------

async function save(force) {
  const text = editor.getValue();
  setStatus("saving");
  const answer = await api("POST", "/api/save", { path: SETUP.path, text, version, force: !!force });
  if (answer.status === 409) {
    setStatus("conflict");
    $("conflict").hidden = false;
    $("conflict").dataset.text = answer.data.text;
    $("conflict").dataset.version = answer.data.version;
    return;
  }
  if (!answer.ok) { setStatus("error", WORDS.error + ": " + answer.data.error); return; }
  $("conflict").hidden = true;
  version = answer.data.version;
  savedText = text;
  setStatus(editor.getValue() === savedText ? "saved" : "unsaved");
  editor.performLint();
  refreshPreview();
}

$("save").addEventListener("click", () => save(false));
$("overwrite").addEventListener("click", () => save(true));
$("reload").addEventListener("click", () => {
  const box = $("conflict");
  version = box.dataset.version;
  savedText = box.dataset.text;
  box.hidden = true;
  editor.setValue(savedText);
  setStatus("saved");
  refreshPreview();
});
window.addEventListener("beforeunload", (event) => { if (editor.getValue() !== savedText) event.preventDefault(); });

// ---------- the «add» menu: the server puts each example in the list it belongs to ----------

const addMenu = $("add-menu");
$("add").addEventListener("click", () => {
  addMenu.hidden = !addMenu.hidden;
  $("add").setAttribute("aria-expanded", String(!addMenu.hidden));
});
document.addEventListener("click", (event) => {
  if (!event.target.closest(".menu")) { addMenu.hidden = true; $("add").setAttribute("aria-expanded", "false"); }
});

async function add(what, src) {
  const answer = await api("POST", "/api/insert", { path: SETUP.path, text: editor.getValue(), what, src });
  if (!answer.ok) { setStatus("error", WORDS.error + ": " + answer.data.error); return; }
  replaceText(answer.data.text);
  const line = answer.data.line - 1;
  editor.setCursor(line, 0);
  editor.scrollIntoView({ line, ch: 0 }, 120);
  editor.focus();
}

for (const button of addMenu.querySelectorAll("button[data-add]")) {
  button.addEventListener("click", () => {
    addMenu.hidden = true;
    if (button.dataset.add === "figure") $("figure-file").click();
    else add(button.dataset.add);
  });
}

$("figure-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const form = new FormData();
  form.append("path", SETUP.path);
  form.append("file", file);
  const answer = await api("POST", "/api/figure", form);
  event.target.value = "";
  if (!answer.ok) { setStatus("error", WORDS.error + ": " + answer.data.error); return; }
  add("figure", answer.data.src);
});

function replaceText(text) {
  // As one edit, so that Ctrl-Z takes it back, and the pause-check runs as after typing.
  editor.replaceRange(text, CodeMirror.Pos(0, 0), CodeMirror.Pos(editor.lastLine()));
}

// ---------- the preview: pictures of the chosen printout's pages ----------

let previewAsked = 0;

async function refreshPreview() {
  const asked = ++previewAsked;
  const status = $("preview-status");
  status.className = "";
  status.textContent = WORDS.refreshing;
  const query = new URLSearchParams({ path: SETUP.path, printout: $("printout").value });
  if ($("variant")) query.set("variant", $("variant").value || "1");
  if ($("seed") && $("seed").value) query.set("seed", $("seed").value);
  const answer = await api("GET", "/api/preview?" + query);
  if (asked !== previewAsked) return;
  if (!answer.ok) {
    status.className = "error";
    status.textContent = answer.data.problems ? WORDS.preview_blocked : answer.data.error;
    status.title = answer.data.error || "";
    return;
  }
  const pages = answer.data.pages.map((url, index) => {
    const image = new Image();
    image.className = "page";
    image.src = url;
    image.alt = $("printout").selectedOptions[0].textContent + " " + (index + 1);
    image.dataset.version = answer.data.version;
    return image;
  });
  $("preview").replaceChildren(...pages);
  status.textContent = "";
}

function fillVariants() {
  const select = $("variant");
  if (!select) return;
  const count = Math.max(1, Math.min(99, parseInt($("variants").value, 10) || 1));
  const chosen = select.value || "1";
  select.replaceChildren(...Array.from({ length: count }, (_, n) => new Option(WORDS.variant + " " + (SETUP.letters[n] || n + 1), String(n + 1))));
  select.value = Number(chosen) <= count ? chosen : "1";
}

$("printout").addEventListener("change", refreshPreview);
if ($("variant")) {
  $("variant").addEventListener("change", refreshPreview);
  $("variants").addEventListener("change", () => { fillVariants(); refreshPreview(); });
  $("seed").addEventListener("change", refreshPreview);
  fillVariants();
}

// ---------- printing: the builds, each file a download ----------

async function build(what) {
  const status = $("build-status");
  $("build-problems").replaceChildren();
  $("build-warnings").replaceChildren();
  const fields = { path: SETUP.path, what };
  if ($("variants")) {
    fields.variants = $("variants").value;
    fields.seed = $("seed").value;
    fields.answer_sheets = $("answer-sheets").checked;
    fields.duplex = $("duplex").checked;
  }
  let body = fields;
  if (what === "named") {
    const roster = $("roster").files[0];
    if (!roster) { listInto("build-problems", [WORDS.roster + "?"]); return; }
    body = new FormData();
    for (const [key, value] of Object.entries(fields)) body.append(key, String(value));
    body.append("roster", roster);
  }
  status.textContent = "…";
  for (const button of document.querySelectorAll("button[data-build]")) button.disabled = true;
  try {
    const answer = await api("POST", "/api/build", body);
    const data = answer.ok ? answer.data : { files: [], warnings: [], problems: [answer.data.error] };
    listInto("build-problems", data.problems || []);
    listInto("build-warnings", data.warnings || []);
    $("downloads").replaceChildren(...data.files.map((file) => {
      const link = document.createElement("a");
      link.className = "download";
      link.href = file.url;
      link.download = file.name;
      link.textContent = file.name;
      return link;
    }));
    status.textContent = data.seed != null ? WORDS.seed + ": " + data.seed : "";
  } finally {
    for (const button of document.querySelectorAll("button[data-build]")) button.disabled = false;
  }
}

function listInto(id, lines) {
  $(id).replaceChildren(...lines.map((line) => { const item = document.createElement("li"); item.textContent = line; return item; }));
}

for (const button of document.querySelectorAll("button[data-build]")) {
  button.addEventListener("click", () => build(button.dataset.build));
}

// ---------- start ----------

window.studio = {
  getText: () => editor.getValue(),
  setText: (text) => replaceText(text),
  save: () => save(false),
  problems: () => lastProblems,
  editor,
};

(async function start() {
  const [file, schemaAnswer] = await Promise.all([
    api("GET", "/api/file?" + new URLSearchParams({ path: SETUP.path })),
    api("GET", "/api/schema?" + new URLSearchParams({ kind: SETUP.kind })),
  ]);
  if (schemaAnswer.ok) schema = schemaAnswer.data;
  if (!file.ok) { setStatus("error", file.data.error); return; }
  version = file.data.version;
  savedText = file.data.text;
  editor.setValue(savedText);
  editor.clearHistory();
  setStatus("saved");
  refreshPreview();
})();
