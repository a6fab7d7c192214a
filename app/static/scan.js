// Scan station: what a clerk with a barcode scanner (which types like a keyboard, then Enter) needs.
// The cursor always comes back to the scan field; each Enter records at once, with a colour and a beep.

import { beep, classify, config, group, localTime, nowIso, t, uuid } from "./scan-core.js";
import { Outbox } from "./scan-queue.js";
import { BagDesk } from "./scan-bags.js";
import { setupUpload } from "./scan-upload.js";

const DOUBLE_READ_MS = 3000;
const RECENT_ROWS = 20;
const RETRY_MS = 5000;

const $ = (id) => document.getElementById(id);
const input = $("scan-input");
const lastResult = $("last-result");
const officeSelect = $("office-select");
const recentBody = $("recent");
const eventLabels = Object.fromEntries(config.events.map((e) => [e.code, e.label]));

let mode = "scan";
let currentEvent = config.events[0].code;
let lastRead = { key: "", at: 0 };
let latestId = null;

let focusNext = null; // a field the clerk must fill before scanning again (the receiver of an EMI...)
let refocusing = null; // the pending move of the focus, if any

// One pending move of the focus at a time, to where it is wanted when it happens: an event key and a scan
// read at once (a scanner is that fast) each ask for one, and the older must not undo the newer.
function refocus() {
  if (refocusing !== null) return;
  refocusing = window.setTimeout(() => {
    refocusing = null;
    (focusNext || input).focus();
    focusNext = null;
  }, 0);
}

// The clerk going to a detail field (a click, a tap) is where the focus is wanted: a move still pending
// would take it away again, and what the clerk types next would land in the scan field.
function keepClerksChoice() {
  if (refocusing === null) return;
  window.clearTimeout(refocusing);
  refocusing = null;
  focusNext = null;
}

export function show(tone, text) {
  lastResult.dataset.tone = tone;
  lastResult.textContent = text;
}

// --- the last 20 results -------------------------------------------------------------------------------

const rows = new Map();

function recentRow(scan) {
  const tr = document.createElement("tr");
  tr.dataset.id = scan.id;
  for (const text of [localTime(scan.at), group(scan.tracking || scan.bag || ""), scan.event, "", t("queued")]) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.appendChild(td);
  }
  tr.cells[1].classList.add("tracking");
  tr.dataset.tone = "warn";
  recentBody.prepend(tr);
  rows.set(scan.id, tr);
  while (recentBody.rows.length > RECENT_ROWS) {
    const old = recentBody.rows[recentBody.rows.length - 1];
    rows.delete(old.dataset.id);
    old.remove();
  }
  return tr;
}

// The flags the item carries after a scan the server recorded (a second acceptance, a move after delivery...):
// recorded, but not a clean scan, so the clerk must see it and hear it.
function flagsOf(result) {
  return result.result === "rejected" ? [] : result.flags || [];
}

function flagWords(result) {
  return flagsOf(result)
    .map((flag) => (config.flags && config.flags[flag]) || flag)
    .join(", ");
}

function resultText(result) {
  // A bag scan stands for every item in the bag: say how many, so the clerk can compare with the manifest.
  const items = result.bag && result.result !== "rejected" ? ` · ${result.bag_items} ${t("bag_items")}` : "";
  const flagged = flagsOf(result).length ? ` · ${t("flagged")}: ${flagWords(result)}` : "";
  if (result.result === "recorded") return t("recorded") + items + flagged;
  if (result.result === "duplicate") return t("duplicate") + items + flagged;
  const reasons = Object.values(result.errors || {}).flat().join(" ");
  return `${t("rejected")}: ${reasons}`;
}

function toneOf(result) {
  if (result.result === "rejected") return "bad";
  return flagsOf(result).length ? "warn" : "ok";
}

const MARK = { bad: "✗", warn: "⚠", ok: "✓" };

function onResults(batch, results) {
  const tones = new Set();
  batch.forEach((scan, index) => {
    const result = results[index] || { result: "rejected", errors: {} };
    tones.add(toneOf(result));
    const tr = rows.get(scan.id) || recentRow(scan);
    tr.dataset.tone = toneOf(result);
    tr.dataset.result = result.result;
    tr.cells[3].textContent = result.recipient || "";
    tr.cells[4].textContent = resultText(result);
    if (scan.id === latestId) {
      const what = `${group(scan.tracking || scan.bag || "")} · ${scan.event}`;
      show(toneOf(result), `${MARK[toneOf(result)]} ${what} — ${resultText(result)}`);
    }
  });
  if (tones.has("bad")) beep.error();
  else if (tones.has("warn")) beep.warning();
  else beep.ok();
}

// --- network state and the outbox --------------------------------------------------------------------

const netState = $("net-state");
const queueCount = $("queue-count");

function heldText(held) {
  return t("held_for_other")
    .replaceAll("{current}", held.current)
    .replaceAll("{owner}", held.owner)
    .replaceAll("{count}", String(held.count));
}

function onState(state) {
  queueCount.textContent = String(state.waiting);
  netState.dataset.state = state.online ? "online" : "offline";
  const held = state.held ? heldText(state.held) : "";
  netState.textContent = state.blocked || held || state.error || (state.online ? t("online") : t("offline"));
  if (state.blocked || held) netState.dataset.state = "blocked";
}

const outbox = new Outbox({
  key: `hoatoc.scan-outbox.v1.${config.user}`,
  url: config.api.scans,
  whoAmI: config.api.me,
  owner: { user: config.user, office: config.office },
  maxScans: config.maxScans,
  onResults,
  onState,
});

window.addEventListener("online", () => {
  outbox.setOnline(true);
  outbox.flush();
});
window.addEventListener("offline", () => outbox.setOnline(false));
window.setInterval(() => {
  if (outbox.size) outbox.flush();
}, RETRY_MS);

