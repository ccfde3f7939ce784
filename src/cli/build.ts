/**
 * `npm run build` (run by `npm start` first): checks the bundled knowledge base and writes its
 * snapshot for start-up, then compiles the app (and the bare Bolt floor of `npm run bench:load`)
 * to plain JavaScript in dist/, so production runs `node dist/app.js` with no TypeScript loader.
 */
import path from "node:path";
import { build } from "esbuild";
import { ROOT } from "../dev/processes.ts";
import {
  BUNDLED_KB_DIR,
  BUNDLED_KB_SNAPSHOT,
  formatProblem,
  writeSnapshot,
} from "../services/knowledge-base/load.ts";

const problems = await writeSnapshot(BUNDLED_KB_DIR, BUNDLED_KB_SNAPSHOT);
for (const problem of problems) console.error(formatProblem(problem));
if (problems.length > 0) {
  console.error(
    `build: the knowledge base has ${problems.length} problem(s); see npm run kb:check`,
  );
  process.exit(1);
}
await build({
  absWorkingDir: ROOT,
  entryPoints: { app: "src/app.ts", "dev/bare-bolt": "src/dev/bare-bolt.ts" },
  outdir: path.join(ROOT, "dist"),
  bundle: true,
  // Dependencies stay in node_modules, loaded by Node as usual (sqlite3 is a native module).
  packages: "external",
  platform: "node",
  format: "esm",
  // Code loaded with import() (the Redis store, …) goes in chunks of its own, so start-up does not
  // load what this configuration does not use (the redis client alone takes ~0.4 s to load).
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
