// The chart's parts (people.views.CHART_PARTS): each place holds a link to its part's
// own page; here each is fetched and its panels put in the place's stead, so the chart
// shows everything without a page per part. Without script the links still work.
// One part after the other, not at once: each is a page view that appends to the audit
// trail, and an embedded (SQLite) database takes one writer at a time.
(function () {
  "use strict";
  var places = Array.prototype.slice.call(document.querySelectorAll("[data-chart-part]"));

  function show(place, html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    place.replaceWith(holder.content);
    // A link to a panel (#measures) can only scroll to it once it is there.
    if (window.location.hash) {
      var target = document.getElementById(window.location.hash.slice(1));
      if (target) { target.scrollIntoView(); }
    }
  }

  function next() {
    var place = places.shift();
    if (!place) { return; }
    var status = place.querySelector(".chart-part-status");
    var link = status ? status.innerHTML : "";
    if (status) { status.textContent = "Loading…"; }
    fetch(place.getAttribute("data-chart-part"), {
      credentials: "same-origin",
      headers: { "X-KapCare-Chart-Part": "1" },
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) { show(place, html); })
      .catch(function () {
        if (status) { status.innerHTML = "Could not load this part here: " + link; }
      })
      .then(next);
  }

  next();
})();
