import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { blockKitProblems, messageProblems } from "./block-kit.ts";

/** One call the app made: a Web API method, or a post to a response_url. */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** What Slack would have rejected in it (Block Kit limits, a missing text fallback). */
  problems: string[];
  /** For response_url posts: which one. */
  responseId?: string;
  at: number;
  /** The HTTP status and `ok` the stand-in answered with. */
  status: number;
  ok?: boolean;
  /** The body the stand-in answered with. */
  reply?: Record<string, unknown>;
  /** A fault injected into this call (the app never saw `reply`). */
  fault?: Fault;
  /** The token the call was made with (Authorization header or `token` argument). */
  token?: string;
}

/**
 * Faults the stand-in can inject, as networks and Slack produce them:
 * - `reset-after-accept`: the call is carried out (a message is posted), then the connection is
 *   reset before the answer: the app cannot know whether it worked.
 * - `timeout-after-accept`: the call is carried out and never answered (until the stand-in closes).
 * - `reset-before-accept`: the connection is reset and nothing is done.
 */
export type Fault = "reset-after-accept" | "timeout-after-accept" | "reset-before-accept";

/** A message the stand-in holds for conversations.history. */
export interface StoredMessage {
  ts: string;
  text?: unknown;
  blocks?: unknown;
  metadata?: unknown;
  bot_id: string;
}

export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

type Stub = (args: Record<string, unknown>) => StubReply | undefined;

const MESSAGE_METHODS = new Set([
  "chat.postMessage",
  "chat.postEphemeral",
  "chat.update",
  "response_url",
]);

export const BOT_USER_ID = "UBOT0001";
export const BOT_ID = "BBOT0001";
export const TEAM_ID = "T0001";

/** A test workspace the stand-in knows: what Slack's OAuth gives an app installed there. */
export interface StandInWorkspace {
  teamId: string;
  teamName: string;
  botToken: string;
  botUserId: string;
  botId: string;
  installerUserId: string;
}

/**
 * Two test workspaces with different tokens, for multi-workspace mode ("Add to Slack"). The first
 * is the one single-workspace tests use (TEAM_ID).
 */
export const WORKSPACES: readonly StandInWorkspace[] = [
  {
    teamId: TEAM_ID,
    teamName: "Stand-in",
    botToken: "xoxb-1-stand-in-workspace-one",
    botUserId: BOT_USER_ID,
    botId: BOT_ID,
    installerUserId: "U0ALICE",
  },
  {
    teamId: "T0002",
    teamName: "Second Campus",
    botToken: "xoxb-2-stand-in-workspace-two",
    botUserId: "UBOT0002",
    botId: "BBOT0002",
    installerUserId: "U0ERIN",
  },
];

/** The app credentials the stand-in's oauth.v2.access accepts. */
export const CLIENT_ID = "1111111111.2222222222";
export const CLIENT_SECRET = "0123456789abcdef0123456789abcdef";

/**
 * A local stand-in for Slack's Web API on 127.0.0.1: records every call the app makes, checks
 * messages and views against Block Kit's limits, and answers like Slack does. Serves response_url
 * posts at /response/<id> too.
 *
 * @example
 * const slack = await SlackStandIn.start();
 * // SLACK_API_URL = slack.apiUrl
 * const [post] = await slack.waitFor((c) => c.method === "chat.postMessage");
 */
