/** Reading Slack's answers out of the errors the Web API client throws. */

/**
 * Slack's error code in a failed Web API call (`invalid_auth`, `channel_not_found`…), or the
 * client's own code for a failure before Slack answered; undefined for anything else.
 *
 * @example
 * slackErrorCode(error); // "token_revoked"
 */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const data = (error as { data?: { error?: unknown } }).data;
  if (typeof data?.error === "string") return data.error;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** Slack's answers meaning the bot's token no longer works: only reinstalling the app helps. */
const NEEDS_REINSTALL = new Set([
  "token_revoked",
  "invalid_auth",
  "account_inactive",
  "token_expired",
  "not_authed",
]);

/** True when an error (or an error code) says the app must be reinstalled. */
export function needsReinstall(errorOrCode: unknown): boolean {
  const code = typeof errorOrCode === "string" ? errorOrCode : slackErrorCode(errorOrCode);
  return code !== undefined && NEEDS_REINSTALL.has(code);
}
