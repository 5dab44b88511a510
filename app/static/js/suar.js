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
})();