export class SlackStandIn extends EventEmitter {
  readonly calls: RecordedCall[] = [];
  private readonly stubs = new Map<string, Stub[]>();
  private readonly responders = new Map<string, Stub>();
  private readonly faults: Array<{
    method: string;
    fault: Fault;
    match: (args: Record<string, unknown>) => boolean;
  }> = [];
  /** Microseconds of the last ts handed out, so every ts is unique and increasing. */
  private lastTs = 0;
  /** Messages posted with chat.postMessage, per channel, oldest first. */
  readonly messages = new Map<string, StoredMessage[]>();
  /** Slack's clock, for message ts (tests on a virtual clock set it to theirs). */
  now: () => number = Date.now;
  /** Users users.info knows; admins and owners count as organizers. */
  users: Record<string, { tz?: string; name?: string; isAdmin?: boolean; isOwner?: boolean }> = {};
  /** Channel ids each user is in, for users.conversations. */
  memberships: Record<string, string[]> = {};
  /** Files uploaded through files.getUploadURLExternal, by file id (bytes arrive at /upload/<id>). */
  readonly files = new Map<
    string,
    { filename: string; length: number; content?: string; channel?: string; title?: string }
  >();
  /** Delay every Web API answer by this many milliseconds (to measure under Slack-like latency). */
  latencyMs = 0;
  /** While set, answers to that method wait (see `hold`). */
  private held: { method: string; until: Promise<void> } | undefined;
  /** Tokens Slack no longer accepts (uninstalled or revoked): calls with them get `token_revoked`. */
  readonly revoked = new Set<string>();
  /** Where the authorize page sends the browser back to when the app passes no redirect_uri. */
  oauthRedirectUrl: string | undefined;
  /** oauth.v2.access hands out rotating tokens (refresh token, 12 h expiry) when true. */
  tokenRotation = false;
  private readonly issuedCodes = new Map<string, StandInWorkspace>();
  private codeCounter = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    super();
  }

  static async start(): Promise<SlackStandIn> {
    let standIn: SlackStandIn | undefined;
    const server = createServer((req, res) => {
      void standIn?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    standIn = new SlackStandIn(server, (server.address() as AddressInfo).port);
    return standIn;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  /** Answers every call of a method for which `responder` returns a reply (until reset). */
  respond(method: string, responder: Stub): void {
    this.responders.set(method, responder);
  }

  /** Injects `fault` into the next call of `method` whose arguments match (once). */
  fault(
    method: string,
    fault: Fault,
    match: (args: Record<string, unknown>) => boolean = () => true,
  ): void {
    this.faults.push({ method, fault, match });
  }

  /** Every message in a channel, oldest first. */
  history(channel: string): StoredMessage[] {
    return this.messages.get(channel) ?? [];
  }

  /** Answers the next calls of a method with `reply` (once each) instead of the default. */
  stub(method: string, ...replies: Stub[]): void {
    this.stubs.set(method, [...(this.stubs.get(method) ?? []), ...replies]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Every Block Kit or fallback problem in every call so far. */
  problems(): string[] {
    return this.calls.flatMap((c) => c.problems.map((p) => `${c.method}: ${p}`));
  }

  /** Resolves with the calls matching `predicate` once there are `count` of them. */
  waitFor(
    predicate: (call: RecordedCall) => boolean,
    count = 1,
    timeoutMs = 5000,
  ): Promise<RecordedCall[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.calls.filter(predicate);
        if (found.length >= count) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `waited ${timeoutMs} ms for ${count} matching call(s); calls so far: ${this.calls.map((c) => c.method).join(", ")}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off("call", check);
      };
      this.on("call", check);
      check();
    });
  }

  /**
   * Holds every answer to one method until the returned function is called, e.g. so several app
   * processes can all start before any of their posts completes.
   *
   * @example
   * const release = slack.hold("chat.postMessage");
   * // …start the replicas…
   * release();
   */
  hold(method: string): () => void {
    let release = () => {};
    this.held = {
      method,
      until: new Promise<void>((resolve) => {
        release = resolve;
      }),
    };
    return () => {
      this.held = undefined;
      release();
    };
  }

  reset(): void {
    this.calls.length = 0;
    this.stubs.clear();
    this.responders.clear();
    this.faults.length = 0;
    this.messages.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const args = parseBody(raw, req.headers["content-type"] ?? "");
    if (req.method === "GET" && url.pathname === "/oauth/v2/authorize") {
      this.authorizePage(url, res);
      return;
    }
    const api = url.pathname.match(/^\/api\/([\w.]+)$/);
    const response = url.pathname.match(/^\/response\/([\w-]+)$/);
    const upload = url.pathname.match(/^\/upload\/(F\w+)$/);
    if (upload) {
      this.receiveUpload(upload[1] as string, raw, res);
      return;
    }
    if (!api && !response) {
      res.writeHead(404).end();
      return;
    }
    const method = api ? (api[1] as string) : "response_url";
    const problems = MESSAGE_METHODS.has(method)
      ? messageProblems(args)
      : method === "views.publish"
        ? blockKitProblems((args.view as { blocks?: unknown } | undefined)?.blocks, "view")
        : [];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const token = bearer ?? (typeof args.token === "string" ? args.token : undefined);
    const call: RecordedCall = { method, args, problems, at: Date.now(), status: 200 };
    if (token) call.token = token;
    if (response) call.responseId = response[1] as string;
    if (this.held?.method === method) await this.held.until;
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const faultAt = this.faults.findIndex((f) => f.method === method && f.match(args));
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0]?.fault : undefined;
    if (fault === "reset-before-accept") {
      this.calls.push({ ...call, status: 0, fault });
      req.socket.destroy();
      this.emit("call", this.calls.at(-1));
      return;
    }
    const stub = this.stubs.get(method)?.shift();
    const reply =
      stub?.(args) ??
      (token && this.revoked.has(token)
        ? { body: { ok: false, error: "token_revoked" } }
        : undefined) ??
      this.responders.get(method)?.(args) ??
      this.defaultReply(method, args, token);
    call.status = reply.status ?? 200;
    call.ok = reply.body.ok === true;
    call.reply = reply.body;
    if (method === "chat.postMessage" && call.ok) this.keep(reply.body);
    if (fault) {
      call.fault = fault;
      this.calls.push(call);
      if (fault === "reset-after-accept") req.socket.destroy();
      this.emit("call", call);
      return;
    }
    this.calls.push(call);
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    res.end(JSON.stringify(reply.body));
    this.emit("call", call);
  }

  /** The workspace a token belongs to (the first one for any token it did not issue). */
  workspaceOf(token: string | undefined): StandInWorkspace {
    const base = token?.replace(/-r\d+$/, "");
    return (WORKSPACES.find((w) => w.botToken === base) ?? WORKSPACES[0]) as StandInWorkspace;
  }

  /** The calls made with a workspace's token (its installation's, or a refreshed one). */
  callsBy(teamId: string): RecordedCall[] {
    return this.calls.filter(
      (c) => c.token !== undefined && this.workspaceOf(c.token).teamId === teamId,
    );
  }

  /**
   * Slack's "allow this app" page, reduced to one link per test workspace: each goes back to the
   * app's redirect URL with a one-time code and the app's state.
   */
  private authorizePage(url: URL, res: ServerResponse): void {
    const redirect = url.searchParams.get("redirect_uri") ?? this.oauthRedirectUrl;
    const state = url.searchParams.get("state") ?? "";
    if (!redirect || url.searchParams.get("client_id") !== CLIENT_ID) {
      res
        .writeHead(400, { "content-type": "text/plain" })
        .end("unknown client_id or no redirect URL");
      return;
    }
    const links = WORKSPACES.map((workspace) => {
      const code = this.issueCode(workspace);
      const back = new URL(redirect);
      back.searchParams.set("code", code);
      back.searchParams.set("state", state);
      const href = back.toString().replaceAll("&", "&amp;");
      return `<li><a data-team="${workspace.teamId}" href="${href}">Allow in ${workspace.teamName}</a></li>`;
    });
    const denied = new URL(redirect);
    denied.searchParams.set("error", "access_denied");
    denied.searchParams.set("state", state);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Slack stand-in: allow InternPrep</title></head>
<body><h1>InternPrep wants to join a workspace (local stand-in)</h1><ul>${links.join("")}</ul>
<p><a href="${denied.toString().replaceAll("&", "&amp;")}">Cancel</a></p></body></html>`);
  }

  /** A one-time code for installing in `workspace`, as the authorize page hands out. */
  issueCode(workspace: StandInWorkspace): string {
    const code = `code-${workspace.teamId}-${++this.codeCounter}`;
    this.issuedCodes.set(code, workspace);
    return code;
  }

  private oauthAccess(args: Record<string, unknown>): StubReply {
    if (args.client_id !== CLIENT_ID || args.client_secret !== CLIENT_SECRET) {
      return { body: { ok: false, error: "invalid_client_id" } };
    }
    let workspace: StandInWorkspace | undefined;
    let token: string;
    if (args.grant_type === "refresh_token") {
      const base = String(args.refresh_token).replace(/^refresh-/, "");
      workspace = WORKSPACES.find((w) => w.botToken === base);
      if (!workspace) return { body: { ok: false, error: "invalid_refresh_token" } };
      token = `${workspace.botToken}-r${++this.codeCounter}`;
    } else {
      workspace = this.issuedCodes.get(String(args.code));
      // A code works once, as in Slack.
      this.issuedCodes.delete(String(args.code));
      if (!workspace) return { body: { ok: false, error: "invalid_code" } };
      token = workspace.botToken;
      this.revoked.delete(token);
    }
    return {
      body: {
        ok: true,
        app_id: "A0APP",
        authed_user: { id: workspace.installerUserId },
        scope:
          "app_mentions:read,channels:history,channels:read,chat:write,commands,files:write,groups:history,groups:read,im:history,im:read,im:write,mpim:read,users:read",
        token_type: "bot",
        access_token: token,
        bot_user_id: workspace.botUserId,
        team: { id: workspace.teamId, name: workspace.teamName },
        enterprise: null,
        is_enterprise_install: false,
        // A refresh always answers with a new expiry (and the refresh token to use next).
        ...(this.tokenRotation || args.grant_type === "refresh_token"
          ? { refresh_token: `refresh-${workspace.botToken}`, expires_in: 43_200 }
          : {}),
      },
    };
  }

  /** The bytes of an external upload: exactly the length promised, once. */
  private receiveUpload(id: string, raw: string, res: ServerResponse): void {
    const file = this.files.get(id);
    const ok =
      file !== undefined && file.content === undefined && Buffer.byteLength(raw) === file.length;
    if (ok) file.content = raw;
    const call: RecordedCall = {
      method: "upload",
      args: { file_id: id, bytes: Buffer.byteLength(raw) },
      problems: ok ? [] : [`upload ${id}: not the ${file?.length ?? "?"} bytes promised`],
      at: Date.now(),
      status: ok ? 200 : 400,
      ok,
    };
    this.calls.push(call);
    res.writeHead(ok ? 200 : 400, { "content-type": "text/plain" }).end(ok ? "OK" : "bad upload");
    this.emit("call", call);
  }

  /** A unique, increasing ts at the stand-in's `now`, like Slack's `1700000000.000100`. */
  private nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(Math.floor(micros % 1e6)).padStart(6, "0")}`;
  }

  private keep(body: Record<string, unknown>): void {
    const message = body.message as Record<string, unknown> | undefined;
    const channel = String(body.channel);
    if (!message) return;
    const list = this.messages.get(channel) ?? [];
    list.push({
      ts: String(body.ts),
      text: message.text,
      blocks: message.blocks,
      metadata: message.metadata,
      bot_id: BOT_ID,
    });
    this.messages.set(channel, list);
  }

  /** conversations.history: newest first, after `oldest`, `limit` per page, metadata on request. */
  private historyReply(args: Record<string, unknown>): StubReply {
    const oldest = Number(args.oldest ?? 0);
    const limit = Math.min(Number(args.limit ?? 100), 999);
    const offset = Number(args.cursor ?? 0);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
    const all = this.history(String(args.channel))
      .filter((m) => Number(m.ts) > oldest)
      .reverse();
    const page = all.slice(offset, offset + limit).map(({ metadata, ...m }) => ({
      type: "message",
      ...m,
      ...(withMetadata && metadata ? { metadata } : {}),
    }));
    const more = offset + limit < all.length;
    return {
      body: {
        ok: true,
        messages: page,
        has_more: more,
        response_metadata: { next_cursor: more ? String(offset + limit) : "" },
      },
    };
  }

  private defaultReply(
    method: string,
    args: Record<string, unknown>,
    token: string | undefined,
  ): StubReply {
    const ts = this.nextTs();
    switch (method) {
      case "oauth.v2.access":
        return this.oauthAccess(args);
      case "auth.test": {
        const workspace = this.workspaceOf(token);
        return {
          body: {
            ok: true,
            url: "https://stand-in.slack.test/",
            team: workspace.teamName,
            user: "internprep",
            team_id: workspace.teamId,
            user_id: workspace.botUserId,
            bot_id: workspace.botId,
          },
        };
      }
      case "chat.postMessage":
        return {
          body: {
            ok: true,
            channel: args.channel,
            ts,
            message: { ...args, ts, bot_id: this.workspaceOf(token).botId },
          },
        };
      case "chat.postEphemeral":
        return { body: { ok: true, message_ts: ts } };
      case "chat.update":
        return { body: { ok: true, channel: args.channel, ts: args.ts } };
      case "views.publish":
        return { body: { ok: true, view: { id: "V1", ...(args.view as object) } } };
      case "users.info": {
        const id = String(args.user);
        const user = this.users[id] ?? {};
        return {
          body: {
            ok: true,
            user: {
              id,
              name: user.name ?? id.toLowerCase(),
              tz: user.tz ?? "UTC",
              is_admin: user.isAdmin === true,
              is_owner: user.isOwner === true,
            },
          },
        };
      }
      case "conversations.open": {
        const users = String(args.users ?? "");
        if (!/^[UW][A-Z0-9]+$/.test(users)) return { body: { ok: false, error: "user_not_found" } };
        return { body: { ok: true, channel: { id: `D${users}` } } };
      }
      case "files.getUploadURLExternal": {
        const length = Number(args.length);
        if (!args.filename || !Number.isInteger(length) || length <= 0)
          return { body: { ok: false, error: "invalid_arguments" } };
        const id = `F${String(this.files.size + 1).padStart(8, "0")}`;
        this.files.set(id, { filename: String(args.filename), length });
        return {
          body: {
            ok: true,
            upload_url: `http://127.0.0.1:${this.port}/upload/${id}`,
            file_id: id,
          },
        };
      }
      case "files.completeUploadExternal": {
        const list = (Array.isArray(args.files) ? args.files : []) as Array<{
          id?: string;
          title?: string;
        }>;
        const channel = args.channel_id ? String(args.channel_id) : undefined;
        // Slack refuses to share a file whose bytes never arrived, or arrived short.
        const bad = list.find((f) => this.files.get(String(f.id))?.content === undefined);
        if (list.length === 0 || bad) return { body: { ok: false, error: "file_not_found" } };
        for (const f of list) {
          const file = this.files.get(String(f.id));
          if (file) Object.assign(file, { ...(channel ? { channel } : {}), title: f.title });
        }
        return {
          body: { ok: true, files: list.map((f) => ({ id: f.id, title: f.title ?? "" })) },
        };
      }
      case "conversations.history":
        return this.historyReply(args);
      case "users.conversations": {
        const id = String(args.user);
        const channels = (this.memberships[id] ?? []).map((c) => ({ id: c }));
        return { body: { ok: true, channels, response_metadata: { next_cursor: "" } } };
      }
      default:
        return { body: { ok: true } };
    }
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
