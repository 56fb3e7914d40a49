/* Small behaviours that need no inline script (the Content-Security-Policy forbids it). */
(function () {
  "use strict";

  // Forms marked data-autosubmit submit when a field changes (filters).
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosubmit]");
    if (form) {
      if (window.htmx && form.hasAttribute("hx-get")) {
        htmx.trigger(form, "submit");
      } else {
        form.requestSubmit();
      }
    }
  });

  // Keep chat windows scrolled to the newest message.
  function scrollChats() {
    document.querySelectorAll("[data-autoscroll]").forEach(function (el) {
      el.scrollTop = el.scrollHeight;
    });
  }
  document.addEventListener("DOMContentLoaded", scrollChats);
  document.addEventListener("htmx:afterSettle", scrollChats);
  document.addEventListener("peilian:scroll", scrollChats);
})();
