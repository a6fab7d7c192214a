// Registration form: find bodies by name, code or commune (with or without diacritics), select a whole group
// at once, see how many are selected. Everything is native form controls, so it all works from the keyboard;
// without JavaScript the "every commune commission" checkbox does the same on the server.
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  if (!form) {
    return;
  }
  var tools = document.getElementById("recipient-tools");
  var filter = document.getElementById("recipient-filter");
  var count = document.getElementById("selected-count");
  var allCommunes = document.getElementById("all-communes");
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="recipients"]'));

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  var items = boxes.map(function (box) {
    var item = box.closest("li");
    return { box: box, item: item, text: fold(item.getAttribute("data-search") || "") };
  });

  function updateCount() {
    var selected = boxes.filter(function (b) { return b.checked; }).length;
    count.textContent = count.getAttribute("data-template").replace("{n}", String(selected));
  }

  function applyFilter() {
    var query = fold(filter.value.trim());
    items.forEach(function (entry) {
      entry.item.hidden = query !== "" && entry.text.indexOf(query) === -1;
    });
    form.querySelectorAll("fieldset.kind").forEach(function (group) {
      group.hidden = group.querySelector("li:not([hidden])") === null;
    });
  }

  function check(predicate) {
    items.forEach(function (entry) {
      if (predicate(entry)) {
        entry.box.checked = true;
      }
    });
    updateCount();
  }

  function selectKind(kind) {
    check(function (entry) { return entry.box.getAttribute("data-kind") === kind; });
  }

  tools.hidden = false;
  if (allCommunes) {
    // The buttons replace the server-side checkbox; carry its state over so nothing is lost.
    var fallback = allCommunes.querySelector("input");
    if (fallback.checked) {
      selectKind("commune_commission");
    }
    fallback.checked = false;
    allCommunes.hidden = true;
  }

  form.querySelectorAll("[data-select-kind]").forEach(function (button) {
    button.addEventListener("click", function () { selectKind(button.getAttribute("data-select-kind")); });
  });
  form.querySelector("[data-select-shown]").addEventListener("click", function () {
    check(function (entry) { return !entry.item.hidden; });
  });
  form.querySelector("[data-clear]").addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = false; });
    updateCount();
  });
  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault(); // Enter in the search box must not send the form half filled
    }
  });
  form.addEventListener("change", updateCount);
  form.addEventListener("submit", function () {
    var button = form.querySelector('button[type="submit"]');
    // A second click would be harmless (the form key makes it return the first registration), but say we are busy.
    window.setTimeout(function () {
      button.disabled = true;
      button.textContent = button.getAttribute("data-busy-text");
    }, 0);
  });

  var errors = document.getElementById("form-errors");
  if (errors) {
    errors.focus();
  }
  updateCount();
})();
