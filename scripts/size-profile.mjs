// Reads two `twiggy top -f csv` reports (before and after wasm-opt) and prints the largest
// functions after wasm-opt and the bytes per crate and per module of ours, both stages.
//   node scripts/size-profile.mjs before.csv after.csv [TOP]
import { readFileSync } from "node:fs";

const [beforeFile, afterFile, topArg] = process.argv.slice(2);
const TOP = Number(topArg ?? 25);

/** Rows of a twiggy CSV: [name, shallow bytes]. */
function rows(file) {
  const lines = readFileSync(file, "utf8").split("\n").slice(1).filter(Boolean);
  return lines.map(line => {
    // Name,ShallowSize,ShallowSizePercent,… — the name may be quoted and hold commas.
    const m = /^("(?:[^"]|"")*"|[^,]*),(\d+),/.exec(line);
    if (!m) return null;
    const name = m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
    return [name, Number(m[2])];
  }).filter(Boolean);
}

/** The crate an item belongs to: the first path segment of its name, or its own kind. */
function crateOf(name) {
  if (/^data segment|^"?\.rodata|^data\[/.test(name)) return "(data: strings and tables)";
  if (/subsection|custom section|^elem|^table|^type\[|^import |^export |^global|^memory|^code section/.test(name)) return "(wasm sections)";
  let n = name.replace(/^<+/, "").replace(/^(&mut |&|dyn |\*const |\*mut )+/, "");
  n = n.replace(/^\[/, "");
  const seg = n.split("::")[0].replace(/\[[0-9a-f]+\]$/, "").replace(/<.*/, "");
  if (!seg || /^(closure|\{)/.test(seg)) return "(other)";
  return seg;
}

/** For our crate: the module (`ccw::desk::dispositions`, `ccw::ui::components` …). */
function moduleOf(name) {
  const n = name.replace(/^<+/, "").replace(/^(&mut |&)+/, "");
  const parts = n.split(/::|\s/)[0] === "ccw" ? n.split("::") : null;
  if (!parts) return null;
  const depth = ["desk", "ui"].includes(parts[1]) ? 3 : 2;
  return parts.slice(0, depth).join("::").replace(/[<{ ].*$/, "");
}

function group(list, key) {
  const m = new Map();
  for (const [name, bytes] of list) {
    const k = key(name);
    if (k) m.set(k, (m.get(k) ?? 0) + bytes);
  }
  return m;
}

const before = rows(beforeFile);
const after = rows(afterFile);
const total = list => list.reduce((s, [, b]) => s + b, 0);
const kb = b => (b / 1024).toFixed(1).padStart(8);
const line = (label, a, b) => console.log(`${label.padEnd(44)} ${kb(a)} KB ${kb(b)} KB`);

console.log(`\nTop ${TOP} items after wasm-opt (shallow bytes):`);
for (const [name, bytes] of after.slice().sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  console.log(`${String(bytes).padStart(8)}  ${name.length > 110 ? name.slice(0, 107) + "…" : name}`);
}

for (const [title, key] of [["crate", crateOf], ["module of ours", moduleOf]]) {
  const b = group(before, key), a = group(after, key);
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort((x, y) => (a.get(y) ?? 0) - (a.get(x) ?? 0));
  console.log(`\nBytes per ${title}${" ".repeat(Math.max(0, 30 - title.length))}    before wasm-opt   after`);
  for (const k of keys.slice(0, title === "crate" ? 30 : 40)) line(k, b.get(k) ?? 0, a.get(k) ?? 0);
}
console.log("");
line("total (names and custom sections included)", total(before), total(after));
