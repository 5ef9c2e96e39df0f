// Shrinks a page trunk built, in place: wasm-opt optimises the wasm for size and renames what it
// shares with its JavaScript glue (a hundred and more imports like
// `__wbg_set_body_36d695514d0e1984`, the exports) to one or two letters, the glue gets the same
// names and is minified by terser, csso minifies the stylesheet, and index.html loses its
// comments and gets the new integrity hashes.
// Usage: node tools/minify.mjs DIST (right after `trunk build`: it expects trunk's output)
//
// Not trunk's own `minify`: its JS minifier is known to break wasm-bindgen glue
// (trunk-rs/trunk#761). Terser keeps property names, and the renaming is checked: each import
// the wasm asks for must be renamed once in the glue's import object. The files keep trunk's
// names: the same build gives the same bytes.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { minify as minifyCss } from "csso";
import { minify } from "terser";

const dir = process.argv[2];
if (!dir) fail("usage: node tools/minify.mjs DIST");

const one = (what, test) => {
  const found = readdirSync(dir).filter(test);
  if (found.length !== 1) fail(`expected one ${what} in ${dir}, found ${found.length}`);
  return join(dir, found[0]);
};
const wasmPath = one("wasm", (f) => f.endsWith("_bg.wasm"));
const jsPath = one("JavaScript file", (f) => f.endsWith(".js"));
const cssPath = one("stylesheet", (f) => f.endsWith(".css"));
const htmlPath = join(dir, "index.html");
const sri = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");
const moduleOf = (bytes) => {
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  const modules = new Set(imports.map((i) => i.module));
  if (modules.size !== 1) fail(`expected the wasm to import from one module, found ${modules.size}`);
  return [...modules][0];
};

const [wasmBefore, jsBefore] = [readFileSync(wasmPath), readFileSync(jsPath, "utf8")];
const moduleBefore = moduleOf(wasmBefore);

// Leptos always builds the browser side of its server functions, and with it wasm-streams'
// stream classes. They are exported, so neither the linker nor wasm-opt drops them, but this
// page calls no server function: both the wasm and the glue lose them.
const unusedClasses = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];
const unusedExports = "*intounderlying*";

// One wasm-opt run (a second one gains nothing). The renaming pass prints what became what, as
// a JSON object per round of `--converge`: the later rounds rename the new names again.
const wasmOpt = join(dirname(fileURLToPath(import.meta.url)), "node_modules", ".bin", "wasm-opt");
const optimise = [
  "--remove-exports",
  `--pass-arg=remove-exports@${unusedExports}`,
  "-Oz",
  "--converge",
  "--strip-producers",
  "--strip-target-features",
  "--minify-imports-and-exports-and-modules",
];
const printed = execFileSync(wasmOpt, [wasmPath, ...optimise, "-o", wasmPath], { encoding: "utf8" });
const rounds = JSON.parse(`[${printed.trim().replace(/\}\s*\{/g, "},{")}]`);
const renamed = (pairs) => {
  const names = new Map(pairs(rounds[0]));
  for (const round of rounds.slice(1)) {
    const again = new Map(pairs(round));
    for (const [from, to] of names) names.set(from, again.get(to) ?? to);
  }
  return names;
};
const imports = renamed((round) => round.imports.map(([, from, to]) => [from, to]));
const exports = renamed((round) => round.exports);
const wasmAfter = readFileSync(wasmPath);

let js = jsBefore;
for (const name of unusedClasses) {
  const parts = [
    // The class (up to its closing brace at the start of a line) and its `Symbol.dispose` line.
    new RegExp(
      `^export class ${name} \\{\\n[\\s\\S]*?^\\}\\n(if \\(Symbol\\.dispose\\) ${name}\\.[^\\n]*\\n)?`,
      "m",
    ),
    // Its FinalizationRegistry (a three-line `const`).
    new RegExp(`^const ${name}Finalization = [^;]*;\\n`, "m"),
  ];
  for (const part of parts) {
    if (!part.test(js)) fail(`the glue has no ${part} to drop`);
    js = js.replace(part, "");
  }
  if (js.includes(name)) fail(`the glue still uses ${name}`);
}
// An import is a key of the glue's import object (`__wbg_…: function(…)`), exactly once.
for (const [from, to] of imports) {
  const key = new RegExp(`(?<=[{,\\s])${from}(?=:)`, "g");
  const count = (js.match(key) ?? []).length;
  if (count !== 1) fail(`the glue names import ${from} ${count} times, not once`);
  js = js.replace(key, () => to);
}
const moduleKey = JSON.stringify(moduleBefore) + ":";
if (js.split(moduleKey).length !== 2) fail(`the glue has no single ${moduleKey} import module`);
js = js.replace(moduleKey, () => JSON.stringify(moduleOf(wasmAfter)) + ":");
// An export is only ever read as `wasm.<name>`, and each one read must still be there.
for (const [from, to] of exports) {
  js = js.replace(new RegExp(`(?<=\\bwasm\\.)${from}\\b`, "g"), () => to);
}
const exported = new Set(exports.values());
for (const [, name] of js.matchAll(/\bwasm\.([\w$]+)/g)) {
  if (!exported.has(name)) fail(`the glue reads wasm.${name}, which the wasm does not export`);
}

const { code } = await minify(js, { module: true, compress: { passes: 2 }, mangle: true });
writeFileSync(jsPath, code);

const cssBefore = readFileSync(cssPath, "utf8");
const css = minifyCss(cssBefore).css;
writeFileSync(cssPath, css);

// index.html keeps its markup; only its comments go.
let html = readFileSync(htmlPath, "utf8").replace(/\s*<!--[\s\S]*?-->/g, "");
for (const [before, after] of [
  [jsBefore, code],
  [wasmBefore, wasmAfter],
  [cssBefore, css],
]) {
  const old = sri(before);
  if (!html.includes(old)) fail(`index.html has no integrity ${old}`);
  html = html.replaceAll(old, sri(after));
}
writeFileSync(htmlPath, html);
console.log(
  `minify: glue ${jsBefore.length} -> ${code.length} bytes, wasm ${wasmBefore.length} -> ` +
    `${wasmAfter.length} bytes (${imports.size} imports, ${exports.size} exports renamed), ` +
    `css ${cssBefore.length} -> ${css.length} bytes`,
);

function fail(message) {
  console.error(`minify: ${message}`);
  process.exit(1);
}
