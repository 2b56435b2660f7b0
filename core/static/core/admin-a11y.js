// Wagtail's tag field (jQuery tag-it) types into an input it creates next to the real one,
// with no label (axe: "Form elements must have labels"): give it the field's own label.
(function () {
  "use strict";
  function labelTagInputs() {
    document.querySelectorAll("ul.tagit input:not([aria-label])").forEach(function (input) {
      // The original input (hidden by tag-it) keeps the id its <label for> names; the label
      // sits outside `.w-field`, in the wrapper around it.
      var field = input.closest("[data-field-input], .w-field__input, .w-field");
      var original = field && field.querySelector("input[data-controller~='w-tag'][id]");
      var label = original && document.querySelector("label[for='" + original.id + "']");
      if (!label) {
        var wrapper = input.closest(".w-field__wrapper, [data-field-wrapper]");
        label = wrapper && wrapper.querySelector("label");
      }
      if (label && label.textContent.trim()) {
        input.setAttribute("aria-label", label.textContent.replace(/\s*\*\s*$/, "").trim());
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelTagInputs();
    // Tag fields also appear later: inline panels added, modals, StreamField blocks.
    new MutationObserver(labelTagInputs).observe(document.body, { childList: true, subtree: true });
  });
})();
