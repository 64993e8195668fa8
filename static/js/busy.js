// Forms marked data-busy: on submit, disable the submit button and show the form's
// [data-busy-message] element, so a long request (a big CSV import) visibly works and is not
// sent twice. Without JavaScript the form simply submits.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-busy]")) return;
    if (form.dataset.submitted) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.setAttribute("aria-busy", "true");
    var message = form.querySelector("[data-busy-message]");
    if (message) message.hidden = false;
    // Disable after the browser has collected the form data.
    setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
})();
