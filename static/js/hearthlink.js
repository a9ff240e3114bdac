// Starts the NHS.UK frontend components on every page, and wires the few behaviours of our own
// that would otherwise need inline script (which the Content-Security-Policy forbids).
// The import is relative to this file, so it works however the app is mounted:
// /static/js/hearthlink.js → /assets/nhsuk-frontend.min.js.
import { initAll } from "../../assets/nhsuk-frontend.min.js";

initAll();

// A button with data-hl-print prints the page (the printable dashboard report).
document.querySelectorAll("[data-hl-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
