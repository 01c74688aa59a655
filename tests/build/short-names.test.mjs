// scripts/short-names.mjs: a wasm's imports and exports renamed in the wasm and in its
// module alike, and a build stopped when the module does not name each import exactly once
// or reaches an export other than as `wasm.<name>`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const script = path.join(import.meta.dirname, "../../scripts/short-names.mjs");

const leb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const str = (s) => [...leb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id, body) => [id, ...leb(body.length), ...body];

/** A module importing two functions and a memory from `module`, exporting one function. */
function wasm(module, names) {
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]), // one type: () -> ()
    ...section(2, [3,
      ...str(module), ...str(names[0]), 0, 0,
      ...str(module), ...str(names[1]), 0, 0,
      ...str(module), ...str("memory"), 2, 0, 1]),
    ...section(3, [1, 0]), // one function of type 0
    ...section(7, [1, ...str("run"), 0, 2]), // export "run" = function 2 (after the two imports)
    ...section(10, [1, 4, 0, 0x10, 0, 0x0b]), // run() { call import 0 }
  ]);
}

function build(js, names) {
  const dir = mkdtempSync(path.join(tmpdir(), "short-names-"));
  writeFileSync(path.join(dir, "w.js"), js);
  writeFileSync(path.join(dir, "w_bg.wasm"), wasm("./w_bg.js", names));
  return dir;
}

const names = ["__wbg_log_0123456789abcdef", "__wbindgen_throw_fedcba9876543210"];

test("imports get short names in the wasm and the module, and the module still starts it", async () => {
  const js = `const calls = [];
let wasm;
const imports = { "./w_bg.js": { ${names[0]}: () => calls.push("log"), ${names[1]}: () => calls.push("throw"), memory: new WebAssembly.Memory({ initial: 1 }) } };
function start(instance) { wasm = instance.exports; }
function run() { wasm.run(); }
export { imports, calls, start, run };`;
  const dir = build(js, names);
  execFileSync(process.execPath, [script, dir, "w"]);
  const out = readFileSync(path.join(dir, "w_bg.wasm"));
  const listed = WebAssembly.Module.imports(new WebAssembly.Module(out));
  assert.deepEqual(listed.map((i) => [i.module, i.name]), [["a", "a"], ["a", "b"], ["a", "c"]]);
  const rewritten = readFileSync(path.join(dir, "w.js"), "utf8");
  for (const old of [...names, "./w_bg.js"]) assert.ok(!rewritten.includes(old), `${old} is gone from the module`);
  assert.deepEqual(WebAssembly.Module.exports(new WebAssembly.Module(out)).map((e) => e.name), ["a"]);
  assert.ok(rewritten.includes("wasm.a()") && !rewritten.includes("wasm.run"), "the module calls the export by its new name");
  const mod = await import(path.join(dir, "w.js"));
  const { instance } = await WebAssembly.instantiate(out, mod.imports);
  mod.start(instance);
  mod.run();
  assert.deepEqual(mod.calls, ["log"], "the renamed export calls the renamed import");
});

test("a module that names an import twice, or not at all, stops the build and leaves the files", () => {
  for (const js of [
    `const i = { "./w_bg.js": { ${names[0]}: 1, ${names[1]}: 2, memory: 3 } }; const again = "${names[0]}";`,
    `const i = { "./w_bg.js": { ${names[0]}: 1, memory: 3 } };`,
  ]) {
    const dir = build(js, names);
    const before = readFileSync(path.join(dir, "w_bg.wasm"));
    const run = spawnSync(process.execPath, [script, dir, "w"], { encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /short-names: the import __wbg_log_0123456789abcdef is named [02] times|short-names: the import __wbindgen_throw_fedcba9876543210 is named 0 times/);
    assert.deepEqual(readFileSync(path.join(dir, "w_bg.wasm")), before, "the wasm is left as it was");
    assert.equal(readFileSync(path.join(dir, "w.js"), "utf8"), js, "the module is left as it was");
  }
});

test("a module that reaches an export other than as wasm.<name> stops the build and leaves the files", () => {
  const imported = `const i = { "./w_bg.js": { ${names[0]}: 1, ${names[1]}: 2, memory: 3 } };`;
  for (const [js, why] of [
    [`${imported} let wasm; function s(instance) { wasm = instance.exports; } function r() { wasm["run"](); }`, /indexes the wasm's exports by string/],
    [`${imported} let wasm; function s(instance) { wasm = instance.exports; } const name = "run";`, /the export run is named in quotes/],
    [`${imported} let ex; function s(instance) { ex = instance.exports; } function r() { ex.run(); }`, /other than as wasm = instance.exports/],
    [`${imported} let wasm; function s(result) { wasm = result.instance.exports; }`, /other than as wasm = instance.exports/],
  ]) {
    const dir = build(js, names);
    const before = readFileSync(path.join(dir, "w_bg.wasm"));
    const run = spawnSync(process.execPath, [script, dir, "w"], { encoding: "utf8" });
    assert.equal(run.status, 1, js);
    assert.match(run.stderr, why);
    assert.deepEqual(readFileSync(path.join(dir, "w_bg.wasm")), before, "the wasm is left as it was");
    assert.equal(readFileSync(path.join(dir, "w.js"), "utf8"), js, "the module is left as it was");
  }
});
