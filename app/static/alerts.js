// The alerts page refreshes its list every 30 seconds while visible, without disturbing someone typing a note.
(function () {
  "use strict";
  const list = document.getElementById("alert-list");
  if (!list) return;
  const seconds = Number(list.dataset.refresh || 30);
  const stamp = document.getElementById("alerts-refreshed");

  function busy() {
    // Someone is writing an acknowledgement note: replacing the list now would lose it.
    const active = document.activeElement;
    if (active && list.contains(active) && active.tagName !== "A") return true;
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
