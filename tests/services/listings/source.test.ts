import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SourceError } from "../../../src/services/listings/schema.ts";
import { creditOf, locateSource, readSource } from "../../../src/services/listings/source.ts";
import { ListingsServer, record } from "../../helpers/listings.ts";

let server: ListingsServer;
let dir: string;
beforeAll(async () => {
  server = await ListingsServer.start();
  dir = await mkdtemp(path.join(tmpdir(), "listings-source-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const reason = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceError) return error.reason;
    throw error;
  }
  return "no error";
};

describe("locateSource", () => {
  it("takes https anywhere, http only on this machine, and paths against the working directory", () => {
    expect(locateSource("https://raw.githubusercontent.com/o/r/dev/l.json")).toMatchObject({
      ok: true,
      value: { kind: "url" },
    });
    expect(locateSource("http://127.0.0.1:8080/l.json")).toMatchObject({
      ok: true,
      value: { kind: "url" },
    });
    expect(locateSource("http://example.com/l.json")).toEqual({ ok: false, problem: "not_https" });
    expect(locateSource("ftp://example.com/l.json")).toEqual({ ok: false, problem: "bad_url" });
    expect(locateSource("data/l.json", "/srv/bot")).toEqual({
      ok: true,
      value: { kind: "file", path: "/srv/bot/data/l.json" },
    });
  });

  it("credits GitHub lists by their repository", () => {
    expect(
      creditOf(
        "https://raw.githubusercontent.com/SimplifyJobs/Summer2026-Internships/dev/.github/scripts/listings.json",
      ),
    ).toEqual({
      name: "SimplifyJobs/Summer2026-Internships",
      link: "https://github.com/SimplifyJobs/Summer2026-Internships",
    });
    expect(creditOf("/srv/lists/ours.json")).toEqual({ name: "ours.json" });
  });
});

describe("readSource over HTTP", () => {
  it("sends the ETag and Last-Modified back, and reads a 304 as unchanged", async () => {
    server.set([record("a")]);
    const location = { kind: "url" as const, url: server.url };
    const first = await readSource(location);
    expect(first.changed).toBe(true);
    if (!first.changed) return;
    expect(first.validators).toEqual({ etag: server.etag, lastModified: server.lastModified });
    expect(await readSource(location, first.validators)).toEqual({ changed: false });
    expect(server.requests.at(-1)).toEqual({
      ifNoneMatch: server.etag,
      ifModifiedSince: server.lastModified,
      status: 304,
    });
    server.set([record("a"), record("b")]);
    expect((await readSource(location, first.validators)).changed).toBe(true);
  });

  it("turns HTTP errors, refused connections and oversized files into codes", async () => {
    server.status = 503;
    expect(await reason(readSource({ kind: "url", url: server.url }))).toBe("http_503");
    server.status = 200;
    expect(await reason(readSource({ kind: "url", url: "http://127.0.0.1:9/l.json" }))).toBe(
      "unreachable",
    );
    server.set([record("a")]);
    expect(await reason(readSource({ kind: "url", url: server.url }, {}, { maxBytes: 10 }))).toBe(
      "too_large",
    );
  });
});

describe("readSource from a file", () => {
  it("reads it, and reads it as unchanged while its time and size stay the same", async () => {
    const file = path.join(dir, "l.json");
    await writeFile(file, JSON.stringify([record("a")]));
    const first = await readSource({ kind: "file", path: file });
    if (!first.changed) throw new Error("expected content");
    expect(await readSource({ kind: "file", path: file }, first.validators)).toEqual({
      changed: false,
    });
    await writeFile(file, JSON.stringify([record("a"), record("b")]));
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect((await readSource({ kind: "file", path: file }, first.validators)).changed).toBe(true);
  });

  it("says when the file is missing or a folder", async () => {
    expect(await reason(readSource({ kind: "file", path: path.join(dir, "nope.json") }))).toBe(
      "not_found",
    );
    expect(await reason(readSource({ kind: "file", path: dir }))).toBe("not_a_file");
  });
});
