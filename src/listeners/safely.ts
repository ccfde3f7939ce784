import type { Logger, RespondFn } from "@slack/bolt";
import { AppError, ErrorCode } from "../errors.ts";

export const APOLOGY =
  "Sorry, something went wrong on my side and I couldn't do that. Please try again in a moment.";

/** When the store cannot be reached: nothing the user asked for was saved, and they should know. */
export const STORE_DOWN =
  "Sorry, I couldn't save that: my storage isn't reachable right now, so nothing changed. Please try again in a moment.";

/** The apology that fits an error: the store being down says nothing changed. */
export function apologyFor(error: unknown): string {
  return error instanceof AppError && error.code === ErrorCode.StoreUnavailable
    ? STORE_DOWN
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
