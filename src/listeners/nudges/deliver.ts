import { ErrorCode, LogLevel, type WebAPICallError, WebClient } from "@slack/web-api";
import { renderNudgePlainText, renderReminder, renderWeeklyNudge } from "../../blocks/deadlines.ts";
import {
  renderPairsFollowUp,
  renderPairsIntro,
  renderPairsSignUp,
  renderPairsSkipped,
} from "../../blocks/pairs.ts";
import { renderFollowUp } from "../../blocks/tracker.ts";
import type { Config } from "../../config.ts";
import type {
  Deliver,
  FindPosted,
  NudgeContent,
  NudgeTag,
} from "../../services/nudges/scheduler.ts";
import type { PostOutcome } from "../../services/nudges/sender.ts";
import { slackClientOptions } from "../../slack-transport.ts";

/** The message metadata event type nudges are posted with, so they can be found again. */
export const NUDGE_EVENT_TYPE = "internprep_nudge";
/** A request Slack has not answered by then has an unknown outcome (it may have been posted). */
const REQUEST_TIMEOUT_MS = 10_000;
/** Slack's clock and ours may differ a little: look a bit before the claim for its message. */
const CLOCK_SKEW_MS = 60_000;
/** At most this many pages of a channel's history are searched (200 messages each). */
const HISTORY_PAGES = 10;
/** Slack refused the message's content: posting it again as it is would fail again. */
export const CONTENT_REFUSED = new Set(["invalid_blocks", "msg_too_long", "msg_blocks_too_long"]);

/** The client for a workspace's nudges, or undefined when the app is not installed there. */
export type ClientFor = (teamId: string) => Promise<WebClient | undefined>;

/**
 * One client (one workspace), or the client of each nudge's workspace (multi-workspace mode). A
 * failure to get one (the store, a token refresh) is certain: nothing was sent.
 */
