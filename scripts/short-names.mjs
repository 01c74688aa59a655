// Gives a release build's wasm imports and exports short names, in the wasm and in its
// wasm-bindgen module alike. wasm-bindgen names each import after the JS function and a
// 16-digit hash (`__wbg_addEventListener_f2d27251d333a631`), inside a module named after
// the file (`./crm-call-widget_bg.js`), and its closure exports alike
// (`wasm_bindgen__convert__closures_____invoke__h0d30ecde22f935ff`); ~200 such names appear
// twice in every first load (the wasm and its module), and their hashes do not compress.
// Here the module becomes "a", the imports a, b, … and the exports (but `memory`) a, b, …
// too, which the module reaches as `wasm.<name>`; nothing else changes. Any name that is
// not found exactly where expected stops the build, so a wasm-bindgen whose output looks
// different fails loudly instead of shipping a widget that cannot start.
// Run by scripts/stamp-loader.sh for release builds, before minification.
//   node scripts/short-names.mjs DIR STEM     (DIR/STEM.js and DIR/STEM_bg.wasm)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [dir, stem] = process.argv.slice(2);
if (!dir || !stem) { console.error("usage: node scripts/short-names.mjs DIR STEM"); process.exit(2); }
const jsFile = path.join(dir, `${stem}.js`);
const wasmFile = path.join(dir, `${stem}_bg.wasm`);
const fail = (why) => { console.error(`short-names: ${why} (${stem})`); process.exit(1); };

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
  const head = r.at;
  const id = r.byte();
  const size = r.u32();
  sections.push({ id, head, start: r.at, end: r.at + size });
  r.skip(size);
}
const importSection = sections.find((s) => s.id === 2);
if (!importSection) fail("the wasm has no imports");
const exportSection = sections.find((s) => s.id === 7);
if (!exportSection) fail("the wasm has no exports");
const exports = [];
{
  const r = reader(wasm, exportSection.start);
  for (let n = r.u32(); n > 0; n--) {
    const name = r.name();
    const descStart = r.at;
    r.byte(); r.u32(); // kind, index
    exports.push({ name, desc: wasm.subarray(descStart, r.at) });
  }
  if (r.at !== exportSection.end) fail("the export section does not parse to its end");
}
const exported = new Set(exports.map((e) => e.name));

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

// Exports: the module reaches them as `wasm.<name>` only. `memory` keeps its name (a page
// may read `(await init()).memory`, as ./benchmark does).
const exportNames = new Map();
const importNames = new Set(imports.map((i) => i.field));
for (const { name } of exports) {
  // An export that is also an import's name keeps it (the import object names it too).
  if (name !== "memory" && !importNames.has(name)) exportNames.set(name, shortName(exportNames.size));
}
js = js.replace(/(?<![\w$])wasm\.([\w$]+)/g, (whole, name) => (exportNames.has(name) ? `wasm.${exportNames.get(name)}` : whole));
// Nothing else may reach the exports by name: the module keeps them in `wasm` only, never
// indexes it with a string, and never names an export in quotes.
const exportsTaken = js.match(/[\w$]+\.exports\b/g) || [];
if (exportsTaken.length === 0 || exportsTaken.some((e) => e !== "instance.exports") || /wasm\s*=\s*instance\.exports/.test(js) === false) {
  fail(`${stem}.js reaches the wasm's exports other than as wasm = instance.exports`);
}
if (/(?<![\w$])wasm\s*\[/.test(js)) fail(`${stem}.js indexes the wasm's exports by string`);
for (const old of exportNames.keys()) {
  if (["\"", "'", "`"].some((q) => js.includes(q + old + q))) fail(`the export ${old} is named in quotes in ${stem}.js`);
}

/** A section's bytes: its id, size and body. */
const sectionBytes = (id, body) => Buffer.concat([Buffer.from([id]), u32(body.length), body]);
const importBody = Buffer.concat([
  u32(imports.length),
  ...imports.map((i) => Buffer.concat([nameBytes("a"), nameBytes(renamed.get(i.field) ?? i.field), i.desc])),
]);
const exportBody = Buffer.concat([
  u32(exports.length),
  ...exports.map((e) => Buffer.concat([nameBytes(exportNames.get(e.name) ?? e.name), e.desc])),
]);
const out = Buffer.concat([wasm.subarray(0, 8), ...sections.map((s) => {
  if (s === importSection) return sectionBytes(2, importBody);
  if (s === exportSection) return sectionBytes(7, exportBody);
  return wasm.subarray(s.head, s.end);
})]);
// The result must still be a module the engine accepts, with the new names.
const checked = new WebAssembly.Module(out);
const check = WebAssembly.Module.imports(checked);
if (check.length !== imports.length || check.some((i, n) => i.module !== "a" || i.name !== (renamed.get(imports[n].field) ?? imports[n].field))) {
  fail("the rewritten wasm does not list the new import names");
}
const checkExports = WebAssembly.Module.exports(checked);
if (checkExports.length !== exports.length || checkExports.some((e, n) => e.name !== (exportNames.get(exports[n].name) ?? exports[n].name))) {
  fail("the rewritten wasm does not list the new export names");
}
writeFileSync(wasmFile, out);
writeFileSync(jsFile, js);
