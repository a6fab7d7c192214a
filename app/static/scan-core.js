// Scan station: shared helpers (configuration, codes, time, API calls, sounds).
// The page hands its configuration and translated words over in <script type="application/json" id="scan-config">.

export const config = JSON.parse(document.getElementById("scan-config").textContent);

export function t(key) {
  return (config.strings && config.strings[key]) || key;
}

const csrfMeta = document.querySelector('meta[name="csrf-token"]');
const CSRF = csrfMeta ? csrfMeta.content : "";

// The server's clock at page load: a handheld PC's clock may be wrong, the event time must not be.
const clockOffset = Date.parse(config.serverTime) - Date.now();

export function nowIso() {
  return new Date(Date.now() + clockOffset).toISOString();
}

export function localTime(iso) {
  const d = iso ? new Date(iso) : new Date(Date.now() + clockOffset);
  return d.toLocaleTimeString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour12: false });
}

// crypto.randomUUID needs a secure context; getRandomValues works everywhere.
export function uuid() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const b = window.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function normalise(text) {
  return String(text || "").replace(/[\s-]/g, "").toUpperCase();
}

const S10 = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/;
const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];
const BAG = /^BG(\d{9})(\d)$/;
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

function s10CheckDigit(serial) {
  const sum = serial.split("").reduce((acc, d, i) => acc + Number(d) * S10_WEIGHTS[i], 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 0 : c === 11 ? 5 : c;
}

function damm(digits) {
  return digits.split("").reduce((interim, d) => DAMM[interim][Number(d)], 0);
}

// What a scanned or typed code is: an event code, a tracking number, a bag id, a typo of either, or junk.
export function classify(raw) {
  const code = normalise(raw);
  if (config.events.some((e) => e.code === code)) return { kind: "event", value: code };
  let m = S10.exec(code);
  if (m && !"JKSTW".includes(code[0])) {
    return { kind: s10CheckDigit(m[2]) === Number(m[3]) ? "tracking" : "typo", value: code };
  }
  m = BAG.exec(code);
  if (m) return { kind: damm(m[1]) === Number(m[2]) ? "bag" : "typo", value: code };
  return { kind: code ? "junk" : "empty", value: code };
}

export function group(code) {
  const c = normalise(code);
  if (c.length === 13) return `${c.slice(0, 2)} ${c.slice(2, 5)} ${c.slice(5, 8)} ${c.slice(8, 11)} ${c.slice(11)}`;
  if (c.length === 12) return `${c.slice(0, 2)} ${c.slice(2, 5)} ${c.slice(5, 8)} ${c.slice(8, 11)} ${c.slice(11)}`;
  return c;
}

export class NetworkError extends Error {}

// JSON API call with the session cookie and the CSRF header. Network failures throw NetworkError.
export async function api(method, url, body) {
  const headers = { Accept: "application/json", "X-CSRFToken": CSRF };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new NetworkError(String(err));
  }
  let data = null;
  try {
    data = await response.json();
  } catch (err) {
    data = null;
  }
  return { status: response.status, ok: response.ok, data };
}

export function problemText(data) {
  if (!data) return "";
  const fieldErrors = Object.values(data.errors || {}).flat();
  return [data.detail, ...fieldErrors].filter(Boolean).join(" — ");
}

// Beeps made with WebAudio (no sound files): high and short when recorded, low and doubled when refused,
// falling in two steps when recorded with a flag (out of sequence, off its route...).
class Beeper {
  constructor() {
    this.ctx = null;
  }
  context() {
    if (!this.ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return null;
      this.ctx = new Ctx();
    }
    if (this.ctx.state === "suspended") this.ctx.resume();
    return this.ctx;
  }
  tone(freq, seconds, type = "sine", delay = 0) {
    const ctx = this.context();
    if (!ctx) return;
    const start = ctx.currentTime + delay;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = type;
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.3, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + seconds + 0.02);
  }
  ok() {
    this.tone(1046, 0.12);
  }
  queued() {
    this.tone(660, 0.08);
    this.tone(660, 0.08, "sine", 0.12);
  }
  warning() {
    this.tone(880, 0.12, "triangle");
    this.tone(587, 0.2, "triangle", 0.15);
  }
  soft() {
    this.tone(520, 0.05);
  }
  error() {
    this.tone(220, 0.25, "square");
    this.tone(180, 0.3, "square", 0.3);
  }
}

export const beep = new Beeper();
