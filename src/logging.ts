import { ConsoleLogger, type Logger, type LogLevel } from "@slack/logger";

/**
 * Secrets Slack's own clients print at debug level: the Web API client logs every request body,
 * and it redacts tokens but not the OAuth client secret that `oauth.v2.access` sends.
 */
const SECRETS: ReadonlyArray<readonly [RegExp, string]> = [
  [/("client_secret"\s*:\s*")[^"]*"/g, '$1[[REDACTED]]"'],
  [/(client_secret=)[^&\s"]+/g, "$1[[REDACTED]]"],
];

/** The text with any OAuth client secret replaced by [[REDACTED]]. */
export function redactSecrets(text: string): string {
  return SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * A logger that passes everything on to `inner` with secrets redacted from its text, so that
 * LOG_LEVEL=debug never prints the client secret.
 *
 * @example
 * const logger = redactingLogger(consoleLogger(LogLevel.DEBUG));
 */
export function redactingLogger(inner: Logger): Logger {
  const clean = (msg: unknown[]) => msg.map((m) => (typeof m === "string" ? redactSecrets(m) : m));
  return {
    debug: (...msg) => inner.debug(...clean(msg)),
    info: (...msg) => inner.info(...clean(msg)),
    warn: (...msg) => inner.warn(...clean(msg)),
    error: (...msg) => inner.error(...clean(msg)),
    setLevel: (level) => inner.setLevel(level),
    getLevel: () => inner.getLevel(),
    setName: (name) => inner.setName(name),
  };
}

/** Slack's console logger (what Bolt uses by default) at `level`. */
export function consoleLogger(level: LogLevel): Logger {
  const logger = new ConsoleLogger();
  logger.setLevel(level);
  return logger;
}
