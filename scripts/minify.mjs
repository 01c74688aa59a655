// Minifies a release build's JavaScript with terser: each build's wasm-bindgen module
// (an ES module: compressed and its local names shortened) and the loader (a classic
// script: compressed, its declarations kept one per statement so the stamped build names
// stay readable in it, e.g. `var MODULE = "crm-call-widget-<hash>.js"`). Comments go;
// what the code does does not change. Run by scripts/stamp-loader.sh for release builds,
// before the compressed copies are written.
//   node scripts/minify.mjs DIR
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { minify } from "terser";

const dir = process.argv[2];
if (!dir) { console.error("usage: node scripts/minify.mjs DIR"); process.exit(2); }

const modules = readdirSync(dir).filter((n) => /^crm-call-widget-.+\.js$/.test(n));
if (modules.length === 0) { console.error(`minify: no widget module in ${dir}`); process.exit(1); }

const jobs = [
  ...modules.map((name) => [name, { module: true, compress: { passes: 2 }, mangle: true }]),
  ["crm-call-widget.js", {
    compress: { join_vars: false, reduce_vars: false, collapse_vars: false },
    mangle: { reserved: ["MODULE", "WASM"] },
    format: { beautify: true, indent_level: 0 },
  }],
];
for (const [name, options] of jobs) {
  const file = path.join(dir, name);
  const source = readFileSync(file, "utf8");
  const { code } = await minify(source, { ecma: 2020, ...options });
  writeFileSync(file, code + "\n");
}
