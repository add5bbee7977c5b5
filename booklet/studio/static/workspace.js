// The workspace page: make a new lesson, course or exam, then open it.
"use strict";
document.getElementById("new-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("new-error");
  error.textContent = "";
  const kind = document.getElementById("new-kind").value;
  const name = document.getElementById("new-name").value.trim();
  const answer = await api("POST", "/api/new", { kind, name });
  if (answer.ok) location.href = answer.data.url;
  else error.textContent = WORDS.error + ": " + answer.data.error;
});
