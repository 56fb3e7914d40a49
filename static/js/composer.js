/* The chat composer's character counter: the count against the limit, a note near the limit,
   and a clear message when pasted text was cut off at the textarea's maxlength (the browser
   cuts silently). The words come from the page (both languages); this only shows and hides
   them. No inline script: the Content-Security-Policy forbids it. */
(function () {
  "use strict";

  var NEAR = 0.9;

  function counterFor(field) {
    return field.id ? document.querySelector('[data-char-counter="' + field.id + '"]') : null;
  }

  function show(counter, name, visible) {
    var el = counter.querySelector("[data-" + name + "]");
    if (el) el.hidden = !visible;
  }

  function update(field, cut) {
    var counter = counterFor(field);
    if (!counter) return;
    var max = parseInt(field.getAttribute("maxlength"), 10) || 0;
    var n = field.value.length;
    if (cut !== undefined) counter.dataset.cut = cut ? "1" : "";
    if (n < max) counter.dataset.cut = "";
    var isCut = counter.dataset.cut === "1";
    var count = counter.querySelector("[data-count]");
    if (count) {
      count.textContent = n + " / " + max;
      count.hidden = false;
    }
    counter.classList.toggle("near-limit", max > 0 && n >= max * NEAR);
    show(counter, "static", false);
    show(counter, "near", max > 0 && n >= max * NEAR && n < max && !isCut);
    show(counter, "full", max > 0 && n >= max && !isCut);
    show(counter, "cut", isCut);
  }

  function isComposer(el) {
    return el && el.matches && el.matches("textarea[maxlength]") && counterFor(el);
  }

  document.addEventListener("input", function (event) {
    if (isComposer(event.target)) update(event.target);
  });

  document.addEventListener("paste", function (event) {
    var field = event.target;
    if (!isComposer(field)) return;
    var max = parseInt(field.getAttribute("maxlength"), 10) || 0;
    var data = event.clipboardData || window.clipboardData;
    var pasted = data ? data.getData("text") : "";
    var selected = (field.selectionEnd || 0) - (field.selectionStart || 0);
    var wouldBe = field.value.length - selected + pasted.length;
    // The browser inserts what fits after this handler; update once it has.
    window.setTimeout(function () { update(field, max > 0 && wouldBe > max); }, 0);
  });

  document.addEventListener("reset", function (event) {
    var form = event.target;
    window.setTimeout(function () {
      form.querySelectorAll && form.querySelectorAll("textarea[maxlength]").forEach(function (f) {
        if (counterFor(f)) update(f, false);
      });
    }, 0);
  });

  function setUp(root) {
    (root || document).querySelectorAll("textarea[maxlength]").forEach(function (field) {
      if (counterFor(field)) update(field);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSettle", function () { setUp(document); });
})();
