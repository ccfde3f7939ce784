import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig, PLACEHOLDERS, storeUrlFromEnv } from "../src/config.ts";

const base = {
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
  SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
};
const load = (env: Record<string, string | undefined>) => loadConfig(env as NodeJS.ProcessEnv, "");

describe("config", () => {
  it("HTTP mode with a signing secret, with defaults", () => {
    const config = load(base);
    expect(config).toMatchObject({
      mode: "http",
      port: 3000,
      storeUrl: "sqlite://./var/internprep.sqlite",
      logLevel: "info",
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("Socket Mode with only an app token", () => {
    expect(
      load({ SLACK_BOT_TOKEN: base.SLACK_BOT_TOKEN, SLACK_APP_TOKEN: "xapp-1-A-1-abc" }).mode,
    ).toBe("socket");
  });

  it("adds a trailing slash to SLACK_API_URL", () => {
    expect(load({ ...base, SLACK_API_URL: "http://127.0.0.1:4000/api" }).slackApiUrl).toBe(
      "http://127.0.0.1:4000/api/",
    );
  });

  it("names each bad variable, what it should look like and where to find it", () => {
    expect(() => load({ SLACK_BOT_TOKEN: "xoxp-user", PORT: "eighty" })).toThrowError(
      /SLACK_BOT_TOKEN should look like xoxb-… \(Slack app settings → OAuth & Permissions/,
    );
    try {
      load({ PORT: "eighty", STORE_URL: "postgres://x" });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("SLACK_BOT_TOKEN is missing");
      expect(message).toContain(
        "SLACK_SIGNING_SECRET is missing: set it for HTTP mode, or set SLACK_APP_TOKEN",
      );
      expect(message).toContain("PORT should be a port number");
      expect(message).toContain(
        "STORE_URL should be sqlite://<path>, redis://host:port[/db], rediss://… or memory://",
      );
    }
    expect.assertions(5);
  });

  it("accepts Redis store URLs, with or without credentials, database and TLS", () => {
    for (const url of [
      "redis://127.0.0.1:6379",
      "redis://redis.internal:6379/2",
      "redis://:s3cret@redis.internal:6379/0",
      "redis://app:s3cret@redis.internal:6379",
      "rediss://app:s3cret@redis.example.com:6380/1",
    ]) {
      expect(load({ ...base, STORE_URL: url }).storeUrl).toBe(url);
    }
    for (const url of ["redis://", "redis://host", "redis://host:port", "redis://host:6379/db"]) {
      expect(() => load({ ...base, STORE_URL: url }), url).toThrowError(/STORE_URL should be/);
    }
  });

  it("treats empty variables as unset", () => {
    expect(load({ ...base, SLACK_APP_TOKEN: "", KB_DIR: " " }).kbDir).toBeUndefined();
  });

  it("refuses .env.example copied as it is, naming each placeholder still in it", () => {
    const example = parseEnv(readFileSync(".env.example", "utf8"));
    // The example's token values are exactly the placeholders config.ts knows.
    expect(example.SLACK_BOT_TOKEN).toBe(PLACEHOLDERS.SLACK_BOT_TOKEN);
    expect(example.SLACK_APP_TOKEN).toBe(PLACEHOLDERS.SLACK_APP_TOKEN);
    expect(() => load(example)).toThrowError(
      /SLACK_BOT_TOKEN is still the placeholder from \.env\.example \(xoxb-your-bot-token\)/,
    );
    expect(() => load(example)).toThrowError(
      /SLACK_APP_TOKEN is still the placeholder from \.env\.example \(xapp-your-app-token\)/,
    );
  });

  it("in HTTP mode, ignores the example app token but still refuses the example bot token", () => {
    const http = { ...base, SLACK_APP_TOKEN: PLACEHOLDERS.SLACK_APP_TOKEN };
    expect(load(http)).toMatchObject({ mode: "http", appToken: undefined });
    expect(() => load({ ...http, SLACK_BOT_TOKEN: PLACEHOLDERS.SLACK_BOT_TOKEN })).toThrowError(
      /SLACK_BOT_TOKEN is still the placeholder/,
    );
  });

  it("reads ORGANIZER_IDS as a comma-separated list of user ids, forgiving spaces", () => {
    expect(load(base).organizerIds).toEqual([]);
    expect(load({ ...base, ORGANIZER_IDS: " U012ABC , W0XYZ9,,U012ABC, " }).organizerIds).toEqual([
      "U012ABC",
      "W0XYZ9",
    ]);
    expect(() => load({ ...base, ORGANIZER_IDS: "U012ABC, @alice" })).toThrowError(
      /ORGANIZER_IDS has "@alice", which is not a Slack user id \(like U012ABCDEF\) \(comma-separated Slack user ids/,
    );
  });

  it("gives the command-line tools STORE_URL without Slack credentials", () => {
    expect(storeUrlFromEnv({})).toBe("sqlite://./var/internprep.sqlite");
    expect(storeUrlFromEnv({ STORE_URL: "memory://" })).toBe("memory://");
    expect(() => storeUrlFromEnv({ STORE_URL: "redis://x" })).toThrowError(/STORE_URL should be/);
  });
});

describe("config: one workspace (token) or many (OAuth)", () => {
  const oauth = {
    SLACK_SIGNING_SECRET: base.SLACK_SIGNING_SECRET,
    SLACK_CLIENT_ID: "1111111111.2222222222",
    SLACK_CLIENT_SECRET: "0123456789abcdef0123456789abcdef",
    SLACK_STATE_SECRET: "a-long-random-state-secret",
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
  };
  const problems = (env: Record<string, string | undefined>) => {
    try {
      load(env);
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  };

  it("multi-workspace mode with the three OAuth variables and a 32-byte key, no bot token", () => {
    const config = load(oauth);
    expect(config.botToken).toBeUndefined();
    expect(config.oauth?.clientId).toBe("1111111111.2222222222");
    expect(config.oauth?.tokenKey).toEqual(Buffer.alloc(32, 5));
    expect(load(base).oauth).toBeUndefined();
  });

  it("refuses SLACK_BOT_TOKEN together with the OAuth variables", () => {
    expect(problems({ ...oauth, SLACK_BOT_TOKEN: base.SLACK_BOT_TOKEN })).toContain(
      "SLACK_BOT_TOKEN must not be set together with the OAuth variables",
    );
  });

  it("names the missing OAuth variables when only some are set", () => {
    const message = problems({ ...oauth, SLACK_CLIENT_SECRET: "", SLACK_STATE_SECRET: undefined });
    expect(message).toContain("SLACK_CLIENT_SECRET is missing: multi-workspace mode needs");
    expect(message).toContain("SLACK_STATE_SECRET is missing");
    expect(message).toContain("Basic Information → App Credentials → Client Secret");
  });

  it("needs TOKEN_ENCRYPTION_KEY in multi-workspace mode, of exactly 32 bytes", () => {
    expect(problems({ ...oauth, TOKEN_ENCRYPTION_KEY: undefined })).toContain(
      "TOKEN_ENCRYPTION_KEY is missing: multi-workspace mode stores each workspace's token encrypted",
    );
    const short = problems({ ...oauth, TOKEN_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") });
    expect(short).toContain("TOKEN_ENCRYPTION_KEY should be 32 bytes");
    expect(short).toContain("openssl rand -base64 32");
    expect(short).not.toContain(Buffer.alloc(16).toString("base64"));
  });

  it("asks for a bot token or the OAuth variables when neither is set", () => {
    expect(problems({ SLACK_SIGNING_SECRET: base.SLACK_SIGNING_SECRET })).toContain(
      "; or, for many workspaces (Add to Slack), set SLACK_CLIENT_ID",
    );
  });
});
