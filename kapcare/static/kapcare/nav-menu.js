// The header's menu folds on a phone: closed below 40rem, open (its summary hidden) above.
// Without script it simply stays open.
(function () {
  "use strict";
  var menu = document.querySelector("details.nav-menu");
  if (!menu) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 40rem)");
  function fit() {
    menu.open = !narrow.matches;
  }
  fit();
  narrow.addEventListener("change", fit);
})();
