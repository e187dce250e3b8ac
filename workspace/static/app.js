/* Behaviour the templates ask for with data attributes, since the Content-Security-Policy
   refuses inline handlers (onclick=, onsubmit= ...):
   - a form with data-confirm asks before it is sent (htmx forms use hx-confirm instead);
   - a field with data-select-on-focus selects its text when focused or clicked (links to copy);
   - a button with data-print prints the page. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.dataset && form.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  function selectText(event) {
    var field = event.target;
    if (field.matches && field.matches("[data-select-on-focus]")) field.select();
  }
  document.addEventListener("focusin", selectText);
  document.addEventListener("click", selectText);

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
})();
