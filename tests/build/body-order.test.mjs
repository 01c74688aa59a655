// scripts/body-order.mjs: a release wasm's functions reordered by type and then by their
// bodies' first bytes, with calls, the table and the exports following them, so the module
// does what it did before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const script = path.join(import.meta.dirname, "../../scripts/body-order.mjs");

// Functions of two types, written out of the order the script gives them; `twice` and
// `pick` reach the others by index (a call, and the table through call_indirect).
const wat = `(module
  (type $unary (func (param i32) (result i32)))
  (type $nullary (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $seven $add_five)
  (func $add_five (type $unary) (i32.add (local.get 0) (i32.const 5)))
  (func $seven (type $nullary) (i32.const 7))
  (func $twice (type $unary) (call $add_five (call $add_five (local.get 0))))
  (func $nine (type $nullary) (i32.const 9))
  (func $pick (type $unary) (call_indirect (type $unary) (local.get 0) (i32.const 1)))
  (func $first (type $nullary) (call_indirect (type $nullary) (i32.const 0)))
  (export "add_five" (func $add_five))
  (export "seven" (func $seven))
  (export "twice" (func $twice))
  (export "nine" (func $nine))
  (export "pick" (func $pick))
  (export "first" (func $first)))`;

/** Each defined function's type index and body, in the module's order. */
function functions(wasm) {
  let at = 8;
  const u32 = () => { let r = 0, s = 0, b; do { b = wasm[at++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
  const types = [], bodies = [];
  while (at < wasm.length) {
    const id = wasm[at++], size = u32(), end = at + size;
    if (id === 3) for (let n = u32(); n > 0; n--) types.push(u32());
    if (id === 10) for (let n = u32(); n > 0; n--) { const len = u32(); bodies.push(Buffer.from(wasm.subarray(at, at + len))); at += len; }
    at = end;
  }
  return types.map((type, i) => ({ type, body: bodies[i] }));
}

async function results(file) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file));
  const e = instance.exports;
  return { add_five: e.add_five(1), seven: e.seven(), twice: e.twice(1), nine: e.nine(), pick: e.pick(10), first: e.first() };
}

test("functions are ordered by type, then by their first bytes, and the module behaves as before", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "body-order-"));
  const file = path.join(dir, "w_bg.wasm");
  writeFileSync(path.join(dir, "w.wat"), wat);
  execFileSync("wasm-as", [path.join(dir, "w.wat"), "-o", file]);
  const before = await results(file);
  assert.deepEqual(before, { add_five: 6, seven: 7, twice: 11, nine: 9, pick: 15, first: 7 });
  const original = functions(readFileSync(file));

  execFileSync(process.execPath, [script, file]);

  assert.deepEqual(await results(file), before, "every export answers as before");
  const ordered = functions(readFileSync(file));
  const key = (f) => [f.type, f.body.toString("hex")];
  const byKey = (a, b) => (a.type - b.type) || Buffer.compare(a.body, b.body);
  assert.deepEqual(ordered.map(key), [...ordered].sort(byKey).map(key), "by type, then by body");
  assert.notDeepEqual(original.map(key), ordered.map(key), "the order changed");
  const types = ordered.map((f) => f.type);
  assert.deepEqual(types, [...types].sort((a, b) => a - b), "each type's functions side by side");
});

test("a file that is not a wasm module stops the build", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "body-order-"));
  const file = path.join(dir, "w_bg.wasm");
  writeFileSync(file, "not wasm");
  assert.throws(() => execFileSync(process.execPath, [script, file], { stdio: "pipe" }), /not a wasm file/);
});
