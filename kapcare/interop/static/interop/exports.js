// Keeps each running export's progress bar current from its FHIR status URL
// (202 with X-Progress while it runs; anything else: reload to show the files).
(function () {
  "use strict";
  function poll(section) {
    var url = section.getAttribute("data-status-url");
    var bar = section.querySelector("progress");
    var text = section.querySelector(".progress-text");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/fhir+json" } })
      .then(function (response) {
        if (response.status !== 202) {
          window.location.reload();
          return;
        }
        var progress = parseInt(response.headers.get("X-Progress") || "0", 10);
        bar.value = progress;
        bar.textContent = progress + "%";
        text.textContent = progress + "%";
        window.setTimeout(function () { poll(section); }, 3000);
      });
  }
  document.querySelectorAll("section.export[data-running]").forEach(poll);
})();
