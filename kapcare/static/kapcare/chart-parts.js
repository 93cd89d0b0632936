// The chart's parts (people.views.CHART_PARTS): each place holds a link to its part's
// own page; here each is fetched and its panels put in the place's stead, so the chart
// shows everything without a page per part. Without script the links still work.
(function () {
  "use strict";
  var places = document.querySelectorAll("[data-chart-part]");
  Array.prototype.forEach.call(places, function (place) {
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
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html;
        place.replaceWith(holder.content);
        // A link to a panel (#measures) can only scroll to it once it is there.
        if (window.location.hash) {
          var target = document.getElementById(window.location.hash.slice(1));
          if (target && !place.contains(target)) { target.scrollIntoView(); }
        }
      })
      .catch(function () {
        if (status) { status.innerHTML = "Could not load this part here: " + link; }
      });
  });
})();
