// "Check only" without a reload: the dry run's answer replaces the check slot and the
// chosen file stays chosen, so that a valid file is submitted with one more click.
// Without JavaScript the button posts the form and the page shows the answer (the file
// must then be chosen again).
(function () {
  "use strict";
  document.querySelectorAll("form[data-check-slot]").forEach(function (form) {
    const slot = document.querySelector(form.dataset.checkSlot);
    const button = form.querySelector("button[name=validate]");
    if (!slot || !button) return;
    button.addEventListener("click", async function (event) {
      if (!form.reportValidity()) return;
      event.preventDefault();
      const data = new FormData(form);
      data.append("validate", "1");
      button.disabled = true;
      try {
        const response = await fetch(form.action || window.location.href, {
          method: "POST", body: data, headers: { "X-Requested-With": "fetch" },
        });
        if (response.redirected || response.status >= 500 || response.status === 403) {
          form.requestSubmit(button);  // let the server's full page say what happened
          return;
        }
        slot.innerHTML = await response.text();
      } catch (error) {
        form.requestSubmit(button);
      } finally {
        button.disabled = false;
      }
    });
  });
})();
