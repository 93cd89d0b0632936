// Automatic log-off, made visible. The server signs a person out on its own after the
// practice's idle limit (people/idle_timeout.py); this script warns two minutes before,
// offers "Stay signed in", tells the server of activity in the page (typing a long note
// is activity), and reloads the page when the time is up, which leads to the sign-in
// and back. Forms marked data-keep-on-timeout (the medicine console) are kept in this
// tab's sessionStorage across that sign-in and filled in again, for an hour at most.
(function () {
  "use strict";
  var KEPT = "kapcare-kept:" + window.location.pathname;
  var KEEP_MS = 60 * 60 * 1000;

  function keptForms() {
    return Array.prototype.slice.call(document.querySelectorAll("form[data-keep-on-timeout]"));
  }

  function keepForms() {
    var snapshot = keptForms().map(function (form) {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "hidden" || el.type === "submit") return;
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.checked) values[el.name + "=" + el.value] = true;
        } else if (el.value) {
          values[el.name] = el.value;
        }
      });
      return values;
    });
    try {
      sessionStorage.setItem(KEPT, JSON.stringify({ at: Date.now(), forms: snapshot }));
    } catch (e) { /* storage full or off: the server copy is what counts */ }
  }

  function restoreForms() {
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(KEPT) || "null"); } catch (e) { kept = null; }
    if (!kept) return;
    sessionStorage.removeItem(KEPT);
    if (Date.now() - kept.at > KEEP_MS) return;
    keptForms().forEach(function (form, i) {
      var values = kept.forms[i] || {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "hidden" || el.type === "submit") return;
        if (el.type === "checkbox" || el.type === "radio") {
          if (values[el.name + "=" + el.value]) el.checked = true;
        } else if (!el.value && values[el.name]) {
          el.value = values[el.name];
        }
      });
    });
  }

  restoreForms();
  var dialog = document.getElementById("idle-warning");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var url = dialog.getAttribute("data-status-url");
  var warnBefore = Number(dialog.getAttribute("data-warn-before")) * 1000;
  var deadline = Date.now() + Number(dialog.getAttribute("data-idle-seconds")) * 1000;
  var token = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  var left = dialog.querySelector("[data-idle-left]");
  var active = false;
  var timer = null;

  function later(fn, ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(fn, Math.max(ms, 1000));
  }

  function signedOut() {
    keepForms();
    window.location.reload();
  }

  function read(response) {
    return response.json();
  }

  function update(body) {
    if (!body.signed_in) { signedOut(); return; }
    deadline = Date.now() + body.seconds_left * 1000;
    if (deadline - Date.now() > warnBefore) {
      if (dialog.open) dialog.close();
      later(check, deadline - warnBefore - Date.now());
    } else {
      warn();
    }
  }

  function retry() { later(check, 15000); }

  function check() {
    if (active) { report(); return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(read).then(update).catch(retry);
  }

  function report() {
    active = false;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token }
    }).then(read).then(update).catch(retry);
  }

  function warn() {
    var ms = deadline - Date.now();
    if (ms <= 0) { later(check, 1000); return; }  // the server decides when it is time
    if (!dialog.open) dialog.showModal();
    var seconds = Math.ceil(ms / 1000);
    left.textContent = seconds > 60
      ? Math.ceil(seconds / 60) + " minutes"
      : seconds + (seconds === 1 ? " second" : " seconds");
    later(warn, Math.min(ms, 1000));
  }

  ["keydown", "pointerdown", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, function () { if (!dialog.open) active = true; },
      { passive: true, capture: true });
  });
  // Activity reaches the server once a minute at most.
  window.setInterval(function () { if (active && !dialog.open) report(); }, 60000);
  dialog.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    report();
  });
  later(check, deadline - warnBefore - Date.now());
})();
