/* The web edition's page script: a note call opens its note in place, below the line, and closes
   it again (click, or Escape). Without scripts the call is a plain link to the note, and the
   note's number links back. Nothing here is needed to read the book. */
(function () {
  "use strict";

  function noteOf(call) {
    var id = (call.getAttribute("href") || "").slice(1);
    return id ? document.getElementById(id) : null;
  }

  function popOf(call) {
    var next = call.nextElementSibling;
    return next && next.classList.contains("note-pop") ? next : null;
  }

  function close(call) {
    var pop = popOf(call);
    if (pop) pop.parentNode.removeChild(pop);
    call.setAttribute("aria-expanded", "false");
  }

  function open(call, note) {
    var pop = document.createElement("span");
    pop.className = "note-pop";
    pop.setAttribute("role", "note");
    Array.prototype.forEach.call(note.children, function (block) {
      var part = document.createElement("span");
      part.className = "note-p";
      part.innerHTML = block.innerHTML;
      pop.appendChild(part);
    });
    Array.prototype.forEach.call(pop.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
    var number = pop.querySelector(".note-number");
    if (number) {
      number.removeAttribute("href");
      number.removeAttribute("role");
      number.setAttribute("aria-hidden", "true");
    }
    call.parentNode.insertBefore(pop, call.nextSibling);
    call.setAttribute("aria-expanded", "true");
  }

  Array.prototype.forEach.call(document.querySelectorAll("a.noteref"), function (call) {
    if (noteOf(call)) call.setAttribute("aria-expanded", "false");
  });

  document.addEventListener("click", function (event) {
    var call = event.target.closest ? event.target.closest("a.noteref") : null;
    var note = call && noteOf(call);
    if (!note) return;
    event.preventDefault();
    if (popOf(call)) close(call); else open(call, note);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    Array.prototype.forEach.call(document.querySelectorAll('a.noteref[aria-expanded="true"]'), close);
  });

  /* Parallel text: a switch shows the translation, the original or both (side by side on a wide
     screen), and remembers the choice for every page of the book (localStorage; from disk too). */
  var KEY = "anthology-parallel";
  function remembered() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function show(choice) {
    Array.prototype.forEach.call(document.querySelectorAll(".parallel"), function (text) {
      if (choice === "both") text.removeAttribute("data-show"); else text.setAttribute("data-show", choice);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".parallel-switch button"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-show") === choice));
    });
  }
  var switches = document.querySelectorAll(".parallel-switch");
  if (switches.length) {
    Array.prototype.forEach.call(switches, function (group) {
      group.hidden = false;
      group.addEventListener("click", function (event) {
        var button = event.target.closest ? event.target.closest("button[data-show]") : null;
        if (!button) return;
        var choice = button.getAttribute("data-show");
        try { window.localStorage.setItem(KEY, choice); } catch (e) { /* not kept: still shown */ }
        show(choice);
      });
    });
    var start = remembered();
    show(start === "translation" || start === "original" ? start : "both");
  }
})();
