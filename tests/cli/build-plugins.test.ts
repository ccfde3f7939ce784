import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import {
  DEBUG_BODY_LINE,
  guardDebugLines,
  nativeTimingSafeCompare,
} from "../../src/cli/build-plugins.ts";
import { ROOT } from "../../src/dev/processes.ts";

const require = createRequire(import.meta.url);

describe("the bundle's Web API client builds its body debug lines only at debug level", () => {
  it("guards the request body, headers and result lines of the installed client", async () => {
    const file = require.resolve("@slack/web-api/dist/WebClient.js");
    const source = await readFile(file, "utf8");
    const guarded = guardDebugLines(source);
    // None is left unguarded, and each of the three now asks the logger's level first.
    expect(source.match(DEBUG_BODY_LINE)).toHaveLength(3);
    expect(
      guarded.match(
        /(?<!=== "debug" && )this\.logger\.debug\(`http request (body|headers|result)/g,
      ),
    ).toBeNull();
    for (const what of ["body", "headers", "result"]) {
      expect(guarded).toContain(
        `(this.logger.getLevel() === "debug" && this.logger.debug(\`http request ${what}: `,
      );
    }
    // Nothing else of the client changes.
    expect(guarded.replace(/\(this\.logger\.getLevel\(\) === "debug" && (.*?`\))\)/g, "$1")).toBe(
      source,
    );
  });

  it("builds the line at debug level and skips it at info level", () => {
    // The client's own line, as a template literal in the source text.
    const line = (what: string, arg: string) =>
      `this.logger.debug(\`http request ${what}: \${JSON.stringify(redact(${arg}))}\`);`;
    const source = [
      `function call(result) { ${line("result", "result")} }`,
      `function send(body) { ${line("body", "body")} }`,
      `function head(allHeaders) { ${line("headers", "allHeaders")} }`,
      "return { call, send, head };",
    ].join("\n");
    const make = new Function("redact", guardDebugLines(source)) as (
      redact: (x: unknown) => unknown,
    ) => Record<"call" | "send" | "head", (this: unknown, x: unknown) => void>;
    let redactions = 0;
    const fns = make((x) => {
      redactions++;
      return x;
    });
    const lines: string[] = [];
    const client = (level: string) => ({
      logger: { getLevel: () => level, debug: (line: string) => lines.push(line) },
    });
    fns.call.call(client("info"), { ok: true });
    fns.send.call(client("info"), { view: "{}" });
    expect([redactions, lines]).toEqual([0, []]);
    fns.call.call(client("debug"), { ok: true });
    expect(redactions).toBe(1);
    expect(lines).toEqual(['http request result: {"ok":true}']);
  });

  it("fails the build when the client's lines are not the ones it knows", () => {
    expect(() => guardDebugLines("this.logger.debug(`something else`);")).toThrow(
      /expected 3 body-logging debug lines/,
    );
  });
});

describe("the bundle compares request signatures with Node's timingSafeEqual", () => {
  /** Bundles a one-line program with the plugin and runs it; what it prints. */
  const bundle = (program: string) =>
    build({
      stdin: { contents: program, resolveDir: ROOT, loader: "js" },
      bundle: true,
      write: false,
      platform: "node",
      format: "cjs",
      logLevel: "silent",
      plugins: [nativeTimingSafeCompare()],
    });

  it("gives Bolt's signature check our comparison instead of tsscmp", async () => {
    const verify = require.resolve("@slack/bolt/dist/receivers/verify-request.js");
    // Bolt as installed still asks for tsscmp, which the plugin replaces.
    expect(await readFile(verify, "utf8")).toContain('require("tsscmp")');
    const result = await bundle(`require(${JSON.stringify(verify)});`);
    const text = result.outputFiles[0]?.text ?? "";
    expect(text).toContain("src/timing-safe-compare.ts");
    expect(text).toContain("timingSafeEqual");
    expect(text).not.toContain("node_modules/tsscmp");
  });

  it("fails the build when nothing asks for tsscmp any more", async () => {
    await expect(bundle("module.exports = 1;")).rejects.toThrow(/no longer requires tsscmp/);
  });
});
