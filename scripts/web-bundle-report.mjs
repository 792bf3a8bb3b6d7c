// What a first load of the web console costs: the JavaScript a browser must fetch before the
// first screen shows, gzipped. That is the entry chunk with its static imports, plus the screen
// the URL opens (each screen is a lazy chunk) with the static imports the entry does not already
// hold. Reports every screen's first load and the worst one, writes dist/apps/web/bundle-report.json,
// and exits 1 when the worst exceeds the budget (BUDGET_KB, 300 KB by default). It also writes each
// asset's gzip beside it (`<file>.gz`), which the API serves to browsers that accept gzip.
// `--check` writes nothing (the tests run it while an API serves the build) and prints the report.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/apps/web');
const budgetKb = Number(process.env.BUDGET_KB ?? 300);
const manifest = JSON.parse(readFileSync(join(out, '.vite/manifest.json'), 'utf8'));

const check = process.argv.includes('--check');
const gzipped = new Map();
for (const file of readdirSync(join(out, 'assets'))) {
  if (!/\.(js|css)$/.test(file)) continue;
  const body = gzipSync(readFileSync(join(out, 'assets', file)), { level: 9 });
  if (!check) writeFileSync(join(out, 'assets', `${file}.gz`), body);
  gzipped.set(`assets/${file}`, body.length);
}
const sizeOf = (file) => gzipped.get(file);

/** The chunk's file and every file it imports statically, transitively. */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const imported of chunk.imports ?? []) closure(imported, seen);
  return seen;
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = closure(entryKey);
const sum = (files) => [...files].filter((f) => f.endsWith('.js')).reduce((total, f) => total + sizeOf(f), 0);
const entryBytes = sum(entry);

const screens = {};
for (const dynamic of manifest[entryKey].dynamicImports ?? []) {
  const extra = [...closure(dynamic)].filter((f) => !entry.has(f));
  screens[dynamic.replace(/^src\/screens\//, '').replace(/\.tsx$/, '')] = entryBytes + sum(extra);
}
const [worstScreen, worstBytes] = Object.entries(screens).sort((a, b) => b[1] - a[1])[0] ?? ['(entry only)', entryBytes];
const report = {
  budgetBytes: budgetKb * 1024,
  entryBytes,
  worstFirstLoad: { screen: worstScreen, bytes: worstBytes },
  firstLoadByScreen: Object.fromEntries(Object.entries(screens).sort()),
  measured: 'JavaScript only, gzip level 9, as served',
};
if (check) console.log(JSON.stringify(report));
else writeFileSync(join(out, 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`web console first load: ${kb(worstBytes)} of JavaScript gzipped at most (${worstScreen}; entry ${kb(entryBytes)}); budget ${budgetKb} KB`);
if (worstBytes > budgetKb * 1024) {
  console.error(`over the budget by ${kb(worstBytes - budgetKb * 1024)}`);
  process.exit(1);
}
