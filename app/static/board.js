// Refresh the live part of the board every minute while the page is visible.
(function () {
  "use strict";
  const live = document.getElementById("board-live");
  if (!live) return;
  const seconds = Number(live.dataset.refresh || 60);
  const stamp = document.getElementById("refreshed");
  async function refresh() {
    if (document.visibilityState !== "visible") return;
    try {
      const response = await fetch(window.location.href, { headers: { "X-Partial": "1" }, credentials: "same-origin" });
      if (!response.ok) return;
      live.innerHTML = await response.text();
      if (stamp) {
        const now = new Date().toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit" });
        stamp.textContent = (stamp.dataset.label || stamp.textContent.split(" · ")[0]) + " · " + now;
      }
    } catch (e) {
      // Offline: keep what is shown; the next tick tries again.
    }
  }
  window.setInterval(refresh, seconds * 1000);
})();
