// The quick log. A search sent before the user chose in the results carries the old choice
// (hx-include) and would redraw the results without the new one: stop it when the choice
// changes. A search sent later carries the new choice, and the server draws it checked.
"use strict";

document.addEventListener("change", (event) => {
  const search = document.getElementById("id_client-name");
  if (event.target.name === "target" && search && window.htmx) {
    window.htmx.trigger(search, "htmx:abort");
  }
});
