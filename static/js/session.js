/* Idle logout without lost work (docs/architecture.md, Security).

   Timer. <body data-session-remaining data-session-warning> come from the server: the seconds
   the login has left and how early to warn. The warning (role="alertdialog") takes the focus
   to its "stay logged in" button, which POSTs to data-keep-alive-url; the focus then goes back
   where the user was. Page loads in other tabs (through localStorage) and htmx responses (the
   X-Session-Remaining header) move the deadline too, since they are activity on the server.

   Drafts. When a form of the page is posted, its fields (never passwords, files or the CSRF
   token) are kept in sessionStorage, which belongs to this tab only, under the page's address
   and the user's id. If the post met the login page (the login had run out), the draft is
   filled back into that page's form once the same user has logged in again, with a notice;
   this script never submits it. Any other page after the post means the server had the post
   (saved, or shown again with its errors): the draft goes. Logging out, or another user
   logging in, removes drafts. When the timer runs out with a form being typed in, that form
   is kept the same way, so that reloading or following a link loses nothing either. */
(function () {
  "use strict";

  var DRAFTS = "yorozu-drafts";
  var DEADLINE = "yorozu-session-deadline";
  var SKIPPED_TYPES = ["password", "file", "submit", "button", "reset", "image", "fieldset",
                       "output", "object"];
  // The server counts whole seconds: show the logout a moment after it has surely happened.
  var GRACE_MS = 1000;
  var body = document.body;
  var user = body.dataset.user || "";

  // --- Drafts -----------------------------------------------------------------------------
  function readDrafts() {
    try {
      return JSON.parse(sessionStorage.getItem(DRAFTS)) || {};
    } catch (e) {
      return {};
    }
  }

  function writeDrafts(drafts) {
    try {
      if (Object.keys(drafts).length) {
        sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));
      } else {
        sessionStorage.removeItem(DRAFTS);
      }
    } catch (e) {
      // Storage full or turned off: there is nowhere to keep a draft.
    }
  }

  function pageAddress() {
    return location.pathname + location.search;
  }

  function pageForms() {
    return Array.prototype.slice.call(document.querySelectorAll("main form"));
  }

  function keepable(form) {
    return form.method === "post" && pageForms().indexOf(form) >= 0 &&
      !form.hasAttribute("data-no-draft") && !form.querySelector("input[type=password]") &&
      !form.matches("[hx-post], [hx-put], [hx-patch], [hx-delete], [data-hx-post]");
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.name !== "csrfmiddlewaretoken" &&
        SKIPPED_TYPES.indexOf(el.type) < 0;
    });
  }

  function checkable(el) {
    return el.type === "checkbox" || el.type === "radio";
  }

  function defaultIndex(select) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].defaultSelected) {
        return i;
      }
    }
    return select.options.length ? 0 : -1;
  }

  function changed(el) {
    if (checkable(el)) {
      return el.checked !== el.defaultChecked;
    }
    if (el.type === "select-one") {
      return el.selectedIndex !== defaultIndex(el);
    }
    if (el.type === "select-multiple") {
      return Array.prototype.some.call(el.options, function (o) {
        return o.selected !== o.defaultSelected;
      });
    }
    return el.value !== el.defaultValue;
  }

  function filled(el) {
    return checkable(el) ? el.checked : el.value !== "";
  }

  function visible(el) {
    return el.type !== "hidden";
  }

  // Checkboxes and radios are found again by name and value, other fields by name and order.
  function snapshot(form) {
    var seen = {};
    return fields(form).map(function (el) {
      if (checkable(el)) {
        return {n: el.name, v: el.value, c: el.checked};
      }
      var order = seen[el.name] = (seen[el.name] || 0) + 1;
      if (el.type === "select-multiple") {
        var chosen = Array.prototype.filter.call(el.options, function (o) { return o.selected; });
        return {n: el.name, o: order, s: chosen.map(function (o) { return o.value; })};
      }
      return {n: el.name, o: order, v: el.value};
    });
  }

  function find(form, entry) {
    var named = fields(form).filter(function (el) {
      return el.name === entry.n && checkable(el) === ("c" in entry);
    });
    if ("c" in entry) {
      return named.filter(function (el) { return el.value === entry.v; })[0];
    }
    return named[entry.o - 1];
  }

  function put(el, entry) {
    if ("c" in entry) {
      el.checked = entry.c;
    } else if (entry.s) {
      Array.prototype.forEach.call(el.options, function (o) {
        o.selected = entry.s.indexOf(o.value) >= 0;
      });
    } else {
      el.value = entry.v;
    }
  }

  // Returns the entries whose field is not on the page yet (a choice that search as you
  // type brings back).
  function fill(form, entries) {
    return entries.filter(function (entry) {
      var el = find(form, entry);
      if (el) {
        put(el, entry);
      }
      return !el && !(entry.c === false);
    });
  }

  function keep(form, state) {
    var drafts = readDrafts();
    drafts[pageAddress()] = {user: user, state: state, form: pageForms().indexOf(form),
                             action: form.getAttribute("action") || "",
                             fields: snapshot(form)};
    writeDrafts(drafts);
  }

  function showNotice(key) {
    var notice = document.getElementById("draft-notice");
    if (notice) {
      notice.className = "alert alert-info";
      notice.textContent = notice.dataset[key];
    }
  }

  var pending = null;

  function restore(draft) {
    var form = pageForms()[draft.form];
    if (!form || (form.getAttribute("action") || "") !== draft.action || !keepable(form) ||
        fields(form).filter(visible).some(changed)) {
      return;  // not the same form, or the user has typed into it since
    }
    pending = {form: form, entries: fill(form, draft.fields)};
    showNotice("restored");
    // Let search as you type show its suggestions for what was typed (a GET, never a save).
    fields(form).forEach(function (el) {
      if (el.hasAttribute("hx-get") && el.value) {
        el.dispatchEvent(new Event("input", {bubbles: true}));
      }
    });
  }

  function settleDrafts() {
    var drafts = readDrafts();
    Object.keys(drafts).forEach(function (address) {
      var draft = drafts[address];
      if (!user) {
        // The post met the login page (or an error page): the server never had it.
        draft.state = "kept";
      } else if (draft.user !== user || draft.state === "posted") {
        delete drafts[address];
      }
    });
    writeDrafts(drafts);
    if (!user && Object.keys(drafts).length) {
      showNotice("kept");
    }
    var here = drafts[pageAddress()];
    if (user && here) {
      restore(here);
    }
  }

  // On window, so that it runs after the page's own submit handlers (a confirmation first,
  // js/confirm.js) and a submit they stopped keeps nothing.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) {
      return;
    }
    if (form.hasAttribute("data-logout")) {
      writeDrafts({});
    } else if (user && keepable(form) && fields(form).filter(visible).some(filled)) {
      keep(form, "posted");
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (pending && pending.entries.length) {
      pending.entries = fill(pending.form, pending.entries);
    }
  });

  function keepTypedForms() {
    var typed = pageForms().filter(function (form) {
      return keepable(form) && fields(form).filter(visible).some(changed);
    });
    if (typed.length) {
      keep(typed[0], "kept");
    }
  }

  // --- Timer ------------------------------------------------------------------------------
  var dialog = document.getElementById("session-timer");
  var deadline = 0;
  var warningMs = 0;
  var state = "";
  var returnFocus = null;
  var ticking = null;

  function setDeadline(seconds) {
    deadline = Date.now() + seconds * 1000;
    try {
      localStorage.setItem(DEADLINE, String(deadline));
    } catch (e) {
      // Other tabs will not hear of this page load; the server still decides.
    }
    tick();
  }

  function showView(view) {
    var title = document.getElementById("session-timer-title");
    title.textContent = title.dataset[view];
    dialog.querySelectorAll("[data-session-view]").forEach(function (el) {
      el.hidden = el.dataset.sessionView !== view;
    });
  }

  function open(view) {
    showView(view);
    if (dialog.hidden) {
      returnFocus = document.activeElement;
      dialog.hidden = false;
    }
    dialog.querySelector("button[data-session-view=" + view + "]").focus();
  }

  function close() {
    var hadFocus = dialog.contains(document.activeElement);
    dialog.hidden = true;
    if (hadFocus && returnFocus && document.contains(returnFocus)) {
      returnFocus.focus();
    }
  }

  function countdown(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var rest = seconds % 60;
    dialog.querySelector("[data-session-countdown]").textContent =
      Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function expire() {
    state = "expired";
    clearInterval(ticking);
    keepTypedForms();
    open("expired");
  }

  function tick() {
    if (state === "expired") {
      return;
    }
    var left = deadline - Date.now();
    if (left <= -GRACE_MS) {
      expire();
    } else if (left <= warningMs) {
      countdown(left);
      if (state !== "warning") {
        state = "warning";
        open("warning");
      }
    } else if (state === "warning") {
      state = "";
      close();
    }
  }

  function stayLoggedIn() {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(body.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : ""}
    }).then(function (response) {
      // An ended login answers with the login page, through a redirect.
      if (!response.ok || response.redirected) {
        expire();
        return;
      }
      return response.json().then(function (answer) {
        warningMs = answer.warning * 1000;
        setDeadline(answer.remaining);
      });
    }).catch(function () {
      // No answer (the network): the warning stays, and the button can be pressed again.
    });
  }

  function startTimer() {
    if (!dialog || !body.dataset.sessionRemaining) {
      return;
    }
    warningMs = Number(body.dataset.sessionWarning) * 1000;
    dialog.querySelector("[data-session-stay]").addEventListener("click", stayLoggedIn);
    dialog.querySelector("[data-session-close]").addEventListener("click", close);
    window.addEventListener("storage", function (event) {
      if (event.key === DEADLINE && Number(event.newValue) > deadline) {
        deadline = Number(event.newValue);
        tick();
      }
    });
    document.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      var left = xhr && xhr.getResponseHeader("X-Session-Remaining");
      if (left) {
        setDeadline(Number(left));
      }
    });
    document.addEventListener("visibilitychange", tick);
    setDeadline(Number(body.dataset.sessionRemaining));
    ticking = setInterval(tick, 1000);
  }

  // After htmx has set up the page, so that restored fields can fetch their suggestions.
  document.addEventListener("DOMContentLoaded", function () {
    settleDrafts();
    startTimer();
  });
})();
