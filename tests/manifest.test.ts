import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { commands } from "../commands/index.ts";
import { BOT_SCOPES, REDIRECT_PATH } from "../src/listeners/oauth/index.ts";

const manifest = parse(readFileSync(new URL("../manifest.yml", import.meta.url), "utf8"));
const schema = JSON.parse(
  readFileSync(new URL("./fixtures/manifest.schema.1.0.0.json", import.meta.url), "utf8"),
);

describe("manifest.yml", () => {
  it("is valid against Slack's published manifest schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it("lists exactly the slash commands the app registers, with the same texts", () => {
    const inManifest = manifest.features.slash_commands.map(
      (c: { command: string; description: string; usage_hint: string }) => ({
        name: c.command,
        description: c.description,
        usageHint: c.usage_hint,
      }),
    );
    expect(inManifest).toEqual(
      commands.map(({ name, description, usageHint }) => ({ name, description, usageHint })),
    );
  });

  it("subscribes to the events the app listens for, with Socket Mode and interactivity on", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([
      "app_home_opened",
      "app_mention",
      "app_uninstalled",
      "message.im",
      "tokens_revoked",
    ]);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_read_only_enabled).toBe(false);
  });

  it("asks for the scopes the install flow requests, and redirects to the app's OAuth path", () => {
    expect(manifest.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    const [redirect] = manifest.oauth_config.redirect_urls;
    expect(new URL(redirect).protocol).toBe("https:");
    expect(new URL(redirect).pathname).toBe(REDIRECT_PATH);
    expect(typeof manifest.settings.token_rotation_enabled).toBe("boolean");
  });
});
