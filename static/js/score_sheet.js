// Scoring sheet: a conflict answer (409) must never swallow input the user gave after the
// request left. Typing a note and clicking a level at once sends the note first (the note's
// change fires on blur, at the press of the mouse); if that request comes back 409, htmx
// replaces the row, and the level click, queued on the old row or landing on a row that is
// no longer there, is lost. So a 409 is set aside while the row has newer input or a press
// in progress: the row's newest input is sent instead, with the same stale version, and the
// server answers the conflict again, now with what the user actually chose.
(function () {
  "use strict";

  const ROW = "form.score-row";
  const rows = new WeakMap();

  function stateOf(row) {
    let state = rows.get(row);
    if (!state) {
      state = {edits: 0, sent: 0, pressed: false, setAside: null};
      rows.set(row, state);
    }
    return state;
  }

  function rowOf(event) {
    return event.target instanceof Element ? event.target.closest(ROW) : null;
  }

  function edited(event) {
    const row = rowOf(event);
    if (row) stateOf(row).edits += 1;
  }

  function pressed(event) {
    const row = rowOf(event);
    if (row) stateOf(row).pressed = true;
  }

  // After a press ends, its click and change have fired. If a 409 was set aside and that
  // press sent nothing new (a click on the level already chosen, or beside the levels),
  // ask again with the row as it is, so the conflict is shown all the same.
  function released() {
    document.querySelectorAll(ROW).forEach(function (row) {
      const state = rows.get(row);
      if (!state || !state.pressed) return;
      state.pressed = false;
      if (state.setAside === null) return;
      const sentBefore = state.setAside;
      state.setAside = null;
      window.setTimeout(function () {
        if (state.sent === sentBefore && row.isConnected) htmx.trigger(row, "change");
      }, 0);
    });
  }

  document.addEventListener("input", edited, true);
  document.addEventListener("change", edited, true);
  document.addEventListener("pointerdown", pressed, true);
  document.addEventListener("pointerup", released, true);
  document.addEventListener("pointercancel", released, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    const row = rowOf(event);
    if (!row) return;
    const state = stateOf(row);
    state.sent += 1;
    event.detail.xhr.scoreEdits = state.edits;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const row = rowOf(event);
    const xhr = event.detail.xhr;
    if (!row || xhr.status !== 409) return;
    const state = stateOf(row);
    if (state.edits > xhr.scoreEdits) {
      event.detail.shouldSwap = false;  // the newer input is queued and will be sent
    } else if (state.pressed) {
      event.detail.shouldSwap = false;
      state.setAside = state.sent;
    }
  });
})();

// "Next unscored item": moves the focus to the first level of the next item without a level,
// after the item last worked on (wrapping round to the top), so a keyboard user goes on
// where scoring is still to do. Without JavaScript the link goes to the first such item.
(function () {
  "use strict";

  const ROW = "form.score-row";
  let lastRowId = null;

  document.addEventListener("focusin", function (event) {
    const row = event.target instanceof Element ? event.target.closest(ROW) : null;
    if (row) lastRowId = row.id;
  });

  function unscored(row) {
    return !row.querySelector("input[name=level]:checked")
      && !row.querySelector("fieldset:disabled");
  }

  document.addEventListener("click", function (event) {
    const link = event.target instanceof Element
      ? event.target.closest("[data-next-unscored]") : null;
    if (!link) return;
    event.preventDefault();
    const rows = Array.from(document.querySelectorAll(ROW));
    const last = lastRowId ? document.getElementById(lastRowId) : null;
    const start = last ? rows.indexOf(last) + 1 : 0;
    const next = rows.slice(start).concat(rows.slice(0, start)).find(unscored);
    const status = document.getElementById("next-unscored-status");
    if (!next) {
      if (status) status.textContent = status.dataset.allScored;
      return;
    }
    if (status) status.textContent = "";
    next.scrollIntoView({block: "start"});
    next.querySelector("input[name=level]").focus({preventScroll: true});
  });
})();
