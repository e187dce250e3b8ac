/* Pickers (templates/_macros/picker.html): htmx fetches the matches as the person types; a
   click on a match adds it as a chip holding a hidden input with its id (a single pick
   replaces the chip it had); a chip's remove button takes it away. Without this script the
   Search and remove buttons send the form back and the server does the same. */
(function () {
  "use strict";

  // The Search buttons are for pages without JavaScript (picker.css hides them).
  document.documentElement.classList.add("picker-js");

  // A chip's remove button sends the form back only without JavaScript. Here it must not be
  // a submit button: Enter in another field of the form clicks the first submit button the
  // browser renders, which would otherwise be a chip's, and take the chip away.
  function quietRemoveButtons(root) {
    root.querySelectorAll(".picker-remove").forEach(function (button) {
      button.type = "button";
    });
  }
  quietRemoveButtons(document);
  if (window.htmx) htmx.onLoad(quietRemoveButtons);

  function pickerOf(element) { return element.closest("[data-picker]"); }
  function inputOf(picker) { return picker.querySelector("[data-picker-input]"); }
  function suggestionsOf(picker) { return picker.querySelector(".picker-suggestions"); }
  function optionsOf(picker) { return Array.from(picker.querySelectorAll(".picker-option")); }

  function clearSuggestions(picker) {
    var box = suggestionsOf(picker);
    if (box) box.replaceChildren();
  }

  function makeChip(picker, id, title, detail) {
    var chip = picker.querySelector("template[data-picker-chip]").content
      .firstElementChild.cloneNode(true);
    chip.querySelector("input").value = id;
    chip.querySelector(".picker-chip-title").textContent = title;
    chip.querySelector(".picker-chip-detail").textContent = detail;
    var remove = chip.querySelector(".picker-remove");
    remove.type = "button";
    remove.value = id;
    remove.setAttribute("aria-label", "Remove " + title);
    return chip;
  }

  function pick(option) {
    var picker = pickerOf(option);
    var chips = picker.querySelector("[data-picker-chips]");
    var id = option.dataset.pick;
    if (picker.dataset.pickerMultiple !== "true") {
      chips.replaceChildren();
      // A single pick's matches listed by the server are radio buttons of the same name.
      picker.querySelectorAll(".picker-matches input").forEach(function (box) {
        box.checked = false;
      });
    }
    var already = Array.from(chips.querySelectorAll("input[type=hidden]")).some(function (i) {
      return i.value === id;
    });
    if (!already) chips.appendChild(makeChip(picker, id, option.dataset.title, option.dataset.detail));
    var input = inputOf(picker);
    if (window.htmx) htmx.trigger(input, "htmx:abort");  // a late answer would show again
    input.value = "";
    clearSuggestions(picker);
    input.focus();
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest(".picker-option");
    if (option && pickerOf(option)) {
      event.preventDefault();
      pick(option);
      return;
    }
    var remove = event.target.closest(".picker-remove");
    if (remove && pickerOf(remove)) {
      event.preventDefault();
      var picker = pickerOf(remove);
      remove.closest(".picker-chip").remove();
      inputOf(picker).focus();
    }
  });

  function focusOption(picker, index) {
    var options = optionsOf(picker);
    if (!options.length) return;
    options[Math.max(0, Math.min(index, options.length - 1))].focus();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var picker = target.closest && pickerOf(target);
    if (!picker) return;
    if (target.matches("[data-picker-input]")) {
      if (event.key === "Enter") {
        // Enter looks for matches; it never sends the form with the search unfinished.
        event.preventDefault();
        var options = optionsOf(picker);
        if (options.length === 1) pick(options[0]);
        else if (options.length) focusOption(picker, 0);
        else if (window.htmx) htmx.trigger(target, "input");
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        focusOption(picker, 0);
      } else if (event.key === "Escape" && optionsOf(picker).length) {
        event.preventDefault();
        clearSuggestions(picker);
      }
    } else if (target.matches(".picker-option")) {
      var all = optionsOf(picker);
      var at = all.indexOf(target);
      if (event.key === "ArrowDown") {
        event.preventDefault();
        focusOption(picker, at + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (at === 0) inputOf(picker).focus();
        else focusOption(picker, at - 1);
      } else if (event.key === "Escape") {
        event.preventDefault();
        clearSuggestions(picker);
        inputOf(picker).focus();
      }
    }
  });
})();
