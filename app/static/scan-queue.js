// Scan station: the outbox. Every scan is stored on the device first (localStorage, with its UUID), then
// sent; it leaves the outbox only when the server has answered for it (recorded, duplicate or rejected).
// A scan sent twice (answer lost, two tabs) is harmless: the server recognises its id.

import { NetworkError, api, problemText, t } from "./scan-core.js";

const LOCK = "hoatoc-scan-outbox";

export class Outbox {
  constructor({ key, url, maxScans, onResults, onState }) {
    this.key = key;
    this.url = url;
    this.maxScans = maxScans;
    this.onResults = onResults;
    this.onState = onState;
    this.flushing = false;
    this.again = false;
    this.online = navigator.onLine !== false;
    this.blocked = null; // a reason the server refuses every scan until the page is reloaded
  }

  read() {
    try {
      const items = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (err) {
      return [];
    }
  }

  write(items) {
    localStorage.setItem(this.key, JSON.stringify(items));
    this.onState(this.state());
  }

  get size() {
    return this.read().length;
  }

  state() {
    return { online: this.online, waiting: this.read().length, blocked: this.blocked };
  }

  add(scan) {
    // Read again before writing: another tab of the station may have changed the outbox.
    const items = this.read();
    items.push(scan);
    this.write(items);
  }

  setOnline(online) {
    if (this.online !== online) {
      this.online = online;
      this.onState(this.state());
    }
  }

  // Send until the outbox is empty or the network fails; one sender at a time (per tab and across tabs).
  async flush() {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.again = false;
        const more = await this.exclusive(() => this.sendOnce());
        if (more) this.again = true;
      } while (this.again);
    } finally {
      this.flushing = false;
    }
  }

  exclusive(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request(LOCK, work);
    }
    return work();
  }

  // Returns true when there is more to send right away.
  async sendOnce() {
    const batch = this.read().slice(0, this.maxScans);
    if (!batch.length || this.blocked) return false;
    let response;
    try {
      response = await api("POST", this.url, { scans: batch });
    } catch (err) {
      if (err instanceof NetworkError) {
        this.setOnline(false);
        return false;
      }
      throw err;
    }
    this.setOnline(true);
    if (response.status === 200 && response.data && Array.isArray(response.data.results)) {
      this.settle(batch, response.data.results);
      return this.size > 0;
    }
    if (response.status === 401 || response.status === 403) {
      this.blocked = response.status === 401 ? t("session_expired") : t("not_allowed");
      this.onState(this.state());
      return false;
    }
    if ([400, 413, 422].includes(response.status)) {
      // The request itself is refused: sending it again cannot help, so report every scan in it.
      const reason = problemText(response.data) || t("rejected");
      this.settle(batch, batch.map((s) => ({ id: s.id, result: "rejected", errors: { _: [reason] } })));
      return this.size > 0;
    }
    this.onState({ ...this.state(), error: t("server_error") });
    return false; // 5xx, 429: keep everything, the periodic retry sends it again
  }

  settle(batch, results) {
    const done = new Set(batch.map((s) => s.id));
    this.write(this.read().filter((s) => !done.has(s.id)));
    this.onResults(batch, results);
  }
}
