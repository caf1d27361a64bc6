/* Schedule: drag a visit to another technician's lane or another time.
 *
 * Pointer events, so mouse, pen and touch behave alike. On touch only the grip (⠿) starts a
 * drag, so a finger elsewhere still scrolls the page. A drop fills the page's hidden move form
 * and submits it; the server moves the visit (same length, the new technician in place of
 * the lane it left) and answers with the schedule again, saying what happened. Escape or a
 * drop outside a lane cancels. Without JavaScript nothing here runs and every card keeps its
 * Assign… link.
 */
(function () {
  "use strict";

  var grid = document.querySelector("[data-schedule]");
  var form = document.getElementById("move-form");
  if (!grid || !form) return;

  var status = document.getElementById("sched-status");
  var span = grid.dataset.span;
  var snap = Number(grid.dataset.snap) || 15;
  var newVisitStart = grid.dataset.newVisitStart || "08:00";
  var THRESHOLD = 6; // pixels a pointer travels before a press becomes a drag
  var EDGE = 48; // pixels from the window's edge where a drag scrolls the page
  var drag = null;
  var swallowClick = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(minute) { return pad(Math.floor(minute / 60)) + ":" + pad(minute % 60); }
  function say(text) { if (status) status.textContent = text; }

  function dropTargetAt(x, y) {
    var found = document.elementFromPoint(x, y);
    return found ? found.closest("[data-drop]") : null;
  }

  /* Wall-clock arithmetic on "YYYY-MM-DDTHH:MM" strings: read and written as UTC, so no
     time zone or clock change of the tablet shifts them. */
  function wall(text) { return new Date(text + ":00Z"); }
  function wallText(date) { return date.toISOString().slice(0, 16); }
  function addMinutes(text, minutes) { return wallText(new Date(wall(text).getTime() + minutes * 60000)); }
  function dayDiff(from, to) { return Math.round((wall(to + "T00:00") - wall(from + "T00:00")) / 86400000); }
  function human(text) {
    var day = wall(text).toLocaleDateString(grid.dataset.locale || undefined,
      { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
    return day + " " + text.slice(11, 16);
  }

  /* Where the visit would start on `target`. A scheduled visit moves by as much as the card
     moved (a visit shown on its second day keeps its first); a new order starts where it is
     dropped in a day view, at the usual hour on the day it lands on in a week view. */
  function startOn(target, x) {
    var card = drag.card;
    var day = target.dataset.day;
    if (span !== "day") {
      if (!card.dataset.start) return day + "T" + newVisitStart;
      return addMinutes(card.dataset.start, dayDiff(card.dataset.day, day) * 1440);
    }
    var box = target.getBoundingClientRect();
    var first = Number(target.dataset.firstMinute);
    var last = Number(target.dataset.lastMinute);
    var minute = first + ((x - drag.grabX - box.left) / box.width) * (last - first);
    minute = Math.min(Math.max(Math.round(minute / snap) * snap, first), last - snap);
    if (!card.dataset.start) return day + "T" + clock(minute);
    return addMinutes(card.dataset.start, minute - Number(card.dataset.fromMinute));
  }

  function begin() {
    var card = drag.card;
    var box = card.getBoundingClientRect();
    var ghost = card.cloneNode(true);
    ghost.removeAttribute("style");
    ghost.classList.add("sched-ghost");
    ghost.setAttribute("aria-hidden", "true");
    ghost.style.width = Math.max(box.width, 160) + "px";
    var where = document.createElement("span");
    where.className = "sched-ghost-where";
    ghost.appendChild(where);
    document.body.appendChild(ghost);
    drag.ghost = ghost;
    drag.where = where;
    drag.moved = true;
    drag.scroller = grid.querySelector(".sched-day, .table-wrap");
    card.classList.add("is-dragging");
    document.body.classList.add("sched-dragging");
    window.requestAnimationFrame(autoScroll);
  }

  function follow(x, y) {
    drag.ghost.style.transform =
      "translate(" + (x - drag.grabX) + "px, " + (y - drag.grabY) + "px)";
    var target = dropTargetAt(x, y);
    if (drag.target && drag.target !== target) drag.target.classList.remove("is-drop-target");
    drag.target = target;
    if (target) {
      target.classList.add("is-drop-target");
      drag.start = startOn(target, x);
      drag.where.textContent = target.dataset.technicianName + " · " + human(drag.start);
    } else {
      drag.where.textContent = "Drop on a technician's lane";
    }
    drag.x = x;
    drag.y = y;
  }

  /* While the pointer rests near an edge the page (or the grid, sideways) keeps scrolling,
     and what lies under the pointer is worked out again. */
  function autoScroll() {
    if (!drag || !drag.moved) return;
    var dy = drag.y < EDGE ? -14 : drag.y > window.innerHeight - EDGE ? 14 : 0;
    var scroller = drag.scroller;
    var dx = 0;
    if (scroller) {
      var box = scroller.getBoundingClientRect();
      dx = drag.x < box.left + EDGE ? -14 : drag.x > box.right - EDGE ? 14 : 0;
    }
    if (dy) window.scrollBy(0, dy);
    if (dx) scroller.scrollLeft += dx;
    if (dx || dy) follow(drag.x, drag.y);
    window.requestAnimationFrame(autoScroll);
  }

  function finish() {
    if (!drag) return;
    if (drag.ghost) drag.ghost.remove();
    if (drag.target) drag.target.classList.remove("is-drop-target");
    drag.card.classList.remove("is-dragging");
    document.body.classList.remove("sched-dragging");
    drag = null;
  }

  function cancel(message) {
    if (drag && drag.moved) say(message);
    finish();
  }

  function drop() {
    var card = drag.card;
    var target = drag.target;
    var technician = target.dataset.technician;
    if (technician === card.dataset.fromTechnician && drag.start === card.dataset.start) {
      cancel(card.dataset.reference + " stays where it was.");
      return;
    }
    form.action = card.dataset.moveUrl;
    form.elements.start.value = drag.start;
    form.elements.technician_id.value = technician;
    form.elements.from_technician_id.value = card.dataset.fromTechnician || "";
    say("Moving " + card.dataset.reference + " to " + target.dataset.technicianName + "…");
    card.classList.add("is-moving");
    finish();
    form.submit();
  }

  grid.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || drag) return;
    var card = event.target.closest(".sched-visit[data-move-url]");
    if (!card || event.target.closest(".sched-assign")) return;
    var onGrip = event.target.closest(".sched-grip");
    if (event.pointerType !== "mouse" && !onGrip) return; // a finger elsewhere scrolls
    var box = card.getBoundingClientRect();
    var inTray = !!card.closest(".sched-tray");
    drag = {
      card: card,
      pointerId: event.pointerId,
      x0: event.clientX,
      y0: event.clientY,
      // A tray card is not drawn to scale: the pointer marks the start, not its left edge.
      grabX: inTray || span !== "day" ? 12 : event.clientX - box.left,
      grabY: event.clientY - box.top,
      moved: false,
      target: null,
    };
    if (onGrip) event.preventDefault();
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (!drag.moved) {
      if (Math.hypot(event.clientX - drag.x0, event.clientY - drag.y0) < THRESHOLD) return;
      begin();
    }
    event.preventDefault();
    follow(event.clientX, event.clientY);
  });

  document.addEventListener("pointerup", function (event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (!drag.moved) { drag = null; return; }
    swallowClick = true; // the release must not also open the card's link
    setTimeout(function () { swallowClick = false; }, 0);
    follow(event.clientX, event.clientY); // the page may have scrolled under a still pointer
    if (drag.target) drop();
    else cancel("Not moved: drop a visit on a technician's lane.");
  });

  document.addEventListener("pointercancel", function () { cancel("Move cancelled."); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drag && drag.moved) cancel("Move cancelled.");
  });
  grid.addEventListener("click", function (event) {
    if (swallowClick) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  // Links and text would start the browser's own drag, which ends pointer events.
  grid.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".sched-visit")) event.preventDefault();
  });
})();