export function clientsOf(
  clients: WebClient | ClientFor,
): (teamId: string) => Promise<WebClient | PostOutcome> {
  if (typeof clients !== "function") return async () => clients;
  return async (teamId) => {
    try {
      return (await clients(teamId)) ?? { ok: false, error: "not_installed" };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}

/**
 * A Web API client for nudges: rate-limited calls come back as errors for the sender to pace, and
 * a call unanswered after `timeoutMs` ends (its outcome unknown). `token`: a workspace's own
 * (multi-workspace mode); SLACK_BOT_TOKEN by default.
 */
export function createNudgeClient(
  config: Config,
  timeoutMs = REQUEST_TIMEOUT_MS,
  token = config.botToken,
): WebClient {
  return new WebClient(token, {
    ...slackClientOptions(config),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: timeoutMs,
    // The scheduler logs what each post came to; the client's own warnings would repeat it.
    logLevel: LogLevel.ERROR,
  });
}

/**
 * Renders a nudge or reminder and posts it, tagged with message metadata, with a client that hands
 * 429s back (instead of waiting inside the client) so the nudge sender can pace every channel
 * itself. When Slack refuses the blocks or the length, it is posted once more as plain text. Each
 * nudge goes out with the client of its channel's workspace.
 */
export function createDeliver(clients: WebClient | ClientFor): Deliver {
  const clientFor = clientsOf(clients);
  const post = async (
    channel: string,
    content: { text: string; blocks?: unknown[] },
    tag: NudgeTag,
  ) => {
    try {
      const client = await clientFor(tag.teamId);
      if (!(client instanceof WebClient)) return client;
      const result = await client.chat.postMessage({
        channel,
        ...(content as { text: string }),
        unfurl_links: false,
        metadata: { event_type: NUDGE_EVENT_TYPE, event_payload: { claim: tag.id } },
      });
      return { ok: true as const, ...(result.ts ? { ts: result.ts } : {}) };
    } catch (error) {
      return outcomeOf(error as WebAPICallError);
    }
  };
  return async (content, tag) => {
    const rendered = render(content);
    const outcome = await post(content.channelId, rendered, tag);
    if (outcome.ok || !CONTENT_REFUSED.has(outcome.error)) return outcome;
    return post(content.channelId, renderNudgePlainText(rendered), tag);
  };
}

/** Any scheduled post (nudge, reminder, tracker follow-up, `/pairs` post) as a message. */
function render(content: NudgeContent) {
  switch (content.kind) {
    case "weekly":
      return renderWeeklyNudge(content);
    case "reminder":
      return renderReminder(content);
    case "follow-up":
      return renderFollowUp(content);
    case "pairs-signup":
      return renderPairsSignUp(content);
    case "pairs-skipped":
      return renderPairsSkipped(content);
    case "pairs-intro":
      return renderPairsIntro(content);
    case "pairs-followup":
      return renderPairsFollowUp(content);
  }
}

/**
 * Looks for a tagged nudge among the channel's messages since the tag's time
 * (`conversations.history` with metadata; needs channels:history / groups:history), with the
 * client of the channel's workspace.
 */
export function createFind(clients: WebClient | ClientFor): FindPosted {
  const clientFor = clientsOf(clients);
  return async (channel, tag) => {
    try {
      const client = await clientFor(tag.teamId);
      if (!(client instanceof WebClient)) return client;
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const result = await client.conversations.history({
          channel,
          oldest: ((tag.since - CLOCK_SKEW_MS) / 1000).toFixed(6),
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        const found = result.messages?.find(
          (m) =>
            m.metadata?.event_type === NUDGE_EVENT_TYPE &&
            (m.metadata.event_payload as { claim?: unknown } | undefined)?.claim === tag.id,
        );
        if (found) return { ok: true, ...(found.ts ? { ts: found.ts } : {}) };
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!cursor || !result.has_more) return { ok: true };
      }
      return { ok: false, error: "history_too_long" };
    } catch (error) {
      return outcomeOf(error as WebAPICallError);
    }
  };
}

/**
 * Slack's error as a PostOutcome: its error code, Retry-After for rate limits, and whether the
 * message may have been posted all the same (`uncertain`: reset, timeout, 5xx, internal error).
 */
export function outcomeOf(error: WebAPICallError): PostOutcome {
  switch (error.code) {
    case ErrorCode.RateLimitedError:
      return { ok: false, error: "ratelimited", retryAfterMs: error.retryAfter * 1000 };
    case ErrorCode.PlatformError: {
      const code = String(error.data.error);
      // Slack: "It's possible some aspect of the operation succeeded before the error was raised."
      const uncertain = code === "internal_error" || code === "fatal_error";
      return { ok: false, error: code, ...(uncertain ? { uncertain } : {}) };
    }
    case ErrorCode.HTTPError:
      return {
        ok: false,
        error: `http_${error.statusCode}`,
        ...(error.statusCode >= 500 ? { uncertain: true } : {}),
      };
    case ErrorCode.RequestError: {
      const cause = networkCode(error.original);
      // A refused connection never reached Slack; anything else (reset, timeout) may have.
      if (cause === "ECONNREFUSED") return { ok: false, error: "connection_refused" };
      return {
        ok: false,
        error: typeof cause === "string" ? cause.toLowerCase() : "request_failed",
        uncertain: true,
      };
    }
    default:
      return { ok: false, error: (error as Error).message ?? "request_failed", uncertain: true };
  }
}

/** The system error code (ECONNREFUSED, ECONNRESET…) under a failed fetch, if any. */
function networkCode(error: unknown): string | undefined {
  for (
    let e = error as
      | { code?: unknown; cause?: unknown; errors?: unknown[]; name?: unknown }
      | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) return e.code;
    const inner = e.errors?.[0] as { code?: unknown } | undefined;
    if (typeof inner?.code === "string") return inner.code;
    if (e.name === "TimeoutError") return "ETIMEDOUT";
  }
  return undefined;
}
