// Attest: the little script the pages need. Everything works without it but these two
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
  // Print buttons.
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
