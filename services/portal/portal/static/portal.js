// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The same digits as the pages the server renders.
  var locale = document.documentElement.lang === "ar" ? "ar-u-nu-latn" : "en-GB";
  var form = document.querySelector("form.vote[data-budget]");
  if (form) {
    // A participatory budget: show the running cost of the chosen projects against the budget.
    var budget = Number(form.dataset.budget);
    var output = document.getElementById("running-cost");
    var line = output.parentElement;
    var numbers = new Intl.NumberFormat(locale);
    var update = function () {
      var total = 0;
      form.querySelectorAll("input[data-cost]:checked").forEach(function (box) { total += Number(box.dataset.cost); });
      output.textContent = numbers.format(total) + " " + output.dataset.unit;
      line.classList.toggle("error", total > budget);
    };
    line.hidden = false;
    form.addEventListener("change", update);
    update();
  }
  var draft = document.querySelector("form.draft");
  if (draft) {
    // Show only the settings of the chosen ballot kind.
    var kind = draft.querySelector("#kind");
    var show = function () {
      draft.querySelectorAll("[data-for-kind]").forEach(function (set) { set.hidden = set.dataset.forKind !== kind.value; });
    };
    kind.addEventListener("change", show);
    show();
  }
  var locate = document.querySelector("[data-locate]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (where) {
        document.getElementById("latitude").value = where.coords.latitude.toFixed(5);
        document.getElementById("longitude").value = where.coords.longitude.toFixed(5);
      });
    });
  }
  var live = document.querySelector("[data-live]");
  if (live && window.fetch) {
    // The dashboard's headline figures, refreshed every half minute.
    var format = new Intl.NumberFormat(locale);
    setInterval(function () {
      fetch(live.dataset.live, { headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (figures) {
          if (!figures) { return; }
          live.querySelectorAll("[data-figure]").forEach(function (cell) {
            if (cell.dataset.figure in figures) { cell.textContent = format.format(figures[cell.dataset.figure]); }
          });
        })
        .catch(function () {});
    }, 30000);
  }
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
