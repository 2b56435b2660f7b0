// Progressive enhancement only: every page works without JavaScript.
(function () {
  document.documentElement.classList.add("js");
  // A wide table scrolls inside its own region; keyboard users reach it with Tab, and screen
  // readers announce it by the table's caption or the heading before it (WCAG 2.1.1, axe's
  // scrollable-region-focusable). Tables written in Markdown get the same wrapper.
  function labelFor(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    for (var node = wrap.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
    }
    var heading = document.querySelector("main h1, h1");
    return heading ? heading.textContent.trim() : document.title;
  }
  function enhanceTables() {
    document.querySelectorAll(".prose table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-wrap")) return;
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (!wrap.hasAttribute("tabindex")) wrap.setAttribute("tabindex", "0");
      if (!wrap.hasAttribute("role")) wrap.setAttribute("role", "region");
      if (!wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
        wrap.setAttribute("aria-label", labelFor(wrap));
      }
    });
  }
  // A code block that scrolls sideways is reached with Tab too (axe: scrollable-region-focusable).
  function enhanceCodeBlocks() {
    document.querySelectorAll(".prose pre").forEach(function (pre) {
      if (!pre.hasAttribute("tabindex")) pre.setAttribute("tabindex", "0");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    enhanceTables();
    enhanceCodeBlocks();
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("is-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
      // Escape closes the open menu and gives the focus back to its button (WCAG 2.1.2).
      document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || !nav.classList.contains("is-open")) return;
        nav.classList.remove("is-open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      });
    }
  });
})();
