/* Field pages: live timer, parts combobox pick, report autosave with a local copy, photo
   upload on pick, signature pad with a local copy until sent, client-generated ids and the
   queue's one-customer check.
   Everything binds here (CSP script-src 'self'); pages work without it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16); window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* Client ids: filled once per page view, so a retried submit of the same form repeats the
     id and the server returns the stored entry instead of adding another. */
  function fillClientIds() { $all("[data-client-id]").forEach(function (i) { if (!i.value) i.value = uuid(); }); }

  /* Timer: the server's start instant and its "now" give the offset from the tablet's clock;
     elapsed time is derived, never counted, so it survives reload and sleep. */
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tickTimers() {
    $all("[data-timer]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-started"));
      var serverNow = Date.parse(el.getAttribute("data-now"));
      if (isNaN(started) || isNaN(serverNow)) return;
      if (!el._offset) el._offset = serverNow - Date.now() || 1;
      var seconds = Math.max(0, Math.floor((Date.now() + el._offset - started) / 1000));
      var text = Math.floor(seconds / 3600) + ":" + pad(Math.floor(seconds / 60) % 60);
      var out = el.querySelector("[data-elapsed]");
      if (out && out.textContent !== text) out.textContent = text;
    });
  }

  /* Parts: picking an option adds one of it at once. */
  document.addEventListener("combobox:pick", function (event) {
    var input = event.target;
    if (!input.matches("[data-part-search]")) return;
    var form = input.closest("[data-part-form]");
    form.querySelector("[data-part-id]").value = event.detail.id;
    input.value = "";
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
  /* Enter in the part search without an active option must not post an empty part. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-part-form]") && !form.querySelector("[data-part-id]").value) event.preventDefault();
  }, true);

  /* Report: keep a local copy until the server confirms; restore it after a lost connection. */
  function reportKey(form) { return "fieldpost.report." + form.getAttribute("data-order"); }
  function initReport() {
    $all("form[data-autosave]").forEach(function (form) {
      var area = form.querySelector("textarea");
      var saved = window.localStorage.getItem(reportKey(form));
      if (saved !== null && saved !== area.value && !area.readOnly) {
        area.value = saved;
        var status = form.querySelector("#report-status");
        if (status) status.textContent = "Restored unsaved text from this tablet; saving…";
        if (window.htmx) window.htmx.trigger(area, "input");
      }
      area.addEventListener("input", function () { window.localStorage.setItem(reportKey(form), area.value); });
    });
  }
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-autosave]");
    if (!form) return;
    var status = form.querySelector("#report-status");
    if (event.detail.successful) window.localStorage.removeItem(reportKey(form));
    else if (status && !event.detail.xhr.status) status.textContent = "Offline: kept on this tablet, will retry.";
  });
  window.addEventListener("online", function () {
    $all("form[data-autosave] textarea").forEach(function (a) { if (window.htmx) window.htmx.trigger(a, "input"); });
  });

  /* Photos: picking files uploads them straight away. */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches("[data-auto-submit]") || !input.files.length) return;
    var form = input.closest("form");
    var label = form.querySelector(".file-btn");
    if (label) label.textContent = "Uploading " + input.files.length + "…";
    form.submit();
  });

  /* Signature pad: pointer events (finger, pen, mouse), Clear, PNG into the form on submit. */
  function initPad(canvas) {
    var ctx = canvas.getContext("2d");
    var drawing = false; var inked = false; var last = null;
    function size() {
      var ratio = window.devicePixelRatio || 1; var rect = canvas.getBoundingClientRect();
      if (!rect.width) return;
      canvas.width = Math.round(rect.width * ratio); canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#10243e";
      inked = false;
    }
    function point(e) { var r = canvas.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; }
    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault(); drawing = true; last = point(e);
      if (canvas.setPointerCapture) canvas.setPointerCapture(e.pointerId);
      ctx.beginPath(); ctx.arc(last.x, last.y, 1.2, 0, 2 * Math.PI); ctx.fill(); inked = true;
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      e.preventDefault(); var p = point(e);
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p; inked = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (type) {
      canvas.addEventListener(type, function () { drawing = false; });
    });
    var form = canvas.closest("form");
    var hint = form.querySelector(".pad-hint");
    canvas.addEventListener("pointerdown", function () { if (hint) hint.hidden = true; });
    form.querySelector("[data-signature-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); inked = false; if (hint) hint.hidden = false;
    });
    /* The typed-name alternative: the signer's name written into the pad. */
    var typed = form.querySelector("[data-signature-type]");
    if (typed) {
      typed.hidden = false;
      typed.addEventListener("click", function () {
        var name = (form.querySelector("[name=signer_name]").value || "").trim();
        if (!name) { form.querySelector("[name=signer_name]").focus(); return; }
        var rect = canvas.getBoundingClientRect();
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.font = "italic 40px Georgia, 'Times New Roman', serif";
        ctx.fillStyle = "#10243e";
        ctx.fillText(name, 24, rect.height / 2 + 14, rect.width - 48);
        inked = true; if (hint) hint.hidden = true;
      });
    }
    form.addEventListener("submit", function (event) {
      var png = inked ? canvas.toDataURL("image/png") : "";
      form.querySelector("[data-signature-value]").value = png;
      form.querySelector("[data-signed-at]").value = new Date().toISOString();
      if (!png) return; // the server says what is missing
      keepSignature(form);
      if (!navigator.onLine) {
        event.preventDefault();
        form.querySelector("[data-signature-status]").textContent =
          "Offline: the signature is kept on this tablet and sent when the connection is back.";
      }
    });
    size();
  }

  /* Signatures: kept on the tablet from the moment Sign is pressed until the server has
     them, so a basement without signal loses nothing. They are sent again when the
     connection is back or on the next page; the client id makes a resend change nothing,
     and the server marks the signature outdated if the work changed since it was given. */
  var SIGNATURE_KEY = "fieldpost.signature.";
  function keepSignature(form) {
    var fields = {};
    ["signature", "signer_name", "client_id", "signed_at", "work_seen"].forEach(function (name) {
      fields[name] = form.querySelector("[name=" + name + "]").value;
    });
    var entry = { action: form.action, reference: form.getAttribute("data-reference"), fields: fields };
    try { window.localStorage.setItem(SIGNATURE_KEY + form.getAttribute("data-order"), JSON.stringify(entry)); }
    catch (error) { /* storage full or off: the form still posts as usual */ }
  }
  function keptSignatures() {
    var keys = [];
    for (var i = 0; i < window.localStorage.length; i++) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf(SIGNATURE_KEY) === 0) keys.push(key);
    }
    return keys;
  }
  function say(text, kind) {
    var main = document.getElementById("main"); if (!main) return;
    var box = document.createElement("div");
    box.className = "flash flash-" + kind; box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.textContent = text;
    main.insertBefore(box, main.firstChild);
  }
  function sendKeptSignatures() {
    var token = document.querySelector("input[name=csrf_token]");
    if (!navigator.onLine || !token || !window.fetch) return;
    var shown = document.querySelector("[data-signature-client]");
    keptSignatures().forEach(function (key) {
      var entry;
      try { entry = JSON.parse(window.localStorage.getItem(key)); } catch (error) { entry = null; }
      if (!entry || !entry.fields) { window.localStorage.removeItem(key); return; }
      if (shown && shown.getAttribute("data-signature-client") === entry.fields.client_id) {
        window.localStorage.removeItem(key); return; // this page shows it stored
      }
      var body = new FormData();
      Object.keys(entry.fields).forEach(function (name) { body.append(name, entry.fields[name]); });
      body.append("csrf_token", token.value); // the kept page's token may have expired
      var orderPage = new URL(entry.action).pathname.replace(/\/sign$/, "");
      fetch(entry.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
        var landed = new URL(response.url).pathname;
        if (response.ok && landed !== orderPage) { // signed out meanwhile: keep it
          say("Sign in again to send the signature kept on this tablet for " + entry.reference + ".", "warning");
          return;
        }
        window.localStorage.removeItem(key);
        var here = document.querySelector("[data-signature-form]");
        if (response.ok && here && here.action === entry.action) { window.location.reload(); return; }
        if (response.ok) say("The signature kept on this tablet for " + entry.reference + " was sent.", "success");
        else say("The signature kept on this tablet for " + entry.reference + " was not accepted. " +
                 "Open the order to see why and sign again.", "error");
      }).catch(function () { /* still no connection: kept for the next try */ });
    });
  }
  window.addEventListener("online", sendKeptSignatures);

  /* Requires invoicing: one customer per invoice, said before submitting. */
  function refreshQueue() {
    var form = document.querySelector("[data-queue-form]"); if (!form) return;
    var ticked = $all("input[name=order_ids]:checked", form);
    var customers = {}; ticked.forEach(function (b) { customers[b.getAttribute("data-customer")] = 1; });
    var many = Object.keys(customers).length > 1;
    form.querySelector("[data-queue-count]").textContent = ticked.length ? ticked.length + " selected" : "Tick the orders to bill";
    form.querySelector("[data-queue-hint]").textContent = many ? "One invoice bills one customer: tick orders of a single customer." : "";
  }
  document.addEventListener("change", function (event) { if (event.target.matches("[data-queue-form] input[name=order_ids]")) refreshQueue(); });

  /* Order form: choosing the customer reloads the form with that customer's sites. */
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-reload-on-change]")) return;
    var button = event.target.form.querySelector("[data-reload-button]");
    if (button) button.click();
  });

  /* Offline: a visible banner; typed report text stays on the tablet (see above). */
  function offlineBanner() {
    var banner = document.getElementById("offline-banner");
    if (navigator.onLine) { if (banner) banner.remove(); return; }
    if (banner) return;
    banner = document.createElement("div");
    banner.id = "offline-banner"; banner.className = "offline-banner"; banner.setAttribute("role", "status");
    banner.textContent = "Offline: the report and signatures are kept on this tablet and sent when the connection is back.";
    var header = document.querySelector(".topbar");
    if (header && header.parentNode) header.parentNode.insertBefore(banner, header.nextSibling);
  }
  window.addEventListener("offline", offlineBanner);
  window.addEventListener("online", offlineBanner);

  document.addEventListener("DOMContentLoaded", function () {
    offlineBanner();
    fillClientIds();
    tickTimers(); window.setInterval(tickTimers, 1000);
    initReport();
    $all("[data-signature-pad]").forEach(initPad);
    sendKeptSignatures();
    refreshQueue();
  });
})();
