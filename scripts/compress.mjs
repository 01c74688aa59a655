// Writes `.gz` (gzip -9) and `.br` (brotli, quality 11) beside each text and wasm file of a
// build, so a server can send browsers the compressed bytes without compressing on every
// request (the simulator's static server does; hosts should too).
//   node scripts/compress.mjs DIR
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants as zc } from "node:zlib";
import path from "node:path";

const dir = process.argv[2];
if (!dir) { console.error("usage: node scripts/compress.mjs DIR"); process.exit(2); }
const worth = /\.(js|mjs|wasm|html|css|ts|json|svg)$/;
for (const name of readdirSync(dir)) {
  const file = path.join(dir, name);
  if (!worth.test(name) || !statSync(file).isFile()) continue;
  const raw = readFileSync(file);
  writeFileSync(file + ".gz", gzipSync(raw, { level: 9 }));
  writeFileSync(file + ".br", brotliCompressSync(raw, { params: {
    [zc.BROTLI_PARAM_QUALITY]: 11,
    [zc.BROTLI_PARAM_MODE]: name.endsWith(".wasm") ? zc.BROTLI_MODE_GENERIC : zc.BROTLI_MODE_TEXT,
    [zc.BROTLI_PARAM_SIZE_HINT]: raw.length,
  } }));
}
