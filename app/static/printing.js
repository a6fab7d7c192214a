// Label station: select all, ask for a reprint reason, and download big batches with a progress bar.
(function () {
  "use strict";
  const form = document.getElementById("print-form");
  if (!form) return;
  const boxes = () => Array.from(form.querySelectorAll('input[name="t"]'));
  const all = document.getElementById("select-all");
  if (all) all.addEventListener("change", () => boxes().forEach((b) => { b.checked = all.checked; }));

  // A scanned number in the search field selects its row if it is shown, instead of reloading.
  const q = document.getElementById("q");
  if (q) q.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const wanted = q.value.replace(/[\s-]/g, "").toUpperCase();
    const row = form.querySelector('tr[data-tracking="' + CSS.escape(wanted) + '"]');
    if (row) {
      event.preventDefault();
      row.querySelector('input[name="t"]').checked = true;
      row.scrollIntoView({ block: "center" });
      row.classList.add("flash-row");
      q.select();
    }
  });

  const box = document.getElementById("print-progress");
  const bar = document.getElementById("print-bar");
  const status = document.getElementById("print-status");
  const lang = document.documentElement.lang;
  const say = (vi, en) => (lang === "en" ? en : vi);

  // A printed label's row says so at once: the next print of it is a reprint and asks for a reason.
  function countPrint(checkbox) {
    const copies = Number(checkbox.dataset.printed || 0) + 1;
    checkbox.dataset.printed = String(copies);
    const cell = checkbox.closest("tr").querySelector("td.printed");
    if (!cell) return;
    const badge = document.createElement("span");
    badge.className = "badge badge-warn";
    badge.textContent = say(copies + " lần", copies + " times");
    cell.replaceChildren(badge);
  }

  // The service's refusal in words: its message and each field's, never the raw field names.
  function refused(problem, code) {
    const fields = problem.errors || {};
    const messages = Object.values(fields).flat().filter((m) => typeof m === "string");
    status.textContent = [problem.detail || problem.title || String(code), ...messages].join(" — ");
    if (fields.reason) {
      const reason = document.getElementById("reason");
      reason.required = true;
      reason.focus();
    }
  }

  form.addEventListener("submit", async (event) => {
    const chosen = boxes().filter((b) => b.checked);
    if (!chosen.length) { event.preventDefault(); alert(say("Chưa chọn bưu gửi nào.", "Nothing selected.")); return; }
    const reprint = chosen.some((b) => Number(b.dataset.printed) > 0);
    const reason = document.getElementById("reason");
    if (reprint && !reason.value.trim()) {
      event.preventDefault();
      reason.required = true;
      reason.reportValidity();
      reason.focus();
      return;
    }
    if (!window.fetch || !window.ReadableStream) return; // plain form post downloads the file
    event.preventDefault();
    const data = new FormData(form);
    data.set("output", event.submitter ? event.submitter.value : "pdf-a6");
    box.hidden = false;
    bar.value = 0;
    status.textContent = say("Đang tạo nhãn…", "Rendering labels…");
    try {
      const response = await fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { Accept: "application/problem+json" },
      });
      if (!response.ok) {
        refused(await response.json().catch(() => ({})), response.status);
        return;
      }
      const total = Number(response.headers.get("Content-Length")) || 0;
      const count = response.headers.get("X-Label-Count");
      const reader = response.body.getReader();
      const chunks = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        if (total) bar.value = Math.round((100 * received) / total);
        status.textContent = say(count + " nhãn · ", count + " labels · ") + Math.round(received / 1024) + " KB";
      }
      const blob = new Blob(chunks, { type: response.headers.get("Content-Type") || "application/octet-stream" });
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      const disposition = response.headers.get("Content-Disposition") || "";
      link.href = url;
      link.download = (disposition.match(/filename="([^"]+)"/) || [null, "labels"])[1];
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      bar.value = 100;
      chosen.forEach(countPrint);
      reason.value = "";  // each reprint gives its own reason
      status.textContent = say("Xong: " + count + " nhãn.", "Done: " + count + " labels.");
    } catch (e) {
      status.textContent = say("Mất kết nối; hãy thử lại.", "Connection lost; try again.");
    }
  });
})();
