/* Behaviour the templates ask for with data attributes, since the Content-Security-Policy
   refuses inline handlers (onclick=, onsubmit= ...):
   - a form with data-confirm asks before it is sent (htmx forms use hx-confirm instead);
   - a field with data-select-on-focus selects its text when focused or clicked (links to copy);
   - a button with data-print prints the page;
   - an htmx request that fails never fails silently: an error answer (4xx, 5xx; 422 is
     swapped in as the form with its messages) shows its message where the person acted,
     leaving what they typed in place; a request that cannot reach the server says so, offers
     to send it again, and a banner watches /healthz until the connection is back;
   - focus after an htmx swap goes where the person can carry on (see below). */
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

  /* --- htmx errors -------------------------------------------------------------------- */

  function messageOf(xhr) {
    var said = null;
    if (xhr && xhr.responseText) {
      said = new DOMParser().parseFromString(xhr.responseText, "text/html")
        .querySelector("[data-error-message]");
    }
    if (said) return said.textContent.trim();
    if (xhr && xhr.status >= 500) {
      return "Something went wrong (" + xhr.status + "). What you entered is still here: try again in a moment.";
    }
    return "That did not work (" + (xhr ? xhr.status : "no answer") + "). Reload the page and try again.";
  }

  function placeFor(elt) {
    return elt.closest("td, th, li, form") || elt.parentElement || document.body;
  }

  function clearError(elt) {
    var place = placeFor(elt);
    var old = place.querySelector(":scope > .request-error");
    if (old) old.remove();
  }

  function showError(elt, text, retry) {
    clearError(elt);
    var box = document.createElement("p");
    box.className = "request-error";
    box.setAttribute("role", "alert");
    box.textContent = text;
    if (retry) {
      var again = document.createElement("button");
      again.type = "button";
      again.className = "secondary small";
      again.textContent = "Try again";
      again.addEventListener("click", function () { box.remove(); retry(); });
      box.append(" ", again);
    }
    placeFor(elt).append(box);
  }

  document.addEventListener("htmx:responseError", function (event) {
    showError(event.detail.elt, messageOf(event.detail.xhr));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) clearError(event.detail.elt);
  });

  /* A request that got no answer: say so where it was made, and offer to send it again
     (never by itself: a change may have reached the server before the connection went). */
  function unreachable(event) {
    var elt = event.detail.elt, config = event.detail.requestConfig || {};
    showError(elt, "The workspace could not be reached: check your connection.", function () {
      if (config.verb && config.path) htmx.ajax(config.verb, config.path, { source: elt });
    });
    watchConnection();
  }
  document.addEventListener("htmx:sendError", unreachable);
  document.addEventListener("htmx:timeout", unreachable);

  var watching = false;
  function watchConnection() {
    if (watching) return;
    watching = true;
    var banner = document.createElement("p");
    banner.className = "connection-banner";
    banner.setAttribute("role", "status");
    banner.textContent = "Connection lost: trying again…";
    document.body.prepend(banner);
    var wait = 2000;
    function check() {
      fetch("/healthz", { cache: "no-store" }).then(function (answer) {
        if (!answer.ok) throw new Error(answer.status);
        banner.textContent = "Connected again.";
        watching = false;
        setTimeout(function () { banner.remove(); }, 4000);
      }).catch(function () {
        wait = Math.min(wait * 2, 30000);
        setTimeout(check, wait);
      });
    }
    setTimeout(check, wait);
  }

  /* --- focus after htmx swaps --------------------------------------------------------- */

  /* A form sent back with its errors (422) puts focus on its first invalid field, whose
     message is read with it (aria-describedby). Otherwise, when the answer took away the
     control the person used (a button in a replaced card), focus goes to the new content
     rather than falling back to the top of the page. Swaps nobody asked for (live chat,
     content loading by itself) leave focus alone. */
  var focusedAtRequest = null;
  /* Focus is lost when it fell back to the body (htmx itself keeps it on a replaced control
     whose id the new content repeats). */
  function lost(active) { return !active || active === document.body; }
  document.addEventListener("htmx:beforeRequest", function () {
    focusedAtRequest = document.activeElement;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var before = focusedAtRequest, target = event.detail.target, xhr = event.detail.xhr;
    if (!xhr || !before || before === document.body) return;
    focusedAtRequest = null;
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target || !target.isConnected) return;
    var invalid = xhr.status === 422 && target.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    } else if (!before.isConnected && lost(document.activeElement) && target !== document.body) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();
