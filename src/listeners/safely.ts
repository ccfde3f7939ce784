import type { Logger, RespondFn } from "@slack/bolt";
import { AppError, ErrorCode } from "../errors.ts";

export const APOLOGY =
  "Sorry, something went wrong on my side and I couldn't do that. Please try again in a moment.";

/** The reply when the store could not save (disk full, read-only): nothing was changed. */
export const STORE_UNAVAILABLE_REPLY =
  "I couldn't save that — nothing was changed, please try again.";

/** The apology for an error: a store failure says nothing was changed. */
export function apologyFor(error: unknown): string {
  return error instanceof AppError && error.code === ErrorCode.StoreUnavailable
    ? STORE_UNAVAILABLE_REPLY
    : APOLOGY;
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
