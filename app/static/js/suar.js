// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The filter panel stays folded on a phone (the results come first) and opens on a wide screen.
  if (window.matchMedia("(min-width: 56rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }
  // Filter forms apply a choice at once instead of waiting for the button.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") {
        // Empty choices would put "sector=" into the URL; leave them out.
        form.querySelectorAll("select").forEach(function (select) {
          select.disabled = select.value === "";
        });
        form.submit();
      }
    });
  });
  // A table wider than a phone scrolls inside itself: make it reachable from the keyboard
  // (a scrollable region must take focus), only while it does scroll.
  var scrollables = function () {
    document.querySelectorAll(".data-table, .prose table, .prose pre").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  };
  scrollables();
  window.addEventListener("resize", scrollables);
  // A live count under the fields that ask for it (the guided sections, the summary).
  var word = document.documentElement.lang === "en" ? "characters" : "karakter";
  document.querySelectorAll("textarea[data-count]").forEach(function (area) {
    var out = document.createElement("p");
    out.className = "hint char-count";
    out.id = area.id + "-count";
    out.setAttribute("aria-live", "polite");
    var limit = area.getAttribute("maxlength");
    var show = function () {
      out.textContent = area.value.length.toLocaleString(document.documentElement.lang) +
        (limit ? " / " + Number(limit).toLocaleString(document.documentElement.lang) : "") + " " + word;
    };
    area.insertAdjacentElement("afterend", out);
    area.addEventListener("input", show);
    show();
  });
})();
