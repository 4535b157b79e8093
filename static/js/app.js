// What would otherwise be inline script: the Content Security Policy (script-src 'self')
// runs no inline script, no on…= attribute and no htmx hx-on, only files like this one.
(function () {
  "use strict";

  // A panel marked data-swap-errors shows a 400 answer (the form with its field errors)
  // instead of ignoring it as htmx does with error responses.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.target;
    if (event.detail.xhr.status === 400 && source.closest && source.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The same for a 400 that the server sends elsewhere (HX-Retarget: an in-place form's
  // slot): htmx fires the event on the original target, the new one is detail.target.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.closest &&
        target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A form marked data-confirm="question" asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Wide tables scroll inside their own box, never the page (a phone is 390 px wide). Each
  // table of the page, and of content htmx brings in, goes into a .table-wrap; a box that
  // actually scrolls takes keyboard focus so that it can be scrolled without a mouse.
  function markScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  function wrapTables(root) {
    var tables = root.tagName === "TABLE" ? [root] : root.querySelectorAll("table");
    Array.prototype.forEach.call(tables, function (table) {
      var parent = table.parentNode;
      if (!parent || (parent.classList && parent.classList.contains("table-wrap"))) {
        return;
      }
      var box = document.createElement("div");
      box.className = "table-wrap";
      parent.insertBefore(box, table);
      box.appendChild(table);
    });
    markScrolling();
  }
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelectorAll) {
      wrapTables(event.target);
    }
  });
  // once a frame while the window is resized: a box that starts scrolling when the window
  // narrows is reachable by keyboard from the next frame on
  var resizing = false;
  window.addEventListener("resize", function () {
    if (!resizing) {
      resizing = true;
      window.requestAnimationFrame(function () {
        resizing = false;
        markScrolling();
      });
    }
  });

  // After a refused form (400) the focus moves to the error summary at the top of the form
  // (templates/form_errors.html), on a page load and when htmx swaps the form in; each of
  // its links puts the focus in the field it names.
  function focusErrors(root) {
    var summary = root.matches && root.matches("[data-error-summary]")
      ? root : root.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelector && event.target !== document.body) {
      focusErrors(event.target);
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({block: "center"});
      field.focus();
    }
  });

  // What htmx brings into a page (an in-place form, a saved section) may name the element
  // that takes the focus next (data-autofocus), unless the error summary took it already.
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    if (!root || !root.querySelector || root === document.body) {
      return;
    }
    if (root.querySelector("[data-error-summary]")) {
      return;
    }
    var next = root.matches("[data-autofocus]") ? root : root.querySelector("[data-autofocus]");
    if (next) {
      next.focus();
    }
  });

  // The phone's menu (templates/base.html): the button folds and unfolds the main menu and
  // says which (aria-expanded); Escape folds it and gives the focus back to the button.
  function setupMenu() {
    var button = document.querySelector(".menu-toggle");
    var nav = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) {
      return;
    }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    }
    button.hidden = false;
    button.closest(".topbar").classList.add("js-menu");
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }

  function ready() {
    setupMenu();
    wrapTables(document.body);
    focusErrors(document.body);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
