// Shared by the studio's pages: the page's words, the language choice, and calls to the API.
"use strict";
const WORDS = JSON.parse(document.getElementById("words").textContent);

function chooseLanguage(lang) {
  document.cookie = "booklet_lang=" + lang + "; path=/; max-age=31536000; SameSite=Strict";
  try { localStorage.setItem("booklet_lang", lang); } catch (e) { /* private window */ }
  location.reload();
}

document.getElementById("lang").addEventListener("change", (event) => chooseLanguage(event.target.value));
(function rememberedLanguage() {
  // The cookie is what the server reads; localStorage brings it back if cookies were cleared.
  let saved = null;
  try { saved = localStorage.getItem("booklet_lang"); } catch (e) { return; }
  if (saved && !document.cookie.includes("booklet_lang=") && saved !== document.documentElement.lang) chooseLanguage(saved);
})();
// The token is in a cookie now: take it out of the address bar (and of the history).
if (location.search.includes("token=")) history.replaceState(null, "", location.pathname);

async function api(method, url, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
  const response = await fetch(url, options);
  let data = {};
  try { data = await response.json(); } catch (e) { data = { error: response.statusText }; }
  return { status: response.status, ok: response.ok, data };
}
