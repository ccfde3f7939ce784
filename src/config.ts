import { existsSync } from "node:fs";
import { z } from "zod";
import { AppError, ErrorCode } from "./errors.ts";

/** Where each variable comes from, shown when it is missing or malformed. */
const WHERE = {
  SLACK_BOT_TOKEN:
    "Slack app settings → OAuth & Permissions → Bot User OAuth Token (install the app to your workspace first)",
  SLACK_SIGNING_SECRET: "Slack app settings → Basic Information → App Credentials → Signing Secret",
  SLACK_APP_TOKEN:
    "Slack app settings → Basic Information → App-Level Tokens (create one with the connections:write scope)",
  SLACK_API_URL: "only for a local stand-in of Slack, e.g. http://127.0.0.1:4000/api/",
  SLACK_CLIENT_ID: "Slack app settings → Basic Information → App Credentials → Client ID",
  SLACK_CLIENT_SECRET: "Slack app settings → Basic Information → App Credentials → Client Secret",
  SLACK_STATE_SECRET:
    "any random string of 16+ characters you keep secret, e.g. `openssl rand -hex 32`",
  TOKEN_ENCRYPTION_KEY:
    "32 random bytes, base64: `openssl rand -base64 32`; keep it safe, the stored tokens cannot be read without it",
  PORT: "any free TCP port, e.g. 3000",
  STORE_URL:
    "sqlite://./var/internprep.sqlite (a file path), redis://[user:password@]host:6379[/db] or rediss://… (TLS) for a shared store, or memory:// for a throwaway store",
  LOG_LEVEL: "one of debug, info, warn, error",
  KB_DIR: "a folder of your own knowledge-base YAML files",
  ORGANIZER_IDS:
    "comma-separated Slack user ids, e.g. U012ABCDEF,U034GHIJKL (a profile → ⋮ → Copy member ID)",
  LISTINGS_POLL_MINUTES:
    "how often followed listings are checked, in whole minutes (1-1440, default 30)",
} as const;

/** `sqlite://<path>`, `memory://`, or `redis[s]://[user:password@]host:port[/db]`. */
const STORE_URL_PATTERN =
  /^(sqlite:\/\/.+|memory:\/\/|rediss?:\/\/(?:[^:@/\s]*(?::[^@/\s]*)?@)?[^:@/\s]+:\d{1,5}(?:\/\d{1,2})?\/?)$/;

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    schema.optional(),
  );

/** Multi-workspace mode ("Add to Slack"): all three OAuth variables, plus the token key. */
const OAuthEnvSchema = {
  SLACK_CLIENT_ID: optional(
    z.string().regex(/^\d+\.\d+$/, "should look like 1234567890.1234567890"),
  ),
  SLACK_CLIENT_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9]{16,}$/, "should be the 32-character client secret"),
  ),
  SLACK_STATE_SECRET: optional(z.string().min(16, "should be at least 16 characters")),
  TOKEN_ENCRYPTION_KEY: optional(
    z
      .string()
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, "should be base64")
      .transform((key) => Buffer.from(key, "base64"))
      .refine((key) => key.length === 32, "should be 32 bytes (base64 of 32 random bytes)"),
  ),
};
const OAUTH_NAMES = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;

/** A Slack user id as Slack shows it ("Copy member ID"): U… or W…, capitals and digits. */
const UserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);

/**
 * `U012ABCDEF, U034GHIJKL` → `["U012ABCDEF", "U034GHIJKL"]`; empty → `[]`. Spaces around commas
 * and a trailing comma are forgiven; anything that is not a user id is an error that names it.
 */
const UserIdList = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const ids = raw
      .split(",")
      .map((id) => id.trim())
      .filter((id) => id !== "");
    for (const id of ids) {
      if (!UserId.safeParse(id).success) {
        ctx.addIssue({
          code: "custom",
          message: `has "${id}", which is not a Slack user id (like U012ABCDEF)`,
        });
      }
    }
    return [...new Set(ids)];
  });

const StoreUrl = z
  .string()
  .regex(
    STORE_URL_PATTERN,
    "should be sqlite://<path>, redis://host:port[/db], rediss://… or memory://",
  )
  .default("sqlite://./var/internprep.sqlite");

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: optional(z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, "should look like xoxb-…")),
  SLACK_SIGNING_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9]{16,}$/, "should be the 32-character signing secret"),
  ),
  SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-[A-Za-z0-9-]+$/, "should look like xapp-…")),
  SLACK_API_URL: optional(
    z
      .url({ protocol: /^https?$/, error: "should be an http(s) URL" })
      .transform((u) => (u.endsWith("/") ? u : `${u}/`)),
  ),
  PORT: z.coerce
    .number({ error: "should be a port number" })
    .int("should be a whole number")
    .min(0, "should be 0-65535")
    .max(65535, "should be 0-65535")
    .default(3000),
  STORE_URL: StoreUrl,
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error"], { error: "should be debug, info, warn or error" })
    .default("info"),
  KB_DIR: optional(z.string()),
  ORGANIZER_IDS: UserIdList,
  ...OAuthEnvSchema,
  LISTINGS_POLL_MINUTES: optional(
    z.coerce
      .number({ error: "should be a number of minutes" })
      .int("should be a whole number of minutes")
      .min(1, "should be 1-1440")
      .max(1440, "should be 1-1440"),
  ),
});

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== "";

