// Keyboard for the review desk. Small, local, no dependencies; the pages work without it.
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    if (el.tagName === "INPUT") return !/^(radio|checkbox|submit|button)$/.test(el.type);
    return el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("a.claim-link")); }
  function move(step) {
    var links = rows();
    if (!links.length) return;
    var i = links.indexOf(document.activeElement);
    i = i < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, i + step));
    links[i].focus();
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || typing(ev.target)) return;
    var k = ev.key, el;
    if (k === "j") { move(1); }
    else if (k === "k") { move(-1); }
    else if (k === "/") { el = document.getElementById("filter-first"); if (el) el.focus(); else return; }
    else if (k === "t") { el = document.getElementById("take-form"); if (el) el.requestSubmit(); else return; }
    else if (k === "d") { el = document.querySelector("#decide-form input[name=rating]"); if (el) el.focus(); else return; }
    else if (k === "g") { window.location.assign("/queue"); }
    else if (k === "?") { el = document.getElementById("keys"); if (el) el.hidden = !el.hidden; }
    else if (/^[1-9]$/.test(k)) {
      var radios = document.querySelectorAll("#decide-form input[name=rating]");
      el = radios[parseInt(k, 10) - 1];
      if (el) { el.checked = true; el.focus(); } else return;
    }
    else return;
    ev.preventDefault();
  });
})();
