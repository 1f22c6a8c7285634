// userkit console: small progressive enhancements. Every page works without
// this file.
"use strict";
document.addEventListener("submit", function (e) {
  var form = e.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    e.preventDefault();
  }
});
document.addEventListener("click", function (e) {
  var btn = e.target.closest("[data-copy]");
  if (!btn) return;
  var input = document.getElementById(btn.getAttribute("data-copy"));
  var status = document.getElementById("copy-status");
  input.select();
  var done = function () { if (status) status.textContent = "Copied to the clipboard."; };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(input.value).then(done, function () {
      if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected key.";
    });
  } else {
    document.execCommand("copy");
    done();
  }
});
// Put keyboard focus on the first field with a problem, so that a screen
// reader announces it and the visitor can fix it at once.
document.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) bad.focus();
});
