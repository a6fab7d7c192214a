// Refresh the live part of the board every minute while the page is visible.
(function () {
  "use strict";
  const live = document.getElementById("board-live");
  if (!live) return;
  const seconds = Number(live.dataset.refresh || 60);
  const stamp = document.getElementById("refreshed");

  // The element in the new content that stands where the focused one stood: same id, else the same
  // link (tag and href) at the same place among its kind. Replacing the part without this would drop a
  // keyboard user's focus to the top of the page every minute.
  function counterpart(focused, fresh) {
    if (focused.id) return fresh.querySelector("#" + CSS.escape(focused.id));
    const like = function (root) {
      return Array.from(root.querySelectorAll(focused.tagName)).filter(function (e) {
        return e.getAttribute("href") === focused.getAttribute("href") && e.getAttribute("name") === focused.getAttribute("name");
      });
    };
    return like(fresh)[like(live).indexOf(focused)] || null;
  }

  function replace(html) {
    const fresh = document.createElement("div");
    fresh.innerHTML = html;
    const focused = live.contains(document.activeElement) ? document.activeElement : null;
    const next = focused ? counterpart(focused, fresh) : null;
    if (focused && !next) return false; // what has focus is gone: keep what is shown until focus moves on
    live.replaceChildren(...fresh.childNodes);
    if (next) next.focus({ preventScroll: true });
    return true;
  }

  async function refresh() {
    if (document.visibilityState !== "visible") return;
    try {
      const response = await fetch(window.location.href, { headers: { "X-Partial": "1" }, credentials: "same-origin" });
      if (!response.ok || !replace(await response.text())) return;
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
