// While the dashboard shows older figures (#stale-note), ask the status URL every few seconds,
// for two minutes at most, whether the up-to-date figures are ready; when they are, say so and
// reload the view. After the reload, say that the figures were updated. Without JavaScript the
// note's reload link does the same job.
(function () {
  var EVERY_MS = 4000;
  var GIVE_UP_AFTER_MS = 120000;
  var PAUSE_BEFORE_RELOAD_MS = 1500; // long enough for a screen reader to start the message
  var UPDATED = "hl-dashboard-updated";

  var updated = document.getElementById("dashboard-updated");
  if (updated && window.sessionStorage && sessionStorage.getItem(UPDATED)) {
    sessionStorage.removeItem(UPDATED);
    // Written after a moment: a live region announces changes, not what the page loaded with.
    setTimeout(function () { updated.textContent = "The figures have been updated."; }, 500);
  }

  var note = document.getElementById("stale-note");
  var progress = document.getElementById("stale-note-progress");
  if (!note || !progress || !window.fetch) return;
  var url = note.getAttribute("data-hl-status");
  var started = Date.now();

  function ready() {
    progress.textContent = "The up-to-date figures are ready. Showing them now.";
    if (window.sessionStorage) sessionStorage.setItem(UPDATED, "1");
    setTimeout(function () { window.location.reload(); }, PAUSE_BEFORE_RELOAD_MS);
  }

  function giveUp() {
    progress.textContent = "The up-to-date figures are taking longer than usual. Reload this view in a few minutes.";
  }

  function ask() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        // A signed-out session is sent to the sign-in page: stop asking, the link still works.
        if (!response.ok || response.redirected) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (answer) {
        if (answer.fresh) return ready();
        if (Date.now() - started >= GIVE_UP_AFTER_MS) return giveUp();
        setTimeout(ask, EVERY_MS);
      })
      .catch(function () { /* leave the note and its reload link as they are */ });
  }

  setTimeout(ask, EVERY_MS);
})();
