// Refreshes the rows of "My submissions" while any submission is queued or being scored,
// so that a score (or the reasons a file failed) appears without reloading the page.
(function () {
  "use strict";
  const table = document.getElementById("submissions");
  if (!table) return;
  const body = table.querySelector("tbody");
  const url = table.dataset.refreshUrl;
  // Fast at first (scores take about a second), then slower for a long-running queue.
  const FIRST_INTERVAL_MS = 700;
  const MAX_INTERVAL_MS = 5000;
  let interval = FIRST_INTERVAL_MS;

  function pending() {
    return body.querySelector('[data-status="queued"], [data-status="scoring"]') !== null;
  }

  async function refresh() {
    try {
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
      if (response.redirected || !response.ok) {
        // Logged out or gone: a full reload shows the page the server wants to show.
        window.location.reload();
        return;
      }
      body.innerHTML = await response.text();
    } catch (error) {
      // A network blip: try again on the next tick.
    }
    interval = Math.min(MAX_INTERVAL_MS, interval * 1.2);
    if (pending()) window.setTimeout(refresh, interval);
  }

  if (pending()) window.setTimeout(refresh, interval);
})();
