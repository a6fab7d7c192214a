// Scan station, bag mode: create a bag, scan items into it, seal it, print its label and manifest;
// at the destination, scan a sealed bag's items as they come out and record the opening.
// Bags change state on the server, so this mode needs the network (scans of items do not).

import { NetworkError, api, beep, config, group, problemText, t } from "./scan-core.js";

const $ = (id) => document.getElementById(id);
const STATE_WORDS = { filling: "filling", sealed: "sealed", opened: "opened" };

export class BagDesk {
  constructor({ show, fail, refocus }) {
    this.show = show;
    this.fail = fail;
    this.refocus = refocus;
    this.bag = null;
    this.found = new Set();
    $("bag-new").addEventListener("click", () => this.create().finally(refocus));
    $("bag-seal").addEventListener("click", () => this.seal().finally(refocus));
    $("bag-open").addEventListener("click", () => this.open().finally(refocus));
  }

  foundKey() {
    return `hoatoc.bag-found.v1.${config.user}.${this.bag.id}`;
  }

  // The items already checked survive a reload of the page while a bag is being opened.
  loadFound() {
    try {
      this.found = new Set(JSON.parse(localStorage.getItem(this.foundKey()) || "[]"));
    } catch (err) {
      this.found = new Set();
    }
  }

  saveFound() {
    localStorage.setItem(this.foundKey(), JSON.stringify([...this.found]));
  }

  async call(method, url, body) {
    try {
      return await api(method, url, body);
    } catch (err) {
      if (err instanceof NetworkError) {
        this.fail(t("bag_mode_needs_network"));
        return null;
      }
      throw err;
    }
  }

  office() {
    const select = $("office-select");
    return config.admin ? (select && select.value) || null : config.office;
  }

  async handle(code) {
    if (code.kind === "bag") return this.load(code.value);
    if (!this.bag) return this.fail(t("no_bag"));
    if (this.bag.state === "filling") return this.add(code.value);
    if (this.bag.state === "sealed" && !this.atDestination()) return this.fail(this.sealedElsewhere());
    if (this.bag.state === "sealed") return this.check(code.value);
    return this.fail(`${group(this.bag.id)}: ${t("opened")}`);
  }

  // Only the destination office checks a sealed bag's contents and records its opening.
  atDestination() {
    return config.admin || this.office() === this.bag.destination;
  }

  sealedElsewhere() {
    return `${group(this.bag.id)}: ${t("sealed_elsewhere").replace("{office}", this.bag.destination)}`;
  }

  async create() {
    const body = { destination: $("bag-destination").value };
    const office = this.office();
    if (office) body.origin = office;
    const response = await this.call("POST", config.api.bags, body);
    if (response) this.settle(response, 201, t("bag_created"));
  }

  async load(code) {
    const response = await this.call("GET", `${config.api.bags}/${code}`);
    if (response) this.settle(response, 200, t("bag_loaded"));
  }

  async add(tracking) {
    const response = await this.call("POST", `${config.api.bags}/${this.bag.id}/items`, { trackings: [tracking] });
    if (response) this.settle(response, 200, `${t("added_to_bag")}: ${group(tracking)}`);
  }

  async remove(tracking) {
    const response = await this.call("DELETE", `${config.api.bags}/${this.bag.id}/items/${tracking}`);
    if (response) this.settle(response, 200, `${t("removed_from_bag")}: ${group(tracking)}`);
  }

  async seal() {
    if (!this.bag) return this.fail(t("no_bag"));
    const response = await this.call("POST", `${config.api.bags}/${this.bag.id}/seal`);
    if (response) this.settle(response, 200, t("sealed"));
  }

  check(tracking) {
    const listed = this.bag.items.some((item) => item.tracking === tracking);
    this.found.add(tracking);
    this.saveFound();
    this.render();
    if (listed) {
      this.show("ok", `✓ ${group(tracking)} — ${t("found_in_bag")}`);
      beep.ok();
    } else {
      this.show("warn", `⚠ ${group(tracking)} — ${t("not_on_list")}`);
      beep.error();
    }
  }

