// Irreversible actions ask first. A form, or the submit button used, with
// data-confirm="message" opens the page's <dialog id="confirm-dialog"> (templates/
// _confirm_dialog.html) showing the message; only the dialog's confirm button sends the form.
// A modal <dialog> keeps focus inside, closes on Escape and gives focus back to the button
// that opened it. Without JavaScript the form is sent as before. A static file, because the
// CSP refuses inline scripts.
(function () {
  "use strict";

  const dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const message = dialog.querySelector("[data-confirm-message]");
  const yes = dialog.querySelector("[data-confirm-yes]");
  const yesDefault = yes.textContent;
  let pending = null;

  function messageFor(form, submitter) {
    return (submitter && submitter.dataset.confirm) || form.dataset.confirm || "";
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    const submitter = event.submitter || null;
    const text = messageFor(form, submitter);
    if (!text || form.method === "dialog") return;
    if (form.dataset.confirmed === "yes") {  // the dialog's own re-submission
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    pending = {form: form, submitter: submitter};
    message.textContent = text;
    yes.textContent = (submitter && submitter.textContent.trim()) || yesDefault;
    dialog.returnValue = "";
    dialog.showModal();
  }, true);

  dialog.addEventListener("close", function () {
    const chosen = pending;
    pending = null;
    if (!chosen || dialog.returnValue !== "confirm") return;
    chosen.form.dataset.confirmed = "yes";
    chosen.form.requestSubmit(chosen.submitter);
  });
})();