/**
 * The example values in `.env.example`, which pass the format checks but are not real tokens: a
 * copied `.env` that still holds one is refused by name (a test keeps this in step with the file).
 */
export const PLACEHOLDERS = {
  SLACK_BOT_TOKEN: "xoxb-your-bot-token",
  SLACK_APP_TOKEN: "xapp-your-app-token",
} as const;

function placeholderIssues(env: NodeJS.ProcessEnv, httpMode: boolean) {
  const issues: Array<{ name: string; message: string }> = [];
  for (const [name, placeholder] of Object.entries(PLACEHOLDERS)) {
    if (env[name]?.trim() !== placeholder) continue;
    // In HTTP mode the app token is not used, so the example value left in place does no harm.
    if (name === "SLACK_APP_TOKEN" && httpMode) continue;
    issues.push({
      name,
      message: `is still the placeholder from .env.example (${placeholder}): replace it with your own`,
    });
  }
  return issues;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/** The app's configuration, parsed once from the environment. */
/** Multi-workspace mode: Bolt's OAuth flow, and the key that encrypts stored tokens. */
export interface OAuthConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly stateSecret: string;
  /** AES-256-GCM key (32 bytes) for the installations' tokens at rest. */
  readonly tokenKey: Buffer;
}

export interface Config {
  readonly mode: "http" | "socket";
  /** Single-workspace mode: the one bot token. Undefined in multi-workspace mode. */
  readonly botToken: string | undefined;
  /** Multi-workspace mode ("Add to Slack") when SLACK_CLIENT_ID/SECRET/STATE_SECRET are set. */
  readonly oauth?: OAuthConfig | undefined;
  readonly signingSecret: string | undefined;
  readonly appToken: string | undefined;
  readonly slackApiUrl: string | undefined;
  readonly port: number;
  readonly storeUrl: string;
  readonly logLevel: LogLevel;
  readonly kbDir: string | undefined;
  /** Users who are organizers besides the workspace's admins and owners (ORGANIZER_IDS). */
  readonly organizerIds: readonly string[];
  /**
   * How often each followed listings source is checked (LISTINGS_POLL_MINUTES); loadConfig always
   * sets it (default 30), a hand-made Config may leave it out.
   */
  readonly listingsPollMinutes?: number;
}

/**
 * Parses the environment (and `.env` in the working directory, when present) into a frozen Config.
 * HTTP mode when SLACK_SIGNING_SECRET is set, otherwise Socket Mode with SLACK_APP_TOKEN.
 *
 * @throws {AppError} `config_invalid`, one line per variable: what is wrong, what it should look
 * like, and where to find it in Slack's app settings.
 * @example
 * const config = loadConfig(); // in src/app.ts only
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = ".env"): Config {
  if (envFile && existsSync(envFile) && env === process.env) {
    // Values already in the environment win over the file.
    process.loadEnvFile(envFile);
  }
  const httpMode = isSet(env.SLACK_SIGNING_SECRET);
  const parsed = EnvSchema.safeParse(env);
  const issues: Issue[] = [
    ...placeholderIssues(env, httpMode),
    ...(parsed.success ? [] : parsed.error.issues).map((issue) => ({
      name: String(issue.path[0] ?? "environment"),
      message: issue.message,
    })),
  ];
  // Checked apart from the schema so it is reported together with any other problem.
  if (!isSet(env.SLACK_SIGNING_SECRET) && !isSet(env.SLACK_APP_TOKEN)) {
    issues.push({
      name: "SLACK_SIGNING_SECRET",
      message: "is missing: set it for HTTP mode, or set SLACK_APP_TOKEN for Socket Mode",
    });
  }
  issues.push(...workspaceModeIssues(env));
  if (!parsed.success || issues.length > 0) {
    const lines = issues.map(({ name, message, note }) => {
      const where = name in WHERE ? ` (${WHERE[name as keyof typeof WHERE]})` : "";
      return `  ${name} ${message}${where}${note ? `; ${note}` : ""}`;
    });
    throw new AppError(
      ErrorCode.ConfigInvalid,
      `InternPrep cannot start; fix these variables (see .env.example):\n${lines.join("\n")}`,
    );
  }
  const e = parsed.data;
  const oauth =
    e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.TOKEN_ENCRYPTION_KEY
      ? Object.freeze({
          clientId: e.SLACK_CLIENT_ID,
          clientSecret: e.SLACK_CLIENT_SECRET,
          stateSecret: e.SLACK_STATE_SECRET,
          tokenKey: e.TOKEN_ENCRYPTION_KEY,
        })
      : undefined;
  return Object.freeze({
    mode: e.SLACK_SIGNING_SECRET ? "http" : "socket",
    botToken: e.SLACK_BOT_TOKEN,
    oauth,
    signingSecret: e.SLACK_SIGNING_SECRET,
    appToken: e.SLACK_APP_TOKEN === PLACEHOLDERS.SLACK_APP_TOKEN ? undefined : e.SLACK_APP_TOKEN,
    slackApiUrl: e.SLACK_API_URL,
    port: e.PORT,
    storeUrl: e.STORE_URL,
    logLevel: e.LOG_LEVEL,
    kbDir: e.KB_DIR,
    organizerIds: Object.freeze([...e.ORGANIZER_IDS]),
    listingsPollMinutes: e.LISTINGS_POLL_MINUTES ?? 30,
  });
}

/**
 * Single-workspace mode needs SLACK_BOT_TOKEN; multi-workspace mode needs all three OAuth variables
 * and TOKEN_ENCRYPTION_KEY, and refuses a bot token (as Bolt does: the token comes from each
 * workspace's installation instead).
 */
