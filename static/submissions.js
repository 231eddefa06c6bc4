// Refreshes the rows of "My submissions" while any submission is queued or being scored,
// so that a score (or the reasons a file failed) appears without reloading the page.
(function () {
  "use strict";
  const table = document.getElementById("submissions");
  if (!table) return;
  const body = table.querySelector("tbody");
  const url = table.dataset.refreshUrl;
  const INTERVAL_MS = 700;

  function pending() {
    return body.querySelector('[data-status="queued"], [data-status="scoring"]') !== null;
  }

  async function refresh() {
    try {
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
      if (response.ok) body.innerHTML = await response.text();
    } catch (error) {
      // A network blip: try again on the next tick.
    }
    if (pending()) window.setTimeout(refresh, INTERVAL_MS);
  }

  if (pending()) window.setTimeout(refresh, INTERVAL_MS);
})();
