import type { Logger, RespondArguments, RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { AppError, ErrorCode } from "../errors.ts";
import { needsReinstall } from "../slack-errors.ts";

export const APOLOGY =
  "Sorry, something went wrong on my side and I couldn't do that. Please try again in a moment.";

/** The reply when the store could not save (disk full, read-only): nothing was changed. */
export const STORE_UNAVAILABLE_REPLY =
  "I couldn't save that — nothing was changed, please try again.";

/** Said instead of "try again" when Slack no longer accepts the app's token: trying again won't help. */
export const NEEDS_REINSTALL =
  "I couldn't do that: Slack no longer accepts InternPrep's access to this workspace (it was revoked, or the app was uninstalled or deactivated). Trying again won't help; please ask a workspace admin to reinstall the app.";

/**
 * The short reply for a failure a user ran into: a store failure says nothing was changed, a
 * refused token says the app needs reinstalling, anything else apologizes.
 */
export function apologyFor(error: unknown): string {
  if (error instanceof AppError && error.code === ErrorCode.StoreUnavailable) {
    return STORE_UNAVAILABLE_REPLY;
  }
  return needsReinstall(error) ? NEEDS_REINSTALL : APOLOGY;
}

/** Logs a handler's failure and tells the user with a short apology, without ever throwing. */
export async function apologizeWith(
  respond: RespondFn | undefined,
  logger: Logger,
  error: unknown,
  where: string,
): Promise<void> {
  logger.error(`${where} failed:`, error);
  if (!respond) return;
  try {
    await respond({ response_type: "ephemeral", replace_original: false, text: apologyFor(error) });
  } catch (replyError) {
    logger.error(`${where}: could not send the apology:`, replyError);
  }
}

/** Slack answered the response_url with an error status, or the connection was refused. */
function certainlyNotShown(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (typeof (error as { statusCode?: unknown }).statusCode === "number") return true;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return cause?.code === "ECONNREFUSED";
}

/**
 * `respond` that falls back to `chat.postEphemeral` to the same user in the same channel when the
 * response_url certainly failed (Slack answered with an error status, e.g. an expired URL, or refused
 * the connection), so the user still sees the reply. When the outcome is unknown (a reset, a
 * timeout), nothing is sent again. Replacing or deleting the original message has no fallback.
 *
 * @example
 * const reply = respondOrEphemeral(args.respond, args.client, { channel: "C1", user: "U1" }, logger);
 */
export function respondOrEphemeral(
  respond: RespondFn,
  client: WebClient,
  to: { channel: string | undefined; user: string },
  logger: Logger,
): RespondFn {
  return async (message) => {
    const args: RespondArguments = typeof message === "string" ? { text: message } : message;
    try {
      return await respond(args);
    } catch (error) {
      if (args.replace_original === true || args.delete_original === true || !to.channel) {
        logger.error("response_url failed; the original message was left as it was:", error);
        return Response.json({ ok: false }, { status: 502 });
      }
      if (!certainlyNotShown(error)) {
        // The reply may have been shown (a reset after Slack took it): a second copy is worse.
        logger.error("response_url failed with an unknown outcome; not replying again:", error);
        return Response.json({ ok: false }, { status: 504 });
      }
      logger.warn("response_url failed; replying with chat.postEphemeral instead:", error);
      await client.chat.postEphemeral({
        channel: to.channel,
        user: to.user,
        text: args.text ?? "",
        ...("blocks" in args && args.blocks ? { blocks: args.blocks } : {}),
      });
      return Response.json({ ok: true, via: "chat.postEphemeral" });
    }
  };
}
