// Refreshes the build's progress while it is queued or running, then shows how it ended
// (the same pattern as submissions.js).
(function () {
  "use strict";
  const box = document.getElementById("build");
  if (!box) return;
  const url = box.dataset.refreshUrl;
  const FIRST_INTERVAL_MS = 700;
  const MAX_INTERVAL_MS = 3000;
  let interval = FIRST_INTERVAL_MS;

  function pending() {
    return box.querySelector('[data-status="queued"], [data-status="running"]') !== null;
  }

  async function refresh() {
    try {
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
      if (response.redirected || !response.ok) {
        window.location.reload();
        return;
      }
      box.innerHTML = await response.text();
    } catch (error) {
      // A network blip: try again on the next tick.
    }
    interval = Math.min(MAX_INTERVAL_MS, interval * 1.15);
    if (pending()) window.setTimeout(refresh, interval);
  }

  if (pending()) window.setTimeout(refresh, interval);
})();
