/* Small behaviours that need no inline script (the Content-Security-Policy forbids it). */
(function () {
  "use strict";

  // Forms marked data-autosubmit submit when a field changes (filters).
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosubmit]");
    if (!form) return;
    if (window.htmx && (form.hasAttribute("hx-get") || form.hasAttribute("hx-post"))) {
      htmx.trigger(form, "submit");
    } else {
      form.requestSubmit();
    }
  });

  // Enter sends the chat message; Shift+Enter makes a new line.
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!field.matches || !field.matches("textarea[data-submit-on-enter]")) return;
    event.preventDefault();
    if (field.value.trim()) field.form.requestSubmit();
  });

  // A chat form clears itself once its message went through.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
      var errors = document.getElementById("composer-error");
      if (!errors || !errors.textContent.trim()) form.reset();
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form.matches && form.matches("form[data-reset-on-success]")) {
      var errors = document.getElementById("composer-error");
      if (errors) errors.innerHTML = "";
    }
  });

  // The typing dots give way to the first streamed words.
  document.addEventListener("htmx:sseMessage", function (event) {
    var bubble = event.target.closest && event.target.closest("#reply-pending");
    if (bubble) {
      var dots = bubble.querySelector("[data-typing]");
      if (dots) dots.remove();
    }
    scrollChats();
  });

  // Keep chat windows scrolled to the newest message.
  function scrollChats() {
    document.querySelectorAll("[data-autoscroll]").forEach(function (el) {
      el.scrollTop = el.scrollHeight;
    });
  }
  document.addEventListener("DOMContentLoaded", scrollChats);
  document.addEventListener("htmx:afterSettle", scrollChats);

  // Voice input through the browser's own speech recognition, where it exists.
  function setUpVoice(root) {
    var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return;
    (root || document).querySelectorAll("[data-voice-input]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = button.form.querySelector("textarea");
        var recognition = new Recognition();
        recognition.lang = button.dataset.lang || "zh-CN";
        recognition.interimResults = false;
        recognition.onresult = function (e) {
          field.value = (field.value ? field.value + " " : "") + e.results[0][0].transcript;
          field.focus();
        };
        recognition.start();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUpVoice(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setUpVoice(event.target); });
})();
