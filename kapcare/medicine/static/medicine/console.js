// Medicine console: keep "due in N min" and "N minutes since the dose" current between
// page loads. The server renders every value; this only counts on from them, so the page
// works the same without script. Served from static files (the CSP allows no inline script).
(function () {
  "use strict";
  var loadedAt = Date.now();

  function serverNow(el) {
    var rendered = Date.parse(el.getAttribute("data-now"));
    return isNaN(rendered) ? Date.now() : rendered + (Date.now() - loadedAt);
  }

  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(due)) return;
      var minutes = Math.round((due - serverNow(el)) / 60000);
      if (minutes > 0) {
        el.textContent = "(in " + minutes + " min)";
        el.classList.remove("overdue");
      } else if (minutes === 0) {
        el.textContent = "(due now)";
      } else {
        el.textContent = "(" + -minutes + " min overdue)";
        el.classList.add("overdue");
      }
    });
    document.querySelectorAll("[data-elapsed-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-elapsed-since"));
      if (isNaN(since)) return;
      el.textContent = String(Math.max(0, Math.floor((serverNow(el) - since) / 60000)));
    });
  }

  tick();
  window.setInterval(tick, 15000);
})();
