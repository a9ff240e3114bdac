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

// A manager's page keeps the overdue-visit alert up to date while it stays open: every
// data-hl-every seconds (while the tab is in view) it asks data-hl-alert for the alert as the
// server draws it, and puts that in place of the one it has. When the visits it is about change,
// the live line after it says so; the minutes going by are not announced. The Visits page, which
// lists the visits itself, opens itself again instead when they change or one starts or ends.
(function () {
  var region = document.getElementById("hl-overdue-alert");
  var news = document.getElementById("hl-overdue-news");
  if (!region || !news || !window.fetch || !window.DOMParser) return;
  var url = region.getAttribute("data-hl-alert");
  var every = Math.max(1, parseInt(region.getAttribute("data-hl-every"), 10) || 60) * 1000;

  var listed = region.getAttribute("data-hl-listed"); // the Visits page: the overdue visits it lists
  var open = region.getAttribute("data-hl-open"); // and every visit under way
  var CHANGED = "hl-overdue-changed";

  function sameVisits(ids) {
    return ids.split(",").filter(Boolean).sort().join(",");
  }

  function visitsIn(element) {
    var banner = element.querySelector("[data-hl-visits]");
    return banner ? sameVisits(banner.getAttribute("data-hl-visits")) : "";
  }

  function openIn(element) {
    var board = element.querySelector("[data-hl-open]");
    return board ? sameVisits(board.getAttribute("data-hl-open")) : null;
  }

  // Said after the Visits page opened itself again (a live line announces changes, not what a page
  // loaded with, so a moment after).
  if (listed !== null && window.sessionStorage && sessionStorage.getItem(CHANGED)) {
    var said = sessionStorage.getItem(CHANGED);
    sessionStorage.removeItem(CHANGED);
    setTimeout(function () { news.textContent = said; }, 500);
  }

  function show(html) {
    // The server's own markup, every name in it escaped there; parsed, then moved in.
    var drawn = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html").body.firstChild;
    var after = visitsIn(drawn);
    if (listed !== null) {
      var overdueChanged = after !== sameVisits(listed);
      var nowOpen = openIn(drawn);
      var openChanged = open !== null && nowOpen !== null && nowOpen !== sameVisits(open);
      if (!overdueChanged && !openChanged) return;
      var said = !overdueChanged ? "A home visit has started or ended."
        : after ? "The overdue home visits have changed." : "No home visits are overdue now.";
      if (halfMade()) return sayStale(said, after, nowOpen);
      if (window.sessionStorage) sessionStorage.setItem(CHANGED, said);
      return window.location.reload();
    }
    var before = visitsIn(region);
    region.replaceChildren.apply(region, Array.prototype.slice.call(drawn.childNodes));
    if (after === before) return;
    if (!after) {
      news.textContent = "No home visits are overdue now.";
    } else {
      var heading = region.querySelector(".nhsuk-notification-banner__heading");
      var title = region.querySelector(".nhsuk-notification-banner__title");
      news.textContent = (title ? title.textContent + ". " : "") + (heading ? heading.textContent : "");
    }
  }

  // A choice half made in the page's form (an officer picked, "Show visits" not yet pressed) is
  // not thrown away by opening the page again: the page says what changed above its heading, and
  // offers to open it again, once for each change.
  function halfMade() {
    var fields = document.querySelectorAll("main form select, main form input, main form textarea");
    return Array.prototype.some.call(fields, function (field) {
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
      return field.value !== field.defaultValue;
    });
  }

  function sayStale(said, overdueNow, openNow) {
    listed = overdueNow;
    if (openNow !== null) open = openNow;
    var notice = document.createElement("div");
    notice.className = "nhsuk-inset-text hl-stale-notice";
    var line = document.createElement("p");
    var again = document.createElement("a");
    again.href = window.location.href;
    again.textContent = "open this page again";
    line.append(said + " The lists below are from before. Press \u201cShow visits\u201d, or ", again,
                ", to see them as they are now.");
    notice.append(line);
    region.replaceChildren(notice);
    news.textContent = line.textContent;
  }

  function ask() {
    if (document.visibilityState === "hidden") return setTimeout(ask, every);
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" }, redirect: "manual" })
      .then(function (response) {
        // Sent to sign in: the session has ended (signed out elsewhere, or the idle timeout on an
        // unattended screen). Open this page again, which goes to the sign-in page saying why and
        // comes back here after it, so the page's records do not stay on the screen.
        if (response.type === "opaqueredirect") return window.location.reload();
        if (!response.ok) return; // no longer a manager: stop asking, leave the page as it is
        return response.text().then(function (html) {
          show(html);
          setTimeout(ask, every);
        });
      })
      // No answer (the network, a restart): keep what the page shows and ask again later.
      .catch(function () { setTimeout(ask, every); });
  }

  setTimeout(ask, every);
})();
