// Refreshes a part of the page while something in it is still pending — a submission
// being scored, a competition being built — so that the result appears without a reload.
// Markup: an element with data-refresh-url (the fragment's address) and data-refresh-pending
// (a selector that matches while something is pending); data-refresh-into names the child
// the fragment replaces (default: the element itself).
(function () {
  "use strict";
  // Fast at first (a score takes about a second), then slower for a long wait.
  const FIRST_INTERVAL_MS = 700;
  const MAX_INTERVAL_MS = 5000;

  function follow(element) {
    const target = element.dataset.refreshInto
      ? element.querySelector(element.dataset.refreshInto) : element;
    const url = element.dataset.refreshUrl;
    let interval = FIRST_INTERVAL_MS;

    function pending() {
      return element.querySelector(element.dataset.refreshPending) !== null;
    }

    async function refresh() {
      try {
        const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
        if (response.redirected || !response.ok) {
          // Logged out or gone: a full reload shows the page the server wants to show.
          window.location.reload();
          return;
        }
        target.innerHTML = await response.text();
      } catch (error) {
        // A network blip: try again on the next tick.
      }
      interval = Math.min(MAX_INTERVAL_MS, interval * 1.2);
      if (pending()) window.setTimeout(refresh, interval);
      else settled();
    }

    if (pending()) window.setTimeout(refresh, interval);
    else settled();
  }

  // A banner such as "being scored" is true only while something is pending: once the
  // result is on the page it would contradict it.
  function settled() {
    document.querySelectorAll(".message.while-pending").forEach(function (message) {
      const list = message.parentElement;
      message.remove();
      if (list && !list.children.length) list.remove();
    });
  }

  document.querySelectorAll("[data-refresh-url]").forEach(follow);
})();
