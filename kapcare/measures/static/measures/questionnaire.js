// Progressive enhancement for measure forms: a question asked only after certain
// answers (ASQ question 5) is hidden until they are given. Without this script the
// question shows with a note saying when to answer it, and the server ignores it
// when its condition does not hold.
(function () {
  "use strict";
  var ops = {
    "=": function (a, b) { return a === b; },
    "!=": function (a, b) { return a !== b; },
    ">": function (a, b) { return Number(a) > Number(b); },
    ">=": function (a, b) { return Number(a) >= Number(b); },
    "<": function (a, b) { return Number(a) < Number(b); },
    "<=": function (a, b) { return Number(a) <= Number(b); }
  };
  function valueOf(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }
  function update(form) {
    form.querySelectorAll("fieldset[data-when]").forEach(function (fieldset) {
      var rules = JSON.parse(fieldset.getAttribute("data-when"));
      var results = rules.map(function (rule) {
        var given = valueOf(form, rule.name);
        return given !== null && ops[rule.op](given, rule.value);
      });
      var any = fieldset.getAttribute("data-behavior") === "any";
      var shown = any ? results.some(Boolean) : results.every(Boolean);
      fieldset.hidden = !shown;
      fieldset.querySelectorAll("input").forEach(function (input) {
        input.disabled = !shown;
      });
      var note = fieldset.querySelector(".when-note");
      if (note) { note.hidden = true; }
    });
  }
  document.querySelectorAll("form[data-questionnaire]").forEach(function (form) {
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
