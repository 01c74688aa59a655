// Gives a release build's wasm imports short names, in the wasm and in its wasm-bindgen
// module alike. wasm-bindgen names each import after the JS function and a 16-digit hash
// (`__wbg_addEventListener_f2d27251d333a631`), inside a module named after the file
// (`./crm-call-widget_bg.js`); ~190 such names appear twice in every first load (the wasm's
// import section and the module's import object), and their hashes do not compress. Here
// the module becomes "a" and the imports a, b, … ; nothing else changes. Any name that
// is not found exactly where expected stops the build, so a wasm-bindgen whose output
// looks different fails loudly instead of shipping a widget that cannot start.
// Run by scripts/stamp-loader.sh for release builds, before minification.
//   node scripts/short-imports.mjs DIR STEM     (DIR/STEM.js and DIR/STEM_bg.wasm)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [dir, stem] = process.argv.slice(2);
if (!dir || !stem) { console.error("usage: node scripts/short-imports.mjs DIR STEM"); process.exit(2); }
const jsFile = path.join(dir, `${stem}.js`);
const wasmFile = path.join(dir, `${stem}_bg.wasm`);
const fail = (why) => { console.error(`short-imports: ${why} (${stem})`); process.exit(1); };

/** A reader over the wasm bytes. */
function reader(bytes, at = 0) {
  return {
    get at() { return at; },
    byte() { if (at >= bytes.length) fail("the wasm ends early"); return bytes[at++]; },
    u32() {
      let result = 0, shift = 0, b;
      do { b = this.byte(); result |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
      return result >>> 0;
    },
    name() { const n = this.u32(); const s = bytes.subarray(at, at + n); at += n; return Buffer.from(s).toString("utf8"); },
    skip(n) { at += n; },
    skipLimits() { const flags = this.byte(); this.u32(); if (flags & 1) this.u32(); },
  };
}

function u32(n) {
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return Buffer.from(out);
}
const nameBytes = (s) => { const b = Buffer.from(s, "utf8"); return Buffer.concat([u32(b.length), b]); };

/** The n-th short identifier: a … z, A … Z, then two characters, and so on. */
function shortName(n) {
  const first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const rest = first + "0123456789_$";
  let name = first[n % first.length];
  n = Math.floor(n / first.length);
  while (n > 0) { n -= 1; name += rest[n % rest.length]; n = Math.floor(n / rest.length); }
  return name;
}

const wasm = readFileSync(wasmFile);
if (wasm.readUInt32LE(0) !== 0x6d736100) fail("not a wasm file");
const sections = [];
for (const r = reader(wasm, 8); r.at < wasm.length;) {
  const id = r.byte();
  const size = r.u32();
  sections.push({ id, start: r.at, end: r.at + size });
  r.skip(size);
}
const importSection = sections.find((s) => s.id === 2);
if (!importSection) fail("the wasm has no imports");
const exportSection = sections.find((s) => s.id === 7);
const exported = new Set();
if (exportSection) {
  const r = reader(wasm, exportSection.start);
  for (let n = r.u32(); n > 0; n--) { exported.add(r.name()); r.byte(); r.u32(); }
}

// Read every import, keeping each one's description bytes as they are.
const r = reader(wasm, importSection.start);
const imports = [];
for (let n = r.u32(); n > 0; n--) {
  const module = r.name();
  const field = r.name();
  const descStart = r.at;
  const kind = r.byte();
  if (kind === 0) r.u32(); // function: its type
  else if (kind === 1) { r.byte(); r.skipLimits(); } // table: element type, limits
  else if (kind === 2) r.skipLimits(); // memory
  else if (kind === 3) { r.byte(); r.byte(); } // global: type, mutability
  else if (kind === 4) { r.byte(); r.u32(); } // tag
  else fail(`an import of unknown kind ${kind}`);
  imports.push({ module, field, desc: wasm.subarray(descStart, r.at) });
}
if (r.at !== importSection.end) fail("the import section does not parse to its end");
const modules = [...new Set(imports.map((i) => i.module))];
if (modules.length !== 1) fail(`imports from ${modules.length} modules, expected one`);

let js = readFileSync(jsFile, "utf8");
const moduleKey = JSON.stringify(modules[0]);
if (js.split(moduleKey).length !== 2) fail(`the module name ${moduleKey} is not named once in ${stem}.js`);
js = js.replace(moduleKey, '"a"');

// Imports that share their name with an export keep it (the module calls `wasm.<name>`).
const renamed = new Map();
for (const { field } of imports) {
  if (!exported.has(field) && !renamed.has(field)) renamed.set(field, shortName(renamed.size));
}
const pattern = new RegExp(`(?<![\\w$])(${[...renamed.keys()].map((k) => k.replace(/\$/g, "\\$")).join("|")})(?![\\w$])`, "g");
const seen = new Map();
js = js.replace(pattern, (old) => { seen.set(old, (seen.get(old) || 0) + 1); return renamed.get(old); });
for (const old of renamed.keys()) {
  if (seen.get(old) !== 1) fail(`the import ${old} is named ${seen.get(old) || 0} times in ${stem}.js, expected once`);
}

const body = Buffer.concat([
  u32(imports.length),
  ...imports.map((i) => Buffer.concat([nameBytes("a"), nameBytes(renamed.get(i.field) ?? i.field), i.desc])),
]);
const out = Buffer.concat([
  wasm.subarray(0, importSection.start - (u32(importSection.end - importSection.start).length + 1)),
  Buffer.from([2]), u32(body.length), body,
  wasm.subarray(importSection.end),
]);
// The result must still be a module the engine accepts, with the new names.
const check = WebAssembly.Module.imports(new WebAssembly.Module(out));
if (check.length !== imports.length || check.some((i, n) => i.module !== "a" || i.name !== (renamed.get(imports[n].field) ?? imports[n].field))) {
  fail("the rewritten wasm does not list the new names");
}
writeFileSync(wasmFile, out);
writeFileSync(jsFile, js);
