// scripts/size-profile.mjs: two twiggy reports (before and after wasm-opt) read into the
// largest items and the bytes per crate and per module of ours, both stages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const script = path.join(import.meta.dirname, "../../scripts/size-profile.mjs");

const csv = (rows) =>
  "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n" +
  rows.map(([name, bytes]) => `${/[,"]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name},${bytes},0.1,,\n`).join("");

test("the largest items, then bytes per crate and per module of ours, before and after", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "size-profile-"));
  const before = path.join(dir, "before.csv"), after = path.join(dir, "after.csv");
  writeFileSync(before, csv([
    ["ccw::ui::components::call_card::call_card::h0123456789abcdef", 8192],
    ["ccw::desk::dispositions::runtime::pump::h0123456789abcdef", 2048],
    ["<yew::html::component::lifecycle::CompStateInner<COMP> as yew::Stateful>::view", 3072],
    ["core::fmt::write::h0123456789abcdef", 1024],
    ['data segment ".rodata"', 4096],
  ]));
  writeFileSync(after, csv([
    ["ccw::ui::components::call_card::call_card::h0123456789abcdef", 7168],
    ["ccw::desk::dispositions::runtime::pump::h0123456789abcdef", 1024],
    ["<yew::html::component::lifecycle::CompStateInner<COMP> as yew::Stateful>::view", 2048],
    ["core::fmt::write::h0123456789abcdef", 1024],
    ['data segment ".rodata"', 4096],
  ]));
  const out = execFileSync(process.execPath, [script, before, after, "2"], { encoding: "utf8" });

  const top = out.split("Top 2 items after wasm-opt")[1].split("\n\n")[0];
  assert.match(top, /7168 {2}ccw::ui::components::call_card::call_card/);
  assert.match(top, /4096 {2}data segment/);
  assert.doesNotMatch(top, /pump/, "two items only");

  const row = (label) => out.split("\n").find((l) => l.startsWith(label + " "))?.trim().split(/\s+/).slice(-4).join(" ");
  assert.equal(row("ccw"), "10.0 KB 8.0 KB");
  assert.equal(row("yew"), "3.0 KB 2.0 KB");
  assert.equal(row("core"), "1.0 KB 1.0 KB");
  assert.equal(row("(data: strings and tables)"), "4.0 KB 4.0 KB");
  assert.equal(row("ccw::ui::components"), "8.0 KB 7.0 KB");
  assert.equal(row("ccw::desk::dispositions"), "2.0 KB 1.0 KB");
  assert.match(out, /total \(names and custom sections included\)\s+18\.0 KB\s+15\.0 KB/);
});
