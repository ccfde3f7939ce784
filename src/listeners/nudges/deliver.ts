import { ErrorCode, type WebAPICallError, WebClient } from "@slack/web-api";
import { renderReminder, renderWeeklyNudge } from "../../blocks/deadlines.ts";
import { renderFollowUp } from "../../blocks/tracker.ts";
import type { Config } from "../../config.ts";
import type { Deliver } from "../../services/nudges/scheduler.ts";
import type { PostOutcome } from "../../services/nudges/sender.ts";

/** A Web API client for nudges: rate-limited calls come back as errors for the sender to pace. */
export function createNudgeClient(config: Config): WebClient {
  return new WebClient(config.botToken, {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
}

/**
 * Renders a nudge or reminder and posts it with a client that hands 429s back (instead of waiting
 * inside the client), so the nudge sender can pace every channel itself.
 */
export function createDeliver(client: WebClient): Deliver {
  return async (content) => {
    const rendered =
      content.kind === "weekly"
        ? renderWeeklyNudge(content)
        : content.kind === "reminder"
          ? renderReminder(content)
          : renderFollowUp(content);
    try {
      const result = await client.chat.postMessage({
        channel: content.channelId,
        ...rendered,
        unfurl_links: false,
      });
      return { ok: true, ...(result.ts ? { ts: result.ts } : {}) };
    } catch (error) {
      return outcomeOf(error as WebAPICallError);
    }
  };
}

/** Slack's error as a PostOutcome: its error code, and Retry-After for rate limits. */
export function outcomeOf(error: WebAPICallError): PostOutcome {
  switch (error.code) {
    case ErrorCode.RateLimitedError:
      return { ok: false, error: "ratelimited", retryAfterMs: error.retryAfter * 1000 };
    case ErrorCode.PlatformError:
      return { ok: false, error: String(error.data.error) };
    case ErrorCode.HTTPError:
      return { ok: false, error: `http_${error.statusCode}` };
    default:
      return { ok: false, error: error.message ?? "request_failed" };
  }
}
