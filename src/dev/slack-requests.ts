import { createHmac } from "node:crypto";
import { BOT_USER_ID, TEAM_ID } from "./slack-stand-in.ts";

export const SIGNING_SECRET = "0123456789abcdef0123456789abcdef";

/** Slack's v0 signature headers for a body, at a given time (seconds). */
export function signedHeaders(
  body: string,
  secret = SIGNING_SECRET,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": signature };
}

export interface SendOptions {
  secret?: string;
  timestamp?: number;
  headers?: Record<string, string>;
}

/** POSTs a body to the app as Slack does, signed; returns status, text and how long the ack took. */
export async function send(
  baseUrl: string,
  body: string,
  contentType: string,
  options: SendOptions = {},
) {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      ...signedHeaders(body, options.secret, options.timestamp),
      ...options.headers,
    },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    text,
    ms: performance.now() - started,
  };
}

/**
 * What a user typed, as Slack delivers it to apps: `&`, `<` and `>` escaped as entities, and web
 * links wrapped as `<https://…>`.
 *
 * @example
 * asSlackSends("R&D https://acme.example/?a=1&b=2"); // "R&amp;D <https://acme.example/?a=1&amp;b=2>"
 */
export function asSlackSends(typed: string): string {
  return typed
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/(^|\s)(https?:\/\/\S+)/g, "$1<$2>");
}

/** A slash command as Slack sends it (form-encoded). */
export function slashCommand(
  command: string,
  text: string,
  opts: {
    user?: string;
    channel?: string;
    responseUrl: string;
    triggerId?: string;
    /** The workspace it comes from (default the stand-in's first, TEAM_ID). */
    team?: string;
  },
) {
  return new URLSearchParams({
    token: "legacy",
    team_id: opts.team ?? TEAM_ID,
    team_domain: "stand-in",
    channel_id: opts.channel ?? "C0GROUP",
    channel_name: "study-group",
    user_id: opts.user ?? "U0ALICE",
    user_name: "alice",
    command,
    text,
    api_app_id: "A0APP",
    is_enterprise_install: "false",
    response_url: opts.responseUrl,
    trigger_id: opts.triggerId ?? "1.2.3",
  }).toString();
}

export async function sendCommand(
  baseUrl: string,
  command: string,
  text: string,
  opts: Parameters<typeof slashCommand>[2],
) {
  return send(baseUrl, slashCommand(command, text, opts), "application/x-www-form-urlencoded");
}

let eventCounter = 0;

/** An Events API callback (JSON) with a fresh event_id unless one is given. */
export function eventCallback(
  event: Record<string, unknown>,
  eventId = `Ev${Date.now()}${eventCounter++}`,
  workspace: { teamId: string; botUserId: string } = { teamId: TEAM_ID, botUserId: BOT_USER_ID },
) {
  return JSON.stringify({
    token: "legacy",
    team_id: workspace.teamId,
    api_app_id: "A0APP",
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: workspace.teamId, user_id: workspace.botUserId, is_bot: true }],
  });
}

export function sendEvent(baseUrl: string, body: string, options: SendOptions = {}) {
  return send(baseUrl, body, "application/json", options);
}

/** A block_actions payload for a click or tick, form-encoded as Slack sends interactions. */
export function blockActions(
  action: Record<string, unknown>,
  opts: {
    user?: string;
    channel?: string;
    responseUrl?: string;
    message?: Record<string, unknown>;
    container?: Record<string, unknown>;
    /** The workspace it comes from (default TEAM_ID). */
    team?: string;
  },
) {
  const team = opts.team ?? TEAM_ID;
  const payload = {
    type: "block_actions",
    team: { id: team, domain: "stand-in" },
    user: { id: opts.user ?? "U0ALICE", username: "alice", team_id: team },
    api_app_id: "A0APP",
    token: "legacy",
    trigger_id: "1.2.3",
    container: opts.container ?? {
      type: "message",
      message_ts: "1.1",
      channel_id: opts.channel ?? "C0GROUP",
      is_ephemeral: true,
    },
    // Clicks in the Home tab come from a view, not a channel.
    ...(opts.container?.type === "view"
      ? {}
      : { channel: { id: opts.channel ?? "C0GROUP", name: "study-group" } }),
    ...(opts.message ? { message: opts.message } : {}),
    ...(opts.responseUrl ? { response_url: opts.responseUrl } : {}),
    actions: [{ action_ts: String(Date.now() / 1000), ...action }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function sendAction(baseUrl: string, body: string) {
  return send(baseUrl, body, "application/x-www-form-urlencoded");
}
