/* The chat page: Enter sends and Shift+Enter makes a new line; the live stream resumes after
   the last event seen; a message already on the page is never added twice; unread badges. */
(function () {
  "use strict";
  var lastEventId = null;
  var refocus = null;
  var stickToBottom = false;

  function layout() { return document.querySelector(".chat-layout"); }
  function messages() { return document.getElementById("messages"); }

  function nearBottom(box) {
    return box && box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  // The SSE extension re-creates its EventSource after an error without Last-Event-ID:
  // carry the last id seen in `after`, so that nothing is missed or shown twice.
  function streamUrl(url) {
    var box = layout();
    var id = lastEventId || (box && box.dataset.lastEventId);
    return id ? url.replace(/([?&])after=\d*/, "$1after=" + id) : url;
  }
  if (window.htmx) {
    htmx.createEventSource = function (url) {
      return new EventSource(streamUrl(url), { withCredentials: true });
    };
  }

  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    if (!field.matches || !field.matches("[data-composer] textarea")) return;
    event.preventDefault();
    var form = field.closest("form");
    if (!field.value.trim()) return;
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });

  document.addEventListener("htmx:sseMessage", function (event) {
    var detail = event.detail || {};
    if (detail.lastEventId) {
      lastEventId = detail.lastEventId;
      var box = layout();
      if (box) box.dataset.lastEventId = lastEventId;
    }
    if (detail.type === "reload") { window.location.reload(); return; }
    if (detail.type === "unread") bumpUnread(String(detail.data || ""));
    if (detail.type === "chat") markReadSoon();
  });

  // What arrives live in the open channel has been seen: tell the server, once a burst is over.
  var readTimer = null;
  function markReadSoon() {
    var box = layout();
    if (!box || !box.dataset.readUrl || !window.htmx) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      if (document.visibilityState === "hidden") return;
      htmx.ajax("POST", box.dataset.readUrl, { swap: "none", source: box });
    }, 1500);
  }

  function bumpUnread(data) {
    var parts = data.split(" ");
    var box = layout();
    if (!box || parts[1] === box.dataset.userId || parts[0] === box.dataset.channelId) return;
    var badge = document.getElementById("unread-" + parts[0]);
    if (!badge) return;
    var count = (parseInt(badge.textContent, 10) || 0) + 1;
    badge.textContent = count;
    badge.setAttribute("aria-label", count + " unread");
    badge.hidden = false;
  }

  // A message already shown (sent from this page, or replayed) is not appended again.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.querySelectorAll) return;
    if (target.classList && target.classList.contains("chat-msg")) return;
    Array.prototype.forEach.call(fragment.querySelectorAll(".chat-msg[id]"), function (msg) {
      if (document.getElementById(msg.id)) msg.remove();
    });
    if (target === messages()) stickToBottom = nearBottom(target);
  });

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var box = messages();
    if (event.detail.target === box && stickToBottom) box.scrollTop = box.scrollHeight;
  });

  // Sending too quickly answers 429 with the composer (text kept): show it like a 422.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (event.detail.xhr.status === 429 && elt && elt.closest && elt.closest("[data-composer]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form.chat-composer")) {
      refocus = form.id;
      var box = messages();
      stickToBottom = stickToBottom || nearBottom(box);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var panel = document.getElementById("thread-panel");
    var box = layout();
    if (panel && box) box.classList.toggle("has-thread", panel.children.length > 0);
    if (event.detail.target === panel && panel.children.length) {
      var reply = document.getElementById("reply-composer-body");
      if (reply) reply.focus();
    }
    if (refocus) {
      var field = document.getElementById(refocus + "-body");
      if (field) field.focus();
      refocus = null;
    }
  });

  // The author's own controls, and the history links for those who may see it: one rule each
  // for every message, those drawn later included (a stylesheet made here is not an inline
  // style, so the Content-Security-Policy allows it).
  (function viewerRules() {
    var meta = document.querySelector('meta[name="chat-viewer"]');
    if (!meta || !document.adoptedStyleSheets || !window.CSSStyleSheet) return;
    var rules = '.chat-msg[data-author-id="' + CSS.escape(meta.content) + '"] .author-only { display: inline; }';
    if (meta.dataset.seesHistory === "true") rules += " .chat-msg .lead-only { display: inline; }";
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(rules);
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  })();

  // Drawn with the page or swapped in later: poll bars take their width from data-percent;
  // a command's "done" note empties the composer that still holds the command.
  function onNewContent(root) {
    var bars = Array.prototype.slice.call(root.querySelectorAll(".poll-bar[data-percent]"));
    if (root.matches && root.matches(".poll-bar[data-percent]")) bars.push(root);
    bars.forEach(function (bar) { bar.style.width = (parseInt(bar.dataset.percent, 10) || 0) + "%"; });
    var done = root.matches && root.matches("[data-clear-command]") ? root
      : root.querySelector("[data-clear-command]");
    var box = done && document.querySelector("#composer textarea");
    if (box && box.value.trim().startsWith("/")) box.value = "";
  }
  if (window.htmx) htmx.onLoad(onNewContent);

  document.addEventListener("click", function (event) {
    var closePanel = event.target.closest && event.target.closest("[data-close-panel]");
    if (!closePanel) return;
    var panel = closePanel.closest("#composer-panel");
    if (panel) panel.innerHTML = "";
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-close-thread]");
    if (!close) return;
    event.preventDefault();
    var panel = document.getElementById("thread-panel");
    if (panel) panel.innerHTML = "";
    var box = layout();
    if (box) box.classList.remove("has-thread");
  });

  document.addEventListener("DOMContentLoaded", function () {
    var channels = document.querySelector(".chat-channels");
    if (channels && window.matchMedia("(max-width: 768px)").matches) channels.open = false;
    var box = messages();
    if (!box) return;
    var anchor = location.hash && document.getElementById(location.hash.slice(1));
    if (anchor && box.contains(anchor)) anchor.scrollIntoView({ block: "center" });
    else box.scrollTop = box.scrollHeight;
  });
})();
