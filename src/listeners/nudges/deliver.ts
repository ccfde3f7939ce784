import { ErrorCode, type WebAPICallError, WebClient } from "@slack/web-api";
import { renderReminder, renderWeeklyNudge } from "../../blocks/deadlines.ts";
import type { Config } from "../../config.ts";
import type { Deliver } from "../../services/nudges/scheduler.ts";
import type { PostOutcome } from "../../services/nudges/sender.ts";

/** The client for a workspace's nudges, or undefined when the app is not installed there. */
export type ClientFor = (teamId: string) => Promise<WebClient | undefined>;

/** A Web API client for nudges: rate-limited calls come back as errors for the sender to pace. */
export function createNudgeClient(config: Config, token = config.botToken): WebClient {
  return new WebClient(token, {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
}

/**
 * Renders a nudge or reminder and posts it with a client that hands 429s back (instead of waiting
 * inside the client), so the nudge sender can pace every channel itself. One client (one
 * workspace), or the client of each nudge's workspace (multi-workspace mode).
 */
export function createDeliver(clients: WebClient | ClientFor): Deliver {
  const clientFor: ClientFor = typeof clients === "function" ? clients : async () => clients;
  return async (content) => {
    const rendered =
      content.kind === "weekly" ? renderWeeklyNudge(content) : renderReminder(content);
    try {
      const client = await clientFor(content.teamId);
      if (!client) return { ok: false, error: "not_installed" };
      const result = await client.chat.postMessage({
        channel: content.channelId,
        ...rendered,
        unfurl_links: false,
      });
      return { ok: true, ...(result.ts ? { ts: result.ts } : {}) };
    } catch (error) {
      return outcomeOf(error);
    }
  };
}

/** Slack's error as a PostOutcome: its error code, and Retry-After for rate limits. */
export function outcomeOf(thrown: unknown): PostOutcome {
  const error = thrown as WebAPICallError;
  switch (error?.code) {
    case ErrorCode.RateLimitedError:
      return { ok: false, error: "ratelimited", retryAfterMs: error.retryAfter * 1000 };
    case ErrorCode.PlatformError:
      return { ok: false, error: String(error.data.error) };
    case ErrorCode.HTTPError:
      return { ok: false, error: `http_${error.statusCode}` };
    default:
      return { ok: false, error: error?.message ?? "request_failed" };
  }
}