/** One problem with one variable; `note` comes after where to find it. */
interface Issue {
  name: string;
  message: string;
  note?: string;
}

function workspaceModeIssues(env: NodeJS.ProcessEnv): Issue[] {
  const oauthSet = OAUTH_NAMES.filter((name) => isSet(env[name]));
  if (oauthSet.length === 0) {
    return isSet(env.SLACK_BOT_TOKEN)
      ? []
      : [
          {
            name: "SLACK_BOT_TOKEN",
            message: "is missing",
            note: "or, for many workspaces (Add to Slack), set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and TOKEN_ENCRYPTION_KEY instead",
          },
        ];
  }
  const issues: Issue[] = OAUTH_NAMES.filter((name) => !isSet(env[name])).map((name) => ({
    name,
    message: `is missing: multi-workspace mode needs ${OAUTH_NAMES.join(", ")} together (${oauthSet.join(", ")} set)`,
  }));
  if (isSet(env.SLACK_BOT_TOKEN)) {
    issues.push({
      name: "SLACK_BOT_TOKEN",
      message:
        "must not be set together with the OAuth variables: in multi-workspace mode each workspace's token comes from its installation; remove SLACK_BOT_TOKEN, or remove the OAuth variables for one workspace",
    });
  }
  if (!isSet(env.TOKEN_ENCRYPTION_KEY)) {
    issues.push({
      name: "TOKEN_ENCRYPTION_KEY",
      message: "is missing: multi-workspace mode stores each workspace's token encrypted under it",
    });
  }
  return issues;
}

/**
 * Just STORE_URL, for command-line tools that read the app's store without Slack credentials
 * (`kb:export-learned`).
 *
 * @throws {AppError} `config_invalid` when STORE_URL is malformed.
 * @example
 * const url = storeUrlFromEnv(); // "sqlite://./var/internprep.sqlite" unless STORE_URL is set
 */
export function storeUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.STORE_URL?.trim();
  const parsed = StoreUrl.safeParse(raw ? raw : undefined);
  if (!parsed.success) {
    throw new AppError(
      ErrorCode.ConfigInvalid,
      `STORE_URL ${parsed.error.issues[0]?.message} (${WHERE.STORE_URL})`,
    );
  }
  return parsed.data;
}

/**
 * Just KB_DIR, for the command-line tools (`ask`, `kb:check`, `bench`), which run without Slack
 * credentials.
 *
 * @example
 * const extra = kbDirFromEnv(); // "../our-kb" or undefined
 */
export function kbDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.KB_DIR?.trim();
  return dir ? dir : undefined;
}

const LocalSchema = z.object({
  LOCAL_PORT: z.coerce
    .number({ error: "should be a port number" })
    .int()
    .min(0)
    .max(65535)
    .default(3030),
  LOCAL_STORE_URL: optional(
    z.string().regex(/^(sqlite:\/\/.+|memory:\/\/)$/, "should be sqlite://<path> or memory://"),
  ),
  /** `one` (default): one workspace with a bot token; `many`: two, installed with Add to Slack. */
  LOCAL_WORKSPACES: z.enum(["one", "many"], { error: "should be one or many" }).default("one"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/**
 * Settings of `npm run local`: the page's port, one workspace or two (multi-workspace mode), the
 * playground's own store (one per mode), the app's log level.
 */
export function loadLocalConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = LocalSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])} ${i.message}`);
    throw new AppError(ErrorCode.ConfigInvalid, `npm run local cannot start:\n${lines.join("\n")}`);
  }
  return Object.freeze({
    pagePort: parsed.data.LOCAL_PORT,
    workspaces: parsed.data.LOCAL_WORKSPACES,
    storeUrl:
      parsed.data.LOCAL_STORE_URL ??
      (parsed.data.LOCAL_WORKSPACES === "many"
        ? "sqlite://./var/local-many.sqlite"
        : "sqlite://./var/local.sqlite"),
    logLevel: parsed.data.LOG_LEVEL,
    kbDir: kbDirFromEnv(env),
  });
}
