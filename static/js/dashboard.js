/* Reports page: keep the printable-HTML link on the chosen period (no inline scripts). */
(function () {
  "use strict";
  const select = document.getElementById("report-period");
  const link = document.getElementById("report-preview");
  if (!select || !link) return;
  select.addEventListener("change", function () {
    const url = new URL(link.href, window.location.href);
    url.searchParams.set("period", select.value);
    link.href = url.pathname + url.search;
  });
})();