  async open() {
    if (!this.bag) return this.fail(t("no_bag"));
    const body = { found: [...this.found] };
    const office = this.office();
    if (office) body.office = office;
    const response = await this.call("POST", `${config.api.bags}/${this.bag.id}/open`, body);
    if (!response) return;
    if (response.status !== 200) return this.fail(problemText(response.data));
    localStorage.removeItem(this.foundKey());
    const { missing, unexpected } = response.data;
    await this.load(this.bag.id);
    const tone = missing.length ? "bad" : unexpected.length ? "warn" : "ok";
    this.show(tone, `${t("opened")}: ${t("missing")} ${missing.length} · ${t("unexpected")} ${unexpected.length}`);
    if (missing.length) beep.error();
  }

  settle(response, expected, message) {
    if (response.status !== expected) {
      this.fail(problemText(response.data));
      return;
    }
    const changedBag = !this.bag || this.bag.id !== response.data.id;
    this.bag = response.data;
    if (changedBag) this.loadFound();
    this.render();
    this.show("ok", `✓ ${message} · ${group(this.bag.id)}`);
    beep.ok();
  }

  render() {
    const bag = this.bag;
    $("bag-current").hidden = !bag;
    if (!bag) return;
    $("bag-code").textContent = group(bag.id);
    $("bag-route").textContent = `${bag.origin} → ${bag.destination}`;
    $("bag-state").textContent = t(STATE_WORDS[bag.state] || bag.state);
    const checking = bag.state === "sealed" && this.atDestination();
    const count = checking ? `${this.found.size}/${bag.items.length} ${t("found")}` : `${bag.items.length} ${t("items")}`;
    $("bag-count").textContent = count;
    $("bag-seal").hidden = bag.state !== "filling";
    $("bag-open").hidden = !checking;
    const base = `${config.api.bags}/${bag.id}`;
    this.link("bag-label-pdf", `${base}/label?format=pdf`, bag.state !== "filling");
    this.link("bag-label-zpl", `${base}/label?format=zpl`, bag.state !== "filling");
    this.link("bag-manifest", `${base}/manifest`, bag.state !== "filling");
    this.link("bag-verification", `${base}/verification`, bag.state === "opened");
    this.renderItems();
    const extra = bag.state === "opened" ? bag.unexpected : [...this.found].filter((x) => !bag.items.some((i) => i.tracking === x));
    $("bag-unexpected").textContent = extra.length ? `${t("unexpected")}: ${extra.map(group).join(", ")}` : "";
  }

  link(id, href, visible) {
    const a = $(id);
    a.hidden = !visible;
    a.href = href;
  }

  renderItems() {
    const body = $("bag-items");
    body.replaceChildren();
    this.bag.items.forEach((item, index) => {
      const tr = document.createElement("tr");
      const state = this.itemState(item);
      for (const text of [String(index + 1), group(item.tracking), item.recipient, state.text]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      tr.cells[1].classList.add("tracking");
      tr.dataset.tone = state.tone;
      const td = document.createElement("td");
      if (this.bag.state === "filling") {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary small-button";
        button.textContent = t("remove");
        button.addEventListener("click", () => this.remove(item.tracking).finally(this.refocus));
        td.appendChild(button);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  itemState(item) {
    if (this.bag.state === "opened") {
      return item.found ? { text: t("found_in_bag"), tone: "ok" } : { text: t("missing"), tone: "bad" };
    }
    if (this.bag.state === "sealed") {
      return this.found.has(item.tracking) ? { text: t("found_in_bag"), tone: "ok" } : { text: "…", tone: "idle" };
    }
    return { text: (config.statuses && config.statuses[item.status]) || item.status, tone: "idle" };
  }
}
