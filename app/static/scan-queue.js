// Scan station: the outbox. Every scan is stored on the device first (localStorage, with its UUID), then
// sent; it leaves the outbox only when the server has answered for it (recorded, duplicate or rejected).
// A scan sent twice (answer lost, two tabs) is harmless: the server recognises its id.
// Each queued scan remembers who made it (user and office): another clerk may sign in on the same PC while
// the network is down, and the server would refuse that clerk's colleague's scans, or record them as theirs.
// So before each send the outbox asks who is signed in now, and sends only the scans made by that user; the
// others stay on the device until their clerk signs in again. Nothing leaves the outbox unanswered.

import { NetworkError, api, problemText, t } from "./scan-core.js";

const LOCK = "hoatoc-scan-outbox";

export class Outbox {
  constructor({ key, url, whoAmI, owner, maxScans, onResults, onState }) {
    this.key = key;
    this.url = url;
    this.whoAmI = whoAmI; // the API that says who the session belongs to now
    this.owner = owner; // { user, office } of this page: who makes the scans added here
    this.maxScans = maxScans;
    this.onResults = onResults;
    this.onState = onState;
    this.flushing = false;
    this.again = false;
    this.online = navigator.onLine !== false;
    this.blocked = null; // a reason the server refuses every scan until the page is reloaded
    this.held = null; // { count, owner, current }: scans kept because someone else is signed in now
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
    return { online: this.online, waiting: this.read().length, blocked: this.blocked, held: this.held };
  }

  add(scan) {
    // Read again before writing: another tab of the station may have changed the outbox.
    const items = this.read();
    items.push({ scan, by: this.owner });
    this.write(items);
  }

  // The queue of an older page held bare scans, all made by the user the outbox is named after.
  entries() {
    return this.read().map((item) => (item && item.scan ? item : { scan: item, by: this.owner }));
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

  // A request to the server; null when the network is down.
  async call(method, url, body) {
    try {
      const response = await api(method, url, body);
      this.setOnline(true);
      return response;
    } catch (err) {
      if (err instanceof NetworkError) {
        this.setOnline(false);
        return null;
      }
      throw err;
    }
  }

  refuseAll(response) {
    this.blocked = response.status === 401 ? t("session_expired") : t("not_allowed");
    this.onState(this.state());
    return false;
  }

  // Who may send now: only the scans made by the user signed in at this moment are sent.
  sendable(entries, current) {
    const mine = entries.filter((entry) => entry.by.user === current);
    const others = entries.filter((entry) => entry.by.user !== current);
    this.held = others.length ? { count: others.length, owner: others[0].by.user, current } : null;
    this.onState(this.state());
    return mine.slice(0, this.maxScans).map((entry) => entry.scan);
  }

  // Returns true when there is more to send right away.
  async sendOnce() {
    const entries = this.entries();
    if (!entries.length || this.blocked) return false;
    const me = await this.call("GET", this.whoAmI);
    if (!me) return false;
    if (me.status === 401 || me.status === 403) return this.refuseAll(me);
    if (me.status !== 200 || !me.data || !me.data.username) {
      this.onState({ ...this.state(), error: t("server_error") });
      return false;
    }
    const batch = this.sendable(entries, me.data.username);
    if (!batch.length) return false; // kept for their clerk; the periodic retry looks again
    const response = await this.call("POST", this.url, { scans: batch });
    if (!response) return false;
    if (response.status === 200 && response.data && Array.isArray(response.data.results)) {
      this.settle(batch, response.data.results);
      return this.entries().some((entry) => entry.by.user === me.data.username);
    }
    if (response.status === 401 || response.status === 403) return this.refuseAll(response);
    if ([400, 413, 422].includes(response.status)) {
      // The request itself is refused: sending it again cannot help, so report every scan in it.
      const reason = problemText(response.data) || t("rejected");
      this.settle(batch, batch.map((s) => ({ id: s.id, result: "rejected", errors: { _: [reason] } })));
      return this.entries().some((entry) => entry.by.user === me.data.username);
    }
    this.onState({ ...this.state(), error: t("server_error") });
    return false; // 5xx, 429: keep everything, the periodic retry sends it again
  }

  settle(batch, results) {
    const done = new Set(batch.map((s) => s.id));
    this.write(this.entries().filter((entry) => !done.has(entry.scan.id)));
    this.onResults(batch, results);
  }
}
