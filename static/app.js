// Attest: the little script the pages need. Everything works without it but these
// conveniences.
(function () {
  "use strict";
  // A phone that scans the QR code opens /verify#<token>: move the token into the form and
  // check it. The token stays in the fragment, so it never reaches a server log.
  var form = document.getElementById("verify-form");
  if (form && window.location.hash.length > 1) {
    var input = document.getElementById("verify-input");
    input.value = decodeURIComponent(window.location.hash.slice(1));
    history.replaceState(null, "", window.location.pathname);
    form.submit();
  }
  // After a verdict the verdict is what is in view: at a desk (a fine pointer, a scanner
  // that types) the next-scan field gets the focus without scrolling; on a touch screen it
  // gets none, so no keyboard covers the answer.
  var next = document.querySelector("[data-next-scan]");
  if (next && window.matchMedia && window.matchMedia("(pointer: fine)").matches) {
    next.focus({ preventScroll: true });
  }
  // Bulk issuance: move the progress bar until the batch is done, then show the results.
  var bar = document.getElementById("bulk-progress");
  if (bar) {
    var shown = document.querySelector("[data-progress-issued]");
    var poll = function () {
      fetch(bar.getAttribute("data-progress-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          bar.value = p.issued;
          bar.textContent = p.issued + " / " + bar.max;
          if (shown) { shown.textContent = p.issued; }
          if (p.state === "done") { window.location.reload(); } else { setTimeout(poll, 300); }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }
  // Print buttons.
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
