/* Fieldpost page behaviour. Pages work without it; this only makes them quicker to use.
   CSP allows scripts from 'self' only: no inline handlers anywhere, everything binds here. */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  /* Error summary takes focus so screen readers and keyboards land on it (GOV.UK pattern). */
  function focusErrorSummary() {
    var summary = $("[data-error-summary]");
    if (summary) { summary.focus(); return; }
    var first = $("[aria-invalid='true']");
    if (first) first.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
  });

  /* Flash messages stay until dismissed. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss]");
    if (button) { var box = button.closest(".flash"); if (box) box.remove(); }
  });

  /* Dialogs: a link to the confirm page opens the same content as a modal. The safe
     button carries `autofocus`, which showModal() honours. */
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog"));
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        var menu = opener.closest("details"); if (menu) menu.open = false;
        dialog.showModal();
        var safe = dialog.querySelector("[autofocus]");
        if (safe) safe.focus();
      }
      return;
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) {
      var box = closer.closest("dialog");
      if (box) { event.preventDefault(); box.close(); }
    }
  });

  /* A secret shown once: Copy puts it on the clipboard; focusing the field selects it all,
     for browsers where the clipboard is not allowed. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.focus(); field.select();
    var status = document.getElementById(button.getAttribute("data-copy") + "-status");
    var done = function () {
      button.textContent = "Copied";
      if (status) status.textContent = "Copied to the clipboard.";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-all]")) event.target.select();
  });

  /* Menus (<details class="more">: More, Account) close on Escape, on a click elsewhere and
     when the focus moves out of them, as a menu does. */
  function closeMenusOutside(target) {
    $all("details.more[open]").forEach(function (menu) {
      if (!menu.contains(target)) menu.open = false;
    });
  }
  document.addEventListener("click", function (event) { closeMenusOutside(event.target); });
  document.addEventListener("focusin", function (event) { closeMenusOutside(event.target); });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = event.target.closest && event.target.closest("details.more[open]");
    if (menu) { menu.open = false; menu.querySelector("summary").focus(); }
  });

  /* Forms that move money disable their submit button on the first submit. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-once]")) return;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    window.setTimeout(function () {
      $all("button[type=submit], button:not([type])", form).forEach(function (b) { b.disabled = true; });
    }, 0);
  });

  /* Ctrl/Cmd+Enter saves the form the cursor is in. */
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = event.target.closest && event.target.closest("form");
      if (form) { event.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
    }
  });

  /* Keyboard-first lists: / search, j/k move, x tick, Enter open, n new, ? help. */
  var SHORTCUTS_KEY = "fieldpost.shortcuts";
  function shortcutsOn() { return window.localStorage.getItem(SHORTCUTS_KEY) !== "off"; }
  function rows() { return $all("[data-keylist] tbody tr[data-href]"); }
  function currentRow() { return $("[data-keylist] tbody tr.is-current"); }
  function moveTo(row) {
    var old = currentRow(); if (old) old.classList.remove("is-current");
    if (!row) return;
    row.classList.add("is-current");
    row.scrollIntoView({ block: "nearest" });
    var link = row.querySelector("a.row-link"); if (link) link.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target) || !shortcutsOn()) {
      if (event.key === "Escape" && event.target.matches("[data-search]")) event.target.blur();
      return;
    }
    if ($("dialog[open]")) return;
    var list = $("[data-keylist]");
    var key = event.key;
    if (key === "?") { var help = document.getElementById("shortcut-help"); if (help) { event.preventDefault(); help.showModal(); } return; }
    if (key === "/") { var search = $("[data-search]"); if (search) { event.preventDefault(); search.focus(); search.select(); } return; }
    if (!list) return;
    var all = rows(); var cur = currentRow(); var index = all.indexOf(cur);
    if (key === "j") { event.preventDefault(); moveTo(all[Math.min(all.length - 1, index + 1)] || all[0]); }
    else if (key === "k") { event.preventDefault(); moveTo(all[Math.max(0, index - 1)] || all[0]); }
    else if (key === "x" && cur) { var box = cur.querySelector("input[type=checkbox]"); if (box) { event.preventDefault(); box.click(); } }
    else if (key === "Enter" && cur && !event.target.closest("a, button, summary")) { event.preventDefault(); window.location = cur.getAttribute("data-href"); }
    else if (key === "n") { var next = list.getAttribute("data-new-url"); if (next) { event.preventDefault(); window.location = next; } }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-shortcuts-toggle]")) {
      window.localStorage.setItem(SHORTCUTS_KEY, event.target.checked ? "on" : "off");
    }
  });
  function initShortcutToggle() {
    $all("[data-shortcuts-toggle]").forEach(function (box) { box.checked = shortcutsOn(); });
  }
  /* A click on a row (outside its controls) opens it, like Enter. */
  document.addEventListener("click", function (event) {
    var row = event.target.closest("[data-keylist] tbody tr[data-href]");
    if (!row || event.target.closest("a, button, input, label, select")) return;
    window.location = row.getAttribute("data-href");
  });

  /* Bulk selection bar. */
  function refreshBulk() {
    var bar = $("[data-bulkbar]"); if (!bar) return;
    var ticked = $all("[data-keylist] tbody input[name=invoice_ids]:checked");
    bar.hidden = ticked.length === 0;
    var count = $("[data-bulk-count]", bar); if (count) count.textContent = ticked.length + " selected";
    $all("[data-keylist] tbody tr").forEach(function (tr) {
      var box = tr.querySelector("input[name=invoice_ids]");
      if (box) tr.setAttribute("aria-selected", box.checked ? "true" : "false");
    });
    var all = $("[data-select-page]");
    if (all) { var boxes = $all("[data-keylist] tbody input[name=invoice_ids]"); all.checked = boxes.length > 0 && ticked.length === boxes.length; }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-page]")) {
      $all("[data-keylist] tbody input[name=invoice_ids]").forEach(function (b) { b.checked = event.target.checked; });
    }
    if (event.target.matches("[data-select-page], [data-keylist] input[name=invoice_ids]")) refreshBulk();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-bulk-clear]")) {
      event.preventDefault();
      $all("[data-keylist] input[type=checkbox]").forEach(function (b) { b.checked = false; });
      refreshBulk();
    }
  });

  /* Warn before leaving a form with unsaved changes. */
  var dirty = false;
  document.addEventListener("input", function (event) { if (event.target.closest("form[data-warn-unsaved]")) dirty = true; });
  document.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) { if (dirty) { event.preventDefault(); event.returnValue = ""; } });

  /* Comboboxes (ARIA 1.2 pattern): the input asks the server for options (htmx), arrows move,
     Enter picks, Escape closes. Picking fires `combobox:pick` with the option's data. */
  function options(box) { return $all("[role=option]", box); }
  function setActive(input, box, option) {
    options(box).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) { input.setAttribute("aria-activedescendant", option.id); option.scrollIntoView({ block: "nearest" }); }
    else input.removeAttribute("aria-activedescendant");
  }
  function closeBox(input, box) { box.innerHTML = ""; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
  function pick(input, box, option) {
    input.dispatchEvent(new CustomEvent("combobox:pick", { bubbles: true, detail: option.dataset }));
    closeBox(input, box);
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target.closest && event.target.closest("[role=combobox]");
    if (!input) return;
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var list = options(box);
    var active = box.querySelector("[aria-selected=true]");
    var index = list.indexOf(active);
    if (event.key === "ArrowDown") { event.preventDefault(); setActive(input, box, list[Math.min(list.length - 1, index + 1)]); }
    else if (event.key === "ArrowUp") { event.preventDefault(); setActive(input, box, list[Math.max(0, index - 1)]); }
    else if (event.key === "Enter") { event.preventDefault(); if (active) pick(input, box, active); }
    else if (event.key === "Escape") { closeBox(input, box); }
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[role=listbox] [role=option]");
    if (!option) return;
    var box = option.closest("[role=listbox]");
    var input = $("[aria-controls='" + box.id + "']");
    if (input) pick(input, box, option);
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    if (box && box.getAttribute("role") === "listbox") {
      var input = $("[aria-controls='" + box.id + "']");
      if (input) input.setAttribute("aria-expanded", options(box).length ? "true" : "false");
    }
  });

  /* Draft editor: customer pick, line rows, catalog quick-add. */
  document.addEventListener("combobox:pick", function (event) {
    var input = event.target; var data = event.detail;
    if (input.matches("[data-customer-search]")) {
      var hidden = document.getElementById(input.getAttribute("data-target"));
      if (hidden) hidden.value = data.id;
      input.value = data.label;
      var summary = document.getElementById("customer-summary"); if (summary) summary.textContent = data.summary || "";
      var due = $("input[name=due_date]"); if (due && data.due) due.value = data.due;
      dirty = true; refreshTotals();
    }
    if (input.matches("[data-catalog-search]")) {
      var row = addLine();
      ["description", "unit", "unit_price", "vat_rate", "kind", "catalog_item_id"].forEach(function (name) {
        var field = row.querySelector("[name$='-" + name + "']");
        if (field && data[name.replace(/_/g, "")] !== undefined) field.value = data[name.replace(/_/g, "")];
      });
      var qty = row.querySelector("[name$='-quantity']"); if (qty) { qty.value = "1"; qty.focus(); qty.select(); }
      input.value = ""; dirty = true; refreshTotals();
    }
  });
  function nextIndex(body) {
    var max = -1;
    $all("tr[data-line]", body).forEach(function (tr) { max = Math.max(max, parseInt(tr.getAttribute("data-line"), 10)); });
    return max + 1;
  }
  function addLine() {
    var body = $("[data-lines]"); var tpl = document.getElementById("line-template");
    if (!body || !tpl) return null;
    // Reuse a trailing blank row rather than piling up empty ones.
    var rowsNow = $all("tr[data-line]", body); var last = rowsNow[rowsNow.length - 1];
    if (last && !last.querySelector("[name$='-description']").value) return last;
    var index = nextIndex(body);
    var holder = document.createElement("tbody");
    holder.innerHTML = tpl.innerHTML.replace(/__i__/g, String(index)).replace(/__n__/g, String(index + 1));
    var row = holder.querySelector("tr"); body.appendChild(row);
    if (window.htmx) window.htmx.process(row);
    return row;
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-add-line]")) {
      event.preventDefault(); var row = addLine();
      if (row) row.querySelector("[name$='-description']").focus();
    }
    var remove = event.target.closest("[data-remove-line]");
    if (remove) {
      event.preventDefault(); var tr = remove.closest("tr");
      var body = tr.parentNode; tr.remove(); dirty = true;
      if (!$all("tr[data-line]", body).length) addLine();
      refreshTotals();
    }
  });
  /* Enter in the last row's last field adds a row instead of submitting. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.ctrlKey || event.metaKey) return;
    var tr = event.target.closest && event.target.closest("[data-lines] tr[data-line]");
    if (!tr || event.target.tagName === "BUTTON") return;
    var body = tr.parentNode; var rowsNow = $all("tr[data-line]", body);
    if (rowsNow[rowsNow.length - 1] !== tr) return;
    event.preventDefault(); var row = addLine();
    if (row) row.querySelector("[name$='-description']").focus();
  });
  function refreshTotals() {
    var form = $("form[data-totals-url]"); if (!form || !window.htmx) return;
    window.htmx.trigger(form, "totals-refresh");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var secret = $("[data-select-all]:focus"); if (secret) secret.select();
    focusErrorSummary();
    initShortcutToggle();
    refreshBulk();
  });
})();
