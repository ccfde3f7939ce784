/**
 * `npm run build` (run by `npm start` first): checks the bundled knowledge base and writes its
 * snapshot for start-up, then compiles the app (and the bare Bolt floor of `npm run bench:load`)
 * to plain JavaScript in dist/, so production runs `node dist/app.js` with no TypeScript loader.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { ROOT } from "../dev/processes.ts";
import {
  BUNDLED_KB_DIR,
  BUNDLED_KB_SNAPSHOT,
  formatProblem,
  writeSnapshot,
} from "../services/knowledge-base/load.ts";
import { lazyRequire, nativeTimingSafeCompare, quietWebClientDebug } from "./build-plugins.ts";

const DIST = path.join(ROOT, "dist");

/**
 * Packages the app bundle leaves in node_modules: sqlite3 is a native module; undici is needed
 * only by Socket Mode (see `lazyRequire`); iconv-lite loads its encodings on demand from
 * node_modules, where bundled it would be ~0.5 MB of code to parse at every start.
 */
const EXTERNAL = ["sqlite3", "undici", "iconv-lite"];

await rm(path.join(DIST, "chunks"), { recursive: true, force: true });
const problems = await writeSnapshot(BUNDLED_KB_DIR, BUNDLED_KB_SNAPSHOT);
for (const problem of problems) console.error(formatProblem(problem));
if (problems.length > 0) {
  console.error(
    `build: the knowledge base has ${problems.length} problem(s); see npm run kb:check`,
  );
  process.exit(1);
}
const common = {
  absWorkingDir: ROOT,
  outdir: DIST,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
} as const;
// The app and its dependencies in one file (plus chunks loaded on demand): Node resolves and
// reads one file instead of hundreds, which halves the time to load Bolt and the rest.
const app = await build({
  ...common,
  write: false,
  entryPoints: { app: "src/app.ts" },
  external: EXTERNAL,
  plugins: [
    quietWebClientDebug(),
    nativeTimingSafeCompare(),
    lazyRequire({
      undici: /[\\/]@slack[\\/]socket-mode[\\/]/,
      express: /[\\/]@slack[\\/]bolt[\\/]dist[\\/]receivers[\\/]ExpressReceiver\.js$/,
    }),
  ],
  // Whitespace and syntax only: names stay as written, so stack traces in logs still read.
  minifyWhitespace: true,
  minifySyntax: true,
  // Code loaded with import() (the Redis store, …) goes in chunks of its own, so start-up does not
  // load what this configuration does not use (the redis client alone takes ~0.4 s to load).
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  // CommonJS dependencies call require(): give the ES module bundle one.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
});
// V8 keeps a script's source in memory, two bytes a character if any character is not ASCII: a
// "—" in one regular expression (esbuild leaves those as they are) would double the ~2 MB the
// bundle takes. Written as \u escapes, which mean the same in strings, regexes and identifiers.
for (const file of app.outputFiles) {
  const text = file.path.endsWith(".js")
    ? file.text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : file.contents;
  await mkdir(path.dirname(file.path), { recursive: true });
  await writeFile(file.path, text);
}
// The floor is bare Bolt as it is installed: only its own file compiled, Bolt from node_modules.
await build({
  ...common,
  entryPoints: { "dev/bare-bolt": "src/dev/bare-bolt.ts" },
  packages: "external",
});
