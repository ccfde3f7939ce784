/**
 * Errors are values with codes: handlers turn known codes into a short, friendly reply and log the
 * rest through one error handler.
 */
export const ErrorCode = {
  KnowledgeBaseInvalid: "knowledge_base_invalid",
  ConfigInvalid: "config_invalid",
  StoredValueInvalid: "stored_value_invalid",
  /** A stored token could not be decrypted: a different TOKEN_ENCRYPTION_KEY, or tampering. */
  TokenUndecryptable: "token_undecryptable",
  /** No installation for that workspace (never installed, or uninstalled). */
  NotInstalled: "not_installed",
  /** The store could not read or write (disk full, read-only, damaged, unreachable). */
  StoreUnavailable: "store_unavailable",
  /** Slack refused the bot token at start-up (auth.test). */
  SlackAuthFailed: "slack_auth_failed",
  /** A request from a workspace other than the one the app is installed in. */
  WrongWorkspace: "wrong_workspace",
  /** A listings source could not be read: HTTP error, unreachable, too big, or not a JSON array. */
  ListingsSourceFailed: "listings_source_failed",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error with a stable code that callers can switch on. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }
}
