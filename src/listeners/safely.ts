import type { Logger, RespondFn } from "@slack/bolt";

export const APOLOGY =
  "Sorry, something went wrong on my side and I couldn't do that. Please try again in a moment.";

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
    await respond({ response_type: "ephemeral", replace_original: false, text: APOLOGY });
  } catch (replyError) {
    logger.error(`${where}: could not send the apology:`, replyError);
  }
}
