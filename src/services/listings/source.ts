import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { SourceError } from "./schema.ts";

/** Where a channel's listings come from: an http(s) URL, or a file on the bot's machine. */
export type SourceLocation = { kind: "url"; url: string } | { kind: "file"; path: string };

/** What a conditional request sends back next time, so an unchanged list costs nothing. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type SourceRead =
  | { changed: false }
  | { changed: true; text: string; validators: Validators };

/** A listings file larger than this is refused (the community lists are about 13 MB). */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
/** A fetch taking longer than this counts as a failure, retried at a later poll. */
export const FETCH_TIMEOUT_MS = 30_000;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type SourceProblem = "not_https" | "bad_url";

/**
 * Reads what an organizer typed as the source: an `https://` URL (`http://` only for this
 * machine, 127.0.0.1 or localhost, as in tests and the playground), or a file path, made absolute
 * against the working directory.
 *
 * @example
 * locateSource("https://raw.githubusercontent.com/o/r/dev/listings.json"); // { ok: true, … url }
 * locateSource("data/listings.json"); // { ok: true, value: { kind: "file", path: "/srv/bot/data/listings.json" } }
 */
export function locateSource(
  text: string,
  cwd: string = process.cwd(),
): { ok: true; value: SourceLocation } | { ok: false; problem: SourceProblem } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, problem: "bad_url" };
    }
    if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname)))
      return { ok: true, value: { kind: "url", url: url.toString() } };
    return { ok: false, problem: url.protocol === "http:" ? "not_https" : "bad_url" };
  }
  return { ok: true, value: { kind: "file", path: path.resolve(cwd, text) } };
}

/** The stored form of a location: the URL, or the absolute path. */
export function sourceKey(location: SourceLocation): string {
  return location.kind === "url" ? location.url : location.path;
}

/** A stored source string back to its location. */
export function toLocation(stored: string): SourceLocation {
  return /^https?:\/\//i.test(stored)
    ? { kind: "url", url: stored }
    : { kind: "file", path: stored };
}

/**
 * A short credit for the list and a link to it: `owner/repo` with its GitHub page for raw GitHub
 * files, otherwise the host and file name (or just the file name for a local file, no link).
 */
export function creditOf(stored: string): { name: string; link?: string } {
  const location = toLocation(stored);
  if (location.kind === "file") return { name: path.basename(location.path) };
  const url = new URL(location.url);
  const parts = url.pathname.split("/").filter(Boolean);
  if (url.hostname === "raw.githubusercontent.com" && parts.length >= 2) {
    const repo = `${parts[0]}/${parts[1]}`;
    return { name: repo, link: `https://github.com/${repo}` };
  }
  if (url.hostname === "github.com" && parts.length >= 2) {
    const repo = `${parts[0]}/${parts[1]}`;
    return { name: repo, link: `https://github.com/${repo}` };
  }
  return { name: `${url.host}/${parts.at(-1) ?? ""}`, link: url.toString() };
}

/**
 * Reads a listings source, conditionally: an unchanged URL (304 to If-None-Match /
 * If-Modified-Since) or an unchanged file (same modification time and size) reads as
 * `{ changed: false }` without downloading it.
 *
 * @throws {SourceError} an HTTP error (`http_404`…), `unreachable`, `timeout`, `too_large`,
 * `not_found`, `not_a_file`.
 * @example
 * const read = await readSource(toLocation(follow.source), follow.validators);
 */
export async function readSource(
  location: SourceLocation,
  validators: Validators = {},
  options: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<SourceRead> {
  const maxBytes = options.maxBytes ?? MAX_SOURCE_BYTES;
  if (location.kind === "file") return readFileSource(location.path, validators, maxBytes);
  const headers: Record<string, string> = { accept: "application/json" };
  if (validators.etag) headers["if-none-match"] = validators.etag;
  if (validators.lastModified) headers["if-modified-since"] = validators.lastModified;
  let response: Response;
  try {
    response = await fetch(location.url, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    throw networkError(error);
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { changed: false };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SourceError(`http_${response.status}`, `${response.status} ${response.statusText}`);
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new SourceError("too_large", `${declared} bytes (limit ${maxBytes})`);
  }
  let bytes: Buffer;
  try {
    bytes = Number.isFinite(declared)
      ? // The size is known and allowed: one buffer, no copying of chunks.
        Buffer.from(await response.arrayBuffer())
      : await readCapped(response, maxBytes);
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw networkError(error);
  }
  const next: Validators = {};
  const etag = response.headers.get("etag");
  const lastModified = response.headers.get("last-modified");
  if (etag) next.etag = etag;
  if (lastModified) next.lastModified = lastModified;
  return { changed: true, text: bytes.toString("utf8"), validators: next };
}

/** A body of unknown length, read chunk by chunk up to `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new SourceError("too_large", `over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

async function readFileSource(
  file: string,
  validators: Validators,
  maxBytes: number,
): Promise<SourceRead> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new SourceError("not_a_file", file);
    if (info.size > maxBytes) throw new SourceError("too_large", `${info.size} bytes`);
    const version = `file:${info.mtimeMs}:${info.size}`;
    if (validators.etag === version) return { changed: false };
    return { changed: true, text: await readFile(file, "utf8"), validators: { etag: version } };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new SourceError("not_found", file);
    if (code === "EISDIR") throw new SourceError("not_a_file", file);
    throw new SourceError("unreachable", `${file}: ${String(code ?? error)}`);
  }
}

function networkError(error: unknown): SourceError {
  const name = (error as { name?: string })?.name;
  if (name === "TimeoutError" || name === "AbortError")
    return new SourceError("timeout", "no answer in time");
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return new SourceError(
    "unreachable",
    cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)),
  );
}
