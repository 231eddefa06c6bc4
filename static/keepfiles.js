// A form whose file is large to choose again (the zip of a competition): sent without a
// reload, so that when the server refuses it (400) the page shows every error and the
// chosen file stays chosen; a success (a redirect) is followed as usual. Without
// JavaScript the form posts normally and the file must be chosen again.
(function () {
  "use strict";

  function keep(form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const submitter = event.submitter;
      if (submitter) submitter.disabled = true;
      let response;
      try {
        response = await fetch(form.action || window.location.href, {
          method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" },
        });
      } catch (error) {
        if (submitter) submitter.disabled = false;
        HTMLFormElement.prototype.submit.call(form);
        return;
      }
      if (response.redirected) {
        window.location.assign(response.url);
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const main = document.querySelector("main");
      const fresh = page.querySelector("main");
      if (!main || !fresh) {
        window.location.reload();
        return;
      }
      // The chosen files move into the new form: an input keeps its files when moved.
      const chosen = Array.from(form.querySelectorAll("input[type=file]"))
        .filter(function (input) { return input.files.length; });
      main.replaceChildren(...Array.from(fresh.childNodes).map(function (node) {
        return document.importNode(node, true);
      }));
      const next = main.querySelector("form[data-keep-files]");
      if (next) {
        chosen.forEach(function (input) {
          const twin = next.querySelector('input[type=file][name="' + input.name + '"]');
          if (twin) {
            input.removeAttribute("aria-invalid");
            twin.replaceWith(input);
          }
        });
        keep(next);
      }
    });
  }

  document.querySelectorAll("form[data-keep-files]").forEach(keep);
})();
