/**
 * How every Web API client the app makes talks to Slack: a `fetch` for `WebClient`'s documented
 * `fetch` option, built on node:http / node:https with a keep-alive agent.
 *
 * Why: under load the platform's fetch (undici, with its web streams and WASM HTTP parser) cost
 * more CPU than the app's own answer to a DM. This does only what `WebClient` asks of a transport
 * (a POST of a string body, `redirect: "error"`, an optional abort signal) and reads the whole
 * answer into one buffer; anything else (a file upload's FormData, Bolt's `respond()`, a GET) goes
 * to `globalThis.fetch` unchanged. A failure rejects as the platform's fetch rejects: a
 * `TypeError("fetch failed")` whose `cause` is the network error (ECONNREFUSED, ECONNRESET…), or the
 * signal's reason when aborted, so `WebClient` retries, paces 429s and reports errors as before.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FetchFunction, WebClientOptions } from "@slack/web-api";
import type { Config } from "./config.ts";

/** What WebClient passes to its `fetch` and reads of the answer (the package names but does not export them). */
type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchHeaders = FetchResponse["headers"];

/** An idle kept-alive connection is closed after this (undici's default), or sooner if the server asks. */
const IDLE_MS = 4_000;
/** No byte from Slack for this long ends the call (undici's headers and body timeouts). */
const SILENCE_MS = 300_000;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Addresses remembered parsed (WebClient calls one per Web API method); more and all are dropped. */
const MAX_TARGETS = 200;
const UTF8_BOM = 0xfeff;

export interface SlackFetchOptions {
  /** Milliseconds an unused connection is kept open for the next call (default 4 s). */
  idleMs?: number;
  /** Milliseconds without a byte from the server before a call fails (default 300 s). */
  silenceMs?: number;
}

/** A `fetch` for WebClient, and a way to close the connections it keeps open. */
export interface SlackFetch extends FetchFunction {
  /** Closes every kept-alive connection (calls still in flight are not affected). */
  closeIdle(): void;
}

/**
 * A keep-alive `fetch` for `WebClient` (see the module comment for what it handles itself).
 *
 * @example
 * const client = new WebClient(token, { fetch: createSlackFetch() });
 */
export function createSlackFetch(options: SlackFetchOptions = {}): SlackFetch {
  const agentOptions = { keepAlive: true, timeout: options.idleMs ?? IDLE_MS };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);
  const silenceMs = options.silenceMs ?? SILENCE_MS;
  const targets = new Map<string, Target | null>();
  const targetOf = (input: string | URL): Target | null => {
    if (typeof input !== "string") return parseTarget(input, http, https);
    let target = targets.get(input);
    if (target === undefined) {
      target = parseTarget(new URL(input), http, https);
      if (targets.size >= MAX_TARGETS) targets.clear();
      targets.set(input, target);
    }
    return target;
  };
  const fetch = (input: string | URL, init?: FetchRequestInit): Promise<FetchResponse> => {
    // Exactly what WebClient sends for a Web API call; anything else is the platform's to do.
    if (init?.method !== "POST" || typeof init.body !== "string" || init.redirect !== "error")
      return globalThis.fetch(input, init);
    const target = targetOf(input);
    if (!target) return globalThis.fetch(input, init);
    return post(target, init, init.body, silenceMs);
  };
  return Object.assign(fetch, {
    closeIdle() {
      http.destroy();
      https.destroy();
    },
  });
}

/** The transport every Web API client of this process shares (one pool of connections). */
export const slackFetch: SlackFetch = createSlackFetch();

/**
 * The options every WebClient the app makes starts from: the Web API's address (SLACK_API_URL,
 * for the local stand-in) and the shared keep-alive transport.
 *
 * @example
 * new WebClient(token, { ...slackClientOptions(config), timeout: 10_000 });
 */
export function slackClientOptions(
  config: Pick<Config, "slackApiUrl">,
): Pick<WebClientOptions, "slackApiUrl" | "fetch"> {
  return {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    fetch: slackFetch,
  };
}

/** Where a call goes, parsed once: http.request's options for it, and its agent. */
interface Target {
  href: string;
  host: string;
  send: typeof httpRequest;
  options: { protocol: string; hostname: string; port: string; path: string; agent: HttpAgent };
}

/** The target of an http: or https: address; null for anything else (the platform's fetch decides). */
function parseTarget(url: URL, http: HttpAgent, https: HttpsAgent): Target | null {
  const secure = url.protocol === "https:";
  if ((!secure && url.protocol !== "http:") || url.username || url.password) return null;
  return {
    href: url.href,
    host: url.host,
    send: secure ? httpsRequest : httpRequest,
    options: {
      protocol: url.protocol,
      // A bracketed IPv6 literal is passed to the socket without its brackets.
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port,
      path: `${url.pathname}${url.search}`,
      agent: secure ? https : http,
    },
  };
}

/** A network failure, shaped as the platform's fetch reports one. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}

function post(
  target: Target,
  init: FetchRequestInit,
  body: string,
  silenceMs: number,
): Promise<FetchResponse> {
  const { signal } = init;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      outcome();
    };
    const fail = (error: unknown) => settle(() => reject(error));
    const onAbort = () => {
      fail(signal?.reason);
      req.destroy();
    };
    const req = target.send({
      ...target.options,
      method: "POST",
      headers: { ...init.headers, "content-length": Buffer.byteLength(body) },
    });
    req.on("error", (error) => fail(fetchFailed(error)));
    req.setTimeout(silenceMs, () => {
      const error = Object.assign(new Error(`no answer from ${target.host} in ${silenceMs} ms`), {
        code: "ETIMEDOUT",
      });
      req.destroy(error);
    });
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status) && res.headers.location !== undefined) {
        res.resume();
        fail(fetchFailed(new Error("unexpected redirect")));
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => fail(fetchFailed(error)));
      res.on("close", () => {
        if (!res.complete) fail(fetchFailed(new Error("the connection closed mid-answer")));
      });
      res.on("end", () => {
        // No Accept-Encoding is sent, so the answer comes as it is: no content coding to undo.
        const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        const headers = new ResponseHeaders(res.headers);
        const answer = new BufferedResponse(
          target.href,
          status,
          res.statusMessage ?? "",
          headers,
          raw,
        );
        settle(() => resolve(answer));
      });
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    req.end(body);
  });
}

/** Response headers as `fetch`'s Headers reads them: names in lower case, repeated ones joined. */
class ResponseHeaders implements FetchHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A `fetch` Response whose body has already arrived whole; it can be read once, as fetch's can. */
class BufferedResponse implements FetchResponse {
  readonly ok: boolean;
  readonly redirected = false;
  private used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: ResponseHeaders,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status <= 299;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  async text(): Promise<string> {
    const text = this.take().toString("utf8");
    return text.charCodeAt(0) === UTF8_BOM ? text.slice(1) : text;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.take()).buffer;
  }

  private take(): Buffer {
    if (this.used) throw new TypeError("Body is unusable: Body has already been read");
    this.used = true;
    return this.body;
  }
}
