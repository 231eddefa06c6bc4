// Buttons marked data-print open the browser's print dialog (a script file, not an
// onclick attribute: the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
