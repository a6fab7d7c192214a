// Duty roster and inquiries: print button, confirmations, live answer-deadline countdowns. No inline
// scripts (CSP): everything is wired here from data attributes the server renders, already translated.
(function () {
  "use strict";

  function wirePrint() {
    var button = document.getElementById("print-roster");
    if (button) {
      button.addEventListener("click", function () { window.print(); });
    }
  }

  function wireConfirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  }

  // "2 h 05 min" from milliseconds, with the unit words the page gives.
  function duration(ms, el) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var hours = Math.floor(minutes / 60);
    var rest = minutes % 60;
    var h = el.getAttribute("data-unit-h");
    var m = el.getAttribute("data-unit-min");
    if (hours === 0) { return rest + " " + m; }
    return hours + " " + h + " " + (rest < 10 ? "0" : "") + rest + " " + m;
  }

  function updateCountdowns() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(due)) { return; }
      var left = due - now;
      var template = el.getAttribute(left > 0 ? "data-left" : "data-over");
      el.textContent = template.replace("{t}", duration(left, el));
      el.classList.toggle("overdue", left <= 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wirePrint();
    wireConfirmations();
    updateCountdowns();
    window.setInterval(updateCountdowns, 30000);
    // Lets a page (or a test) ask for an update now instead of waiting for the next tick.
    document.addEventListener("duty:tick", updateCountdowns);
  });
})();
