/**
 * The esbuild plugins of `npm run build`: what the bundle changes in how its dependencies load
 * and run, each checked so a new version of the dependency is looked at, not silently mishandled.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Plugin } from "esbuild";
import { ROOT } from "../dev/processes.ts";

/**
 * Packages some dependency requires at load but uses only later, made to load on first use. Bolt
 * loads every receiver whatever the mode: @slack/socket-mode loads undici (~0.1 s and ~5 MB of
 * heap at every start) only to open a WebSocket, which HTTP mode never does, and ExpressReceiver
 * loads express (~50 ms, ~1.5 MB), which the app never uses (HTTPReceiver serves HTTP mode). Each
 * such `require` from the named importers gets an object that requires the package when a
 * property is first read. It passes TypeScript's `__importStar` as an ES module (`__esModule`),
 * whose `default` is the CommonJS module itself, as `__importStar` would have made it.
 */
export function lazyRequire(packages: Record<string, RegExp>): Plugin {
  return {
    name: "lazy-require",
    setup(build) {
      for (const [name, importers] of Object.entries(packages)) {
        const filter = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
        build.onResolve({ filter }, (args) =>
          args.namespace === "file" && importers.test(args.importer)
            ? { path: name, namespace: "lazy-require" }
            : undefined,
        );
      }
      build.onLoad({ filter: /.*/, namespace: "lazy-require" }, (args) => ({
        // Resolved from the repository as any other require: bundled, or external if listed so.
        resolveDir: ROOT,
        contents: `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
const read = (key) => {
  if (key === "__esModule") return true;
  const real = load();
  return key === "default" && !real.__esModule ? real : real[key];
};
module.exports = new Proxy({}, {
  get: (_, key) => read(key),
  has: (_, key) => key === "__esModule" || key === "default" || key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const d = Reflect.getOwnPropertyDescriptor(load(), key);
    return d && { ...d, configurable: true };
  },
});`,
        loader: "js",
      }));
    },
  };
}

/**
 * The Web API client (@slack/web-api 8) writes a debug line of every request and response body
 * before its logger decides whether to show it: each call walks the whole body and the whole reply
 * (App Home's reply echoes its ~5 KB view) to redact tokens and serialises them, ~0.1 ms a call
 * for a line nobody reads below debug level. Each such line is built only when the logger is at
 * debug level; at debug level the lines read as before. The build fails if the client no longer
 * has exactly these lines, so a new version is looked at, not silently left slow.
 */
export const DEBUG_BODY_LINE =
  /this\.logger\.debug\((`http request (?:body|headers|result): \$\{JSON\.stringify\(redact\(\w+\)\)\}`)\)/g;
const DEBUG_BODY_LINES = 3;

/** The Web API client's source with its body-serialising debug lines built only at debug level. */
export function guardDebugLines(source: string): string {
  let found = 0;
  const guarded = source.replace(DEBUG_BODY_LINE, (_, line: string) => {
    found++;
    return `(this.logger.getLevel() === "debug" && this.logger.debug(${line}))`;
  });
  if (found !== DEBUG_BODY_LINES) {
    throw new Error(
      `build: expected ${DEBUG_BODY_LINES} body-logging debug lines in @slack/web-api's WebClient, found ${found}: review guardDebugLines for this version`,
    );
  }
  return guarded;
}

export function quietWebClientDebug(): Plugin {
  return {
    name: "quiet-web-client-debug",
    setup(build) {
      build.onLoad(
        { filter: /[\\/]@slack[\\/]web-api[\\/]dist[\\/]WebClient\.js$/ },
        async (args) => ({
          contents: guardDebugLines(await readFile(args.path, "utf8")),
          loader: "js",
        }),
      );
    },
  };
}

/**
 * Bolt checks each request's signature with `tsscmp`; the bundle gets src/timing-safe-compare.ts
 * instead, the same answer from Node's `crypto.timingSafeEqual` at a twentieth of the cost (~8 µs
 * a request less). The build fails if Bolt no longer asks for `tsscmp`, so a new Bolt is reviewed.
 */
export function nativeTimingSafeCompare(): Plugin {
  let asked = false;
  return {
    name: "native-timing-safe-compare",
    setup(build) {
      build.onResolve({ filter: /^tsscmp$/ }, () => {
        asked = true;
        return { path: path.join(ROOT, "src/timing-safe-compare.ts") };
      });
      build.onEnd((result) =>
        result.errors.length === 0 && !asked
          ? { errors: [{ text: "Bolt no longer requires tsscmp: review nativeTimingSafeCompare" }] }
          : null,
      );
    },
  };
}
