/* Small progressive behaviours of every page, bound by data attributes: the content security
   policy allows no inline script, so pages name what they want and this file does it. */
(function () {
  "use strict";

  // the field app's data belongs to whoever is signed in: it stays open offline only while the
  // user it last confirmed is still signed in on this browser (static/field/app.js reads this)
  var FIELD_USER = "hygiene-field-user";
  function fieldLock() { try { localStorage.removeItem(FIELD_USER); } catch (e) { /* private mode */ } }
  (function () {
    var signedIn = document.body && document.body.dataset.signedIn;
    try {
      if (signedIn !== undefined && localStorage.getItem(FIELD_USER) !== signedIn) fieldLock();
    } catch (e) { /* private mode */ }
  })();
  // <form data-sign-out>: signing out locks the field app at once
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-sign-out")) fieldLock();
  });

  // <button data-print>: print the page
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });

  // <form data-confirm="question">: ask before it is sent
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // <select data-autosubmit>: choosing sends the form
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) field.form.submit();
  });

  // a plan's form: picking another checklist redraws the form with its targets
  (function () {
    var pick = document.getElementById("template_id"), show = document.getElementById("show-targets");
    if (pick && show) pick.addEventListener("change", function () { show.click(); });
  })();

  // [data-show-when-unit]: the unit categories show only for checklists of units
  (function () {
    var kind = document.getElementById("applies_to");
    var box = document.querySelector("[data-show-when-unit]");
    if (!kind || !box) return;
    function sync() { box.hidden = kind.value !== "unit"; }
    kind.addEventListener("change", sync); sync();
  })();

  // a pest round's season, while left as shown, follows the start date's month (the server does the same)
  (function () {
    var start = document.getElementById("starts_on"), season = document.getElementById("season"),
        shown = document.getElementById("season_shown");
    if (!start || !season || !shown || !shown.value) return;
    var of = ["winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer",
              "autumn", "autumn", "autumn", "winter"];
    start.addEventListener("change", function () {
      var month = parseInt((start.value || "").slice(5, 7), 10);
      if (season.value === shown.value && month >= 1 && month <= 12) { season.value = shown.value = of[month - 1]; }
    });
  })();

  // #export-task[data-state-url]: a background export shows its progress, the file when done
  (function () {
    var box = document.getElementById("export-task");
    if (!box || !box.dataset.stateUrl || box.dataset.finished !== "0") return;
    function poll() {
      fetch(box.dataset.stateUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.finished) { window.location.reload(); return; }
          document.getElementById("export-status").textContent = s.label;
          document.getElementById("export-progress").value = s.percent;
          document.getElementById("export-percent").textContent = s.percent + "%";
          setTimeout(poll, 2000);
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 2000);
  })();
})();
