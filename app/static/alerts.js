// The alerts page refreshes its list every 30 seconds while visible, without disturbing someone typing a note.
(function () {
  "use strict";
  const list = document.getElementById("alert-list");
  if (!list) return;
  const seconds = Number(list.dataset.refresh || 30);
  const stamp = document.getElementById("alerts-refreshed");

  function busy() {
    // Someone is in the list (writing a note, on a button or a link): replacing it now would lose the
    // note, or drop keyboard focus to the top of the page. The next tick after focus leaves refreshes.
    const active = document.activeElement;
    if (active && list.contains(active)) return true;
    return Array.from(list.querySelectorAll("textarea")).some(function (t) { return t.value.trim() !== ""; });
  }

  async function refresh() {
    if (document.visibilityState !== "visible" || busy()) return;
    try {
      const response = await fetch(window.location.href, { headers: { "X-Partial": "1" }, credentials: "same-origin" });
      if (!response.ok) return;
      list.innerHTML = await response.text();
      if (stamp) {
        const now = new Date().toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "vi-VN",
          { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit" });
        stamp.textContent = stamp.dataset.label + " · " + now;
      }
    } catch (e) {
      // Offline or the server restarting: keep what is shown; the next tick tries again.
    }
  }
  window.setInterval(refresh, seconds * 1000);
})();
