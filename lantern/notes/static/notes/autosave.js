// Case notes: save the draft as the worker types, and never lose what was typed.
//
// Progressive enhancement: without JavaScript the form's "Save draft" and "Save as final note"
// buttons do everything. With it, the form is posted to the autosave endpoint two seconds after
// typing stops and the page says "Draft saved at HH:MM". Until the server has the text, a copy
// is kept in this browser (localStorage, per user, child and note): if the session has ended
// (the endpoint answers 403 or sends the browser to sign in), the text is put back into the form
// the next time the note is opened, and the page says so. Copies are removed once saved and are
// never kept longer than a day.
(function () {
  "use strict";

  var PREFIX = "lantern-note:";
  var DELAY_MS = 2000;
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;
  var FIELDS = [
    "title",
    "occurred_on_day",
    "occurred_on_month",
    "occurred_on_year",
    "note_type",
    "body",
    "significant",
    "significant_category",
  ];

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  var store = storage();

  function read(key) {
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function forget(key) {
    if (store && key) store.removeItem(key);
  }

  function forgetOld() {
    if (!store) return;
    var now = Date.now();
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var copy = read(key);
        if (!copy || !copy.at || now - copy.at > MAX_AGE_MS) store.removeItem(key);
      }
    }
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function clock(ms) {
    var d = new Date(ms);
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  // The form's fields as plain values (radios and checkboxes by what is chosen).
  function values(form) {
    var out = {};
    FIELDS.forEach(function (name) {
      var elements = form.querySelectorAll('[name="' + name + '"]');
      if (!elements.length) return;
      var first = elements[0];
      if (first.type === "radio") {
        out[name] = "";
        elements.forEach(function (el) {
          if (el.checked) out[name] = el.value;
        });
      } else if (first.type === "checkbox") {
        out[name] = first.checked;
      } else {
        out[name] = first.value;
      }
    });
    return out;
  }

  function same(a, b) {
    return FIELDS.every(function (name) {
      var x = a[name];
      var y = b[name];
      if (typeof x === "string") x = x.trim();
      if (typeof y === "string") y = y.trim();
      return (x === undefined ? "" : x) === (y === undefined ? "" : y);
    });
  }

  function hasText(v) {
    return Boolean((v.title || "").trim() || (v.body || "").trim());
  }

  function fill(form, v) {
    FIELDS.forEach(function (name) {
      if (!(name in v)) return;
      var elements = form.querySelectorAll('[name="' + name + '"]');
      elements.forEach(function (el) {
        if (el.type === "radio") {
          el.checked = el.value === v[name];
        } else if (el.type === "checkbox") {
          el.checked = Boolean(v[name]);
        } else {
          el.value = v[name];
        }
      });
    });
    // Show the category when the restored note is a significant event.
    var significant = form.querySelector('[name="significant"]');
    var conditional = document.getElementById("conditional-significant");
    if (significant && conditional) {
      conditional.classList.toggle("govuk-checkboxes__conditional--hidden", !significant.checked);
      significant.setAttribute("aria-expanded", significant.checked ? "true" : "false");
    }
  }

  function Autosave(form) {
    this.form = form;
    this.url = form.getAttribute("data-autosave-url");
    this.key = form.getAttribute("data-storage-key");
    this.newKey = form.getAttribute("data-new-storage-key");
    this.editTemplate = form.getAttribute("data-edit-url-template");
    this.loginUrl = form.getAttribute("data-login-url");
    this.updated = parseInt(form.getAttribute("data-updated") || "0", 10) * 1000;
    this.status = document.getElementById("note-autosave-status");
    this.noteInput = form.querySelector('[name="note"]');
    this.timer = null;
    this.inflight = null;
    this.restore();
    var self = this;
    form.addEventListener("input", function () {
      self.changed();
    });
    form.addEventListener("change", function () {
      self.changed();
    });
    form.addEventListener("submit", function (event) {
      self.submitting(event);
    });
  }

  Autosave.prototype.say = function (text, link) {
    if (!this.status) return;
    this.status.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.className = "govuk-link";
      a.href = link.href;
      a.textContent = link.text;
      this.status.appendChild(document.createTextNode(" "));
      this.status.appendChild(a);
    }
  };

  Autosave.prototype.keep = function () {
    if (!store) return;
    try {
      store.setItem(this.key, JSON.stringify({ at: Date.now(), values: values(this.form) }));
    } catch (e) {
      // Storage full or refused: the server copy is all there is.
    }
  };

  // Put back text kept in this browser that the server does not have.
  Autosave.prototype.restore = function () {
    forgetOld();
    var copy = read(this.key);
    if (!copy && this.newKey !== this.key) {
      // Typed on the new-note page and then saved without the autosave: the copy is stale.
      var fromNew = read(this.newKey);
      if (fromNew && same(fromNew.values || {}, values(this.form))) forget(this.newKey);
    }
    if (!copy || !copy.values) return;
    if (same(copy.values, values(this.form)) || copy.at < this.updated) {
      // The server has this text already, or a newer version of it.
      forget(this.key);
      return;
    }
    fill(this.form, copy.values);
    var banner = document.getElementById("note-restored");
    if (banner) {
      var when = banner.querySelector("[data-restored-time]");
      if (when) when.textContent = " at " + clock(copy.at);
      banner.hidden = false;
      banner.setAttribute("tabindex", "-1");
      banner.focus();
    }
    this.schedule();
  };

  Autosave.prototype.changed = function () {
    this.keep();
    this.schedule();
  };

  Autosave.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      self.save();
    }, DELAY_MS);
  };

  Autosave.prototype.signedOut = function () {
    this.keep();
    var next = this.noteInput && this.noteInput.value ? this.editUrl(this.noteInput.value) : window.location.pathname;
    this.say(
      "Not saved: you seem to have been signed out. What you typed is kept in this browser and will be put back when you open this note again.",
      { href: this.loginUrl + "?next=" + encodeURIComponent(next), text: "Sign in again" }
    );
  };

  Autosave.prototype.editUrl = function (id) {
    return this.editTemplate.replace(/\/0\/edit\/$/, "/" + id + "/edit/");
  };

  Autosave.prototype.save = function () {
    var self = this;
    var sent = values(this.form);
    if (!hasText(sent)) return Promise.resolve();
    if (this.inflight) {
      // One save at a time; the latest text is sent when this one finishes.
      this.inflight.then(function () {
        self.schedule();
      });
      return this.inflight;
    }
    this.say("Saving draft…");
    var body = new FormData(this.form);
    body.delete("action");
    this.inflight = window
      .fetch(this.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "fetch" },
      })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.status === 403 || response.redirected || type.indexOf("application/json") === -1) {
          self.signedOut();
          return;
        }
        return response.json().then(function (data) {
          if (!data.saved) {
            var errors = data.errors || {};
            var first = Object.keys(errors).map(function (k) {
              return errors[k][0];
            })[0];
            self.keep();
            self.say("Draft not saved: " + (first || data.error || "try the Save draft button."));
            return;
          }
          self.saved(data, sent);
        });
      })
      .catch(function () {
        self.keep();
        self.say("Draft not saved: the connection failed. What you typed is kept in this browser; we will try again.");
      })
      .then(function () {
        self.inflight = null;
      });
    return this.inflight;
  };

  Autosave.prototype.saved = function (data, sent) {
    if (this.noteInput && !this.noteInput.value) {
      // The first save of a new note: from now on this page edits that draft.
      this.noteInput.value = String(data.note);
      this.form.setAttribute("action", data.edit_url);
      if (window.history && window.history.replaceState) window.history.replaceState(null, "", data.edit_url);
      forget(this.key);
      this.key = data.storage_key;
    }
    this.updated = Date.now();
    if (same(sent, values(this.form))) {
      forget(this.key);
    } else {
      this.keep();
    }
    var message = "Draft saved at " + data.saved_at + ".";
    if (data.not_saved && Object.keys(data.not_saved).length) {
      message += " Not saved yet: " + Object.keys(data.not_saved)
        .map(function (k) {
          return data.not_saved[k][0];
        })
        .join("; ") + ".";
    }
    this.say(message);
  };

  // A button press posts the form itself; let a save in flight finish first (so a new note is
  // not saved twice) and keep the browser copy until the next page confirms the server has it.
  Autosave.prototype.submitting = function (event) {
    window.clearTimeout(this.timer);
    this.keep();
    if (this.inflight) {
      event.preventDefault();
      var form = this.form;
      var submitter = event.submitter;
      this.inflight.then(function () {
        if (form.requestSubmit) form.requestSubmit(submitter);
        else form.submit();
      });
    }
  };

  function start() {
    document.querySelectorAll("[data-note-forget]").forEach(function (el) {
      (el.getAttribute("data-note-forget") || "").split(" ").forEach(forget);
    });
    var form = document.getElementById("note-form");
    if (form && form.getAttribute("data-autosave-url") && window.fetch && window.FormData) new Autosave(form);
    else forgetOld();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
