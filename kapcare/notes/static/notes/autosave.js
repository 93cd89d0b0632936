// Note editor: keep the draft as the clinician types. The server renders and saves the
// form without this script ("Save draft"); with it, the same form is posted a moment
// after each change (header X-KapCare-Autosave: 1, answered as JSON), and what was typed
// is kept in this tab's session storage until the server has it, so a dropped
// connection loses nothing: the next successful save sends it, and a reload of the tab
// puts it back in the form. Served from static files (the CSP allows no inline script).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector("[data-autosave-status]");
  var key = "kapcare-note-draft-" + form.getAttribute("data-note");
  var timer = null;
  var saving = false;
  var again = false;

  function say(text, unsaved) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("unsaved", !!unsaved);
  }

  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name + "=" + el.value] = el.checked;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "submit" || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "checkbox" || el.type === "radio") {
        var k = el.name + "=" + el.value;
        if (k in values) el.checked = values[k];
      } else if (el.name in values) {
        el.value = values[el.name];
      }
    });
  }

  function keep() {
    try {
      sessionStorage.setItem(key, JSON.stringify({ at: Date.now(), values: snapshot() }));
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  }

  function save() {
    if (saving) { again = true; return; }
    saving = true;
    say("Saving…");
    var body = new FormData(form);
    body.set("action", "save");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-KapCare-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok && result.data.saved) {
        sessionStorage.removeItem(key);
        say("Draft saved at " + result.data.saved_at + ".");
      } else {
        var first = (result.data.errors || [])[0];
        say("Not saved: " + (first ? first.field + ": " + first.message : "check the form") + ".", true);
      }
    }).catch(function () {
      say("Offline: your text is kept in this tab and will be saved when the connection is back.", true);
      window.setTimeout(schedule, 10000);
    }).then(function () {
      saving = false;
      if (again) { again = false; schedule(); }
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  }

  var kept = null;
  try { kept = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { kept = null; }
  var updated = Date.parse(form.getAttribute("data-updated"));
  if (kept && kept.values && (isNaN(updated) || kept.at > updated)) {
    restore(kept.values);
    say("Restored what you typed before the connection dropped; saving it now.", true);
    schedule();
  }

  form.addEventListener("input", function () { keep(); schedule(); });
  form.addEventListener("change", function () { keep(); schedule(); });
  window.addEventListener("online", schedule);
  form.addEventListener("submit", function () { window.clearTimeout(timer); });
})();
