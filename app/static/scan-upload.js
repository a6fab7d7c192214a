// Scan station: sending a handheld scanner's export file. CSV (id,tracking,event,office,at,reason,action,
// receiver; "bag" may stand for "tracking") or the API's JSON. Sent in parts of at most 1,000 scans, each
// retried on a network error; the scans' own ids make a resent part (or a resent file) harmless.

import { NetworkError, api, config, group, problemText, t } from "./scan-core.js";

const $ = (id) => document.getElementById(id);
const RETRIES = 5;
const RETRY_MS = 3000;
const MAX_ERRORS_SHOWN = 50;

// RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((v) => v.trim()));
}

function scansFromCsv(text) {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ""));
  const names = (header || []).map((h) => h.trim().toLowerCase());
  const scans = [];
  const problems = [];
  rows.forEach((values, index) => {
    const row = Object.fromEntries(names.map((name, i) => [name, (values[i] || "").trim()]));
    const number = index + 2; // as a spreadsheet numbers it, after the header
    if (!row.id) {
      problems.push(`${t("row")} ${number}: ${t("upload_missing_id")}`);
      return;
    }
    const scan = { id: row.id, event: row.event };
    const target = row.tracking || row.bag || "";
    if (/^BG/i.test(target.replace(/\s/g, ""))) scan.bag = target;
    else scan.tracking = target;
    if (row.office) scan.office = row.office;
    if (row.at) scan.at = row.at;
    const details = {};
    for (const key of ["reason", "action", "receiver"]) if (row[key]) details[key] = row[key];
    scan.details = details;
    scan.row = number;
    scans.push(scan);
  });
  return { scans, problems };
}

function scansFromJson(text) {
  const data = JSON.parse(text);
  const list = Array.isArray(data) ? data : data.scans;
  if (!Array.isArray(list)) throw new Error("no scans");
  return { scans: list.map((scan, index) => ({ ...scan, row: index + 1 })), problems: [] };
}

const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

async function sendPart(part, status) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await api("POST", config.api.scans, { scans: part.map(({ row, ...scan }) => scan) });
    } catch (err) {
      if (!(err instanceof NetworkError) || attempt >= RETRIES) throw err;
      status.textContent = t("upload_retry");
      await sleep(RETRY_MS);
    }
  }
}

export function setupUpload({ show, refocus }) {
  const fileInput = $("upload-file");
  const progress = $("upload-progress");
  const status = $("upload-status");
  const errors = $("upload-errors");

  function report(problem) {
    if (errors.children.length >= MAX_ERRORS_SHOWN) return;
    const li = document.createElement("li");
    li.textContent = problem;
    errors.appendChild(li);
  }

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    errors.replaceChildren();
    let parsed;
    try {
      const text = await file.text();
      parsed = /\.json$/i.test(file.name) || /^\s*[[{]/.test(text) ? scansFromJson(text) : scansFromCsv(text);
    } catch (err) {
      show("bad", `✗ ${t("upload_failed")}: ${file.name}`);
      refocus();
      return;
    }
    parsed.problems.forEach(report);
    const { scans } = parsed;
    const counts = { recorded: 0, duplicate: 0, rejected: parsed.problems.length };
    progress.hidden = false;
    progress.max = Math.max(scans.length, 1);
    progress.value = 0;
    try {
      for (let start = 0; start < scans.length; start += config.maxScans) {
        const part = scans.slice(start, start + config.maxScans);
        const response = await sendPart(part, status);
        if (response.status !== 200) {
          counts.rejected += part.length;
          report(`${t("row")} ${part[0].row}–${part[part.length - 1].row}: ${problemText(response.data)}`);
        } else {
          response.data.results.forEach((result, i) => {
            counts[result.result] = (counts[result.result] || 0) + 1;
            if (result.result === "rejected") {
              const reasons = Object.entries(result.errors || {}).map(([k, v]) => `${k}: ${v.join(" ")}`);
              report(`${t("row")} ${part[i].row} (${group(part[i].tracking || part[i].bag || "")}): ${reasons.join("; ")}`);
            }
          });
        }
        progress.value = Math.min(start + part.length, scans.length);
        status.textContent = `${progress.value}/${scans.length}`;
      }
    } catch (err) {
      show("bad", `✗ ${t("upload_network")}`);
    }
    const summary = `${t("upload_done")}: ${t("recorded")} ${counts.recorded} · ${t("duplicate")} ${counts.duplicate} · ${t("rejected")} ${counts.rejected}`;
    status.textContent = summary;
    show(counts.rejected ? "warn" : "ok", summary);
    fileInput.value = "";
    refocus();
  });
}
