// Minifies the page's JavaScript (wasm-bindgen's glue) in a built `dist/` with terser, and
// rewrites its `integrity` hash in index.html so the browser still accepts it.
// Usage: node tools/minify.mjs DIST
//
// Not trunk's own `minify`: its JS minifier is known to break wasm-bindgen glue
// (trunk-rs/trunk#761). Terser keeps property names, which is what the glue and the wasm's
// import object share. The file keeps trunk's name: the same build gives the same bytes.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "terser";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node tools/minify.mjs DIST");
  process.exit(2);
}
const sri = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");

const htmlPath = join(dir, "index.html");
let html = readFileSync(htmlPath, "utf8");
for (const name of readdirSync(dir).filter((f) => f.endsWith(".js"))) {
  const path = join(dir, name);
  const source = readFileSync(path, "utf8");
  const { code } = await minify(source, { module: true, compress: { passes: 2 }, mangle: true });
  const [before, after] = [sri(source), sri(code)];
  if (!html.includes(before)) {
    console.error(`minify: index.html has no integrity ${before} for ${name}`);
    process.exit(1);
  }
  html = html.replaceAll(before, after);
  writeFileSync(path, code);
  console.log(`minify: ${name} ${source.length} -> ${code.length} bytes`);
}
writeFileSync(htmlPath, html);
