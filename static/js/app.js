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

  // A form marked data-confirm="question" asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
