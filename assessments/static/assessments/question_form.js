// The question form's answers: show only the rows of the chosen type, add rows from the
// formset's empty row, and keep each formset's TOTAL_FORMS in step. Without JavaScript every
// type's rows are shown and the blank rows sent by the server are enough.
(function () {
  "use strict";

  function setUp(root) {
    var form = root.closest("form");
    var qtype = form && form.querySelector("[name='qtype']");
    function showType() {
      var chosen = qtype ? qtype.value : "";
      root.querySelectorAll("[data-answers-for]").forEach(function (section) {
        var types = section.getAttribute("data-answers-for").split(" ");
        section.hidden = Boolean(chosen) && types.indexOf(chosen) === -1;
      });
    }
    if (qtype) {
      qtype.addEventListener("change", showType);
      showType();
    }
    root.querySelectorAll("[data-answer-rows]").forEach(function (rows) {
      var prefix = rows.getAttribute("data-prefix");
      var total = rows.querySelector("[name='" + prefix + "-TOTAL_FORMS']");
      var template = rows.querySelector("template[data-empty-row]");
      var list = rows.querySelector("[data-answer-list]");
      rows.querySelector("[data-add-row]").addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        list.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        var first = list.lastElementChild.querySelector("input:not([type='hidden']), textarea");
        if (first) first.focus();
      });
    });
  }

  function init() {
    document.querySelectorAll("[data-question-answers]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
