#!/usr/bin/env node
// Rasterise ZPL to PNG offline with zpl-renderer-js (zebrash compiled to WebAssembly).
// Used by the label tests so a ZPL label can be decoded like a printed one, without Labelary or a printer.
//
// usage: node render.js --width-mm 100 --height-mm 150 --dpmm 8 --out PREFIX [FILE]
// Reads ZPL from FILE (or standard input) and writes PREFIX-0.png, PREFIX-1.png, ... one per ^XA...^XZ.
// Prints the written paths, one a line.
"use strict";
const fs = require("node:fs");

function parseArgs(argv) {
  const opts = { widthMm: 101.6, heightMm: 152.4, dpmm: 8, out: "label", file: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => argv[++i];
    if (arg === "--width-mm") opts.widthMm = Number(next());
    else if (arg === "--height-mm") opts.heightMm = Number(next());
    else if (arg === "--dpmm") opts.dpmm = Number(next());
    else if (arg === "--out") opts.out = next();
    else opts.file = arg;
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const zpl = fs.readFileSync(opts.file === null ? 0 : opts.file, "utf8");
  const { api } = await require("zpl-renderer-js").ready;
  const images = await api.zplToBase64MultipleAsync(zpl, opts.widthMm, opts.heightMm, opts.dpmm);
  images.forEach((b64, index) => {
    const path = `${opts.out}-${index}.png`;
    fs.writeFileSync(path, Buffer.from(b64, "base64"));
    console.log(path);
  });
  // The Go runtime inside the WebAssembly keeps the event loop alive; leave explicitly once done.
  process.exit(0);
}

main().catch((err) => {
  console.error(String(err && err.stack ? err.stack : err));
  process.exit(1);
});
