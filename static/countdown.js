// Counts down to the daily reset (00:00 UTC) shown on the submit page, as h:mm:ss.
(function () {
  "use strict";
  const element = document.querySelector("[data-countdown-to]");
  if (!element) return;
  const target = new Date(element.dataset.countdownTo).getTime();
  const template = element.textContent;
  const shown = template.match(/\d+:\d{2}/);

  function tick() {
    const left = Math.max(0, Math.floor((target - Date.now()) / 1000));
    const text = Math.floor(left / 3600) + ":" +
      String(Math.floor(left % 3600 / 60)).padStart(2, "0") + ":" +
      String(left % 60).padStart(2, "0");
    element.textContent = shown ? template.replace(shown[0], text) : text;
    if (left > 0) window.setTimeout(tick, 1000);
  }
  tick();
})();