// --- events and their details ------------------------------------------------------------------------

function chooseEvent(code) {
  currentEvent = code;
  for (const button of document.querySelectorAll("button.event")) {
    button.setAttribute("aria-pressed", String(button.dataset.event === code));
  }
  for (const panel of document.querySelectorAll(".details")) {
    panel.hidden = panel.id !== `details-${code}`;
  }
  show("idle", `${t("event_chosen")}: ${code} — ${eventLabels[code] || ""}`);
}

function details() {
  const panel = document.getElementById(`details-${currentEvent}`);
  const out = {};
  if (!panel) return out;
  for (const field of panel.querySelectorAll(".detail-input")) {
    if (field.value.trim()) out[field.dataset.detail] = field.value.trim();
  }
  return out;
}

// Each scan carries its own details: a receiver, a reason or an action belongs to one item, never to the next.
function clearDetails() {
  const panel = document.getElementById(`details-${currentEvent}`);
  if (!panel) return;
  for (const field of panel.querySelectorAll(".detail-input")) field.value = "";
}

function missingDetail(found) {
  const needs = config.events.find((e) => e.code === currentEvent).needs;
  const missing = needs.filter((name) => !found[name]);
  if (!missing.length) return null;
  const key = { EMI: "need_receiver", EMH: "need_reason_action", XHD: "need_hold_reason" }[currentEvent];
  const panel = document.getElementById(`details-${currentEvent}`);
  const field = panel && panel.querySelector(`[data-detail="${missing[0]}"]`);
  return { text: t(key), field };
}

// --- one read of the scanner -------------------------------------------------------------------------

function fail(text) {
  show("bad", `✗ ${text}`);
  beep.error();
}

function isDoubleRead(code) {
  const key = `${mode}|${currentEvent}|${code}`;
  const now = Date.now();
  const double = lastRead.key === key && now - lastRead.at < DOUBLE_READ_MS;
  lastRead = { key, at: now };
  return double;
}

function record(target) {
  const office = config.admin ? (officeSelect && officeSelect.value) || "" : config.office;
  if (!office) {
    fail(t("need_office"));
    focusNext = officeSelect;
    return;
  }
  const found = details();
  const missing = missingDetail(found);
  if (missing) {
    fail(missing.text);
    lastRead = { key: "", at: 0 }; // the same item scanned again after filling the field must count
    focusNext = missing.field;
    return;
  }
  const scan = { id: uuid(), event: currentEvent, at: nowIso(), office, details: found, ...target };
  latestId = scan.id;
  recentRow(scan);
  outbox.add(scan);
  clearDetails();
  show("warn", `⏳ ${group(scan.tracking || scan.bag)} · ${scan.event} — ${t("sending")}`);
  if (!outbox.online) {
    show("warn", `⏳ ${group(scan.tracking || scan.bag)} · ${scan.event} — ${t("queued")}`);
    beep.queued();
  }
  outbox.flush();
}

const bags = new BagDesk({ show, fail, refocus });

function handle(raw) {
  const code = classify(raw);
  if (code.kind === "empty") return;
  if (code.kind === "event") {
    chooseEvent(code.value);
    beep.soft();
    return;
  }
  if (isDoubleRead(code.value)) {
    show(lastResult.dataset.tone, `${lastResult.textContent} · ${t("double_read")}`);
    beep.soft();
    return;
  }
  if (code.kind === "typo") return fail(`${group(code.value)}: ${t("typo")}`);
  if (code.kind === "junk") return fail(`${code.value}: ${t("not_a_code")}`);
  if (mode === "bag") return bags.handle(code);
  if (code.kind === "bag") {
    const event = config.events.find((e) => e.code === currentEvent);
    if (!event.bag) return fail(t("bag_event_only"));
    return record({ bag: code.value });
  }
  return record({ tracking: code.value });
}

$("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const raw = input.value;
  input.value = ""; // at once: the scanner's next code may already be typing
  handle(raw);
  refocus();
});

// --- keyboard and buttons ----------------------------------------------------------------------------

function setMode(next) {
  mode = next;
  for (const button of document.querySelectorAll("button.mode")) {
    button.setAttribute("aria-pressed", String(button.dataset.mode === next));
  }
  $("scan-mode").hidden = next !== "scan";
  $("bag-mode").hidden = next !== "bag";
  refocus();
}

for (const button of document.querySelectorAll("button.mode")) {
  button.addEventListener("click", () => setMode(button.dataset.mode));
}
for (const button of document.querySelectorAll("button.event")) {
  button.addEventListener("click", () => {
    chooseEvent(button.dataset.event);
    refocus();
  });
}
for (const field of document.querySelectorAll(".detail-input, #office-select")) {
  field.addEventListener("focus", keepClerksChoice);
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      refocus(); // details typed: back to scanning
    }
  });
}

const editable = (el) => el && (el.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName));

document.addEventListener("keydown", (event) => {
  const fn = /^F([1-9])$/.exec(event.key);
  if (fn && !event.altKey && !event.ctrlKey && !event.metaKey) {
    const chosen = config.events[Number(fn[1]) - 1];
    if (chosen) {
      event.preventDefault(); // F1 help, F5 reload: the station keeps these keys for its events
      chooseEvent(chosen.code);
      refocus();
    }
    return;
  }
  // A scanner typing while the focus is elsewhere (after a click): catch the characters in the scan field.
  if (!editable(document.activeElement) && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    input.value += event.key;
    input.focus();
  }
});

setupUpload({ show, refocus });
onState(outbox.state());
chooseEvent(currentEvent);
if (outbox.size) outbox.flush();
input.focus();
