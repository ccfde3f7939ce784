import { ConsoleLogger, type Logger, type LogLevel } from "@slack/logger";

/**
 * Secrets Slack's own clients print at debug level: the Web API client logs every request body,
 * and it redacts tokens but not the OAuth client secret that `oauth.v2.access` sends.
 */
const SECRETS: ReadonlyArray<readonly [RegExp, string]> = [
  [/("client_secret"\s*:\s*")[^"]*"/g, '$1[[REDACTED]]"'],
  [/(client_secret=)[^&\s"]+/g, "$1[[REDACTED]]"],
];

/** Log levels, least severe first. */
const RANK = { debug: 0, info: 1, warn: 2, error: 3 } as const;

/** The text with any OAuth client secret replaced by [[REDACTED]]. */
export function redactSecrets(text: string): string {
  return SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * A logger that passes on to `inner` what its level shows, with secrets redacted from the text,
 * so that LOG_LEVEL=debug never prints the client secret.
 *
 * @example
 * const logger = redactingLogger(consoleLogger(LogLevel.DEBUG));
 */
export function redactingLogger(inner: Logger): Logger {
  const clean = (msg: unknown[]) => msg.map((m) => (typeof m === "string" ? redactSecrets(m) : m));
  // The Web API client builds a debug line of every request and response body whatever the level:
  // below `inner`'s level a line is dropped here, not scanned for secrets first.
  const shown = (level: keyof typeof RANK) =>
    RANK[level] >= (RANK[inner.getLevel() as keyof typeof RANK] ?? 0);
  return {
    debug: (...msg) => {
      if (shown("debug")) inner.debug(...clean(msg));
    },
    info: (...msg) => {
      if (shown("info")) inner.info(...clean(msg));
    },
    warn: (...msg) => {
      if (shown("warn")) inner.warn(...clean(msg));
    },
    error: (...msg) => {
      if (shown("error")) inner.error(...clean(msg));
    },
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
