import { describe, expect, it } from "vitest";
import { redactingLogger, redactSecrets } from "../src/logging.ts";
import { memoryLogger } from "./helpers/harness.ts";

describe("logging", () => {
  it("redacts the OAuth client secret in JSON bodies and in form or URL parameters", () => {
    expect(redactSecrets('{"code":"c-1","client_id":"1.2","client_secret":"abc123"}')).toBe(
      '{"code":"c-1","client_id":"1.2","client_secret":"[[REDACTED]]"}',
    );
    expect(redactSecrets("client_id=1.2&client_secret=abc123&code=c-1")).toBe(
      "client_id=1.2&client_secret=[[REDACTED]]&code=c-1",
    );
    expect(redactSecrets("apiCall('chat.postMessage') start")).toBe(
      "apiCall('chat.postMessage') start",
    );
  });

  it("passes every level on, with only the secret changed", () => {
    const inner = memoryLogger();
    const logger = redactingLogger(inner);
    const error = new Error("boom");
    logger.debug('http request body: {"client_secret":"abc123"}');
    logger.info("installed", 2);
    logger.warn("client_secret=abc123");
    logger.error("failed:", error);
    expect(inner.lines).toEqual([
      'debug http request body: {"client_secret":"[[REDACTED]]"}',
      "info installed 2",
      "warn client_secret=[[REDACTED]]",
      `error failed: ${error.stack}`,
    ]);
  });

  it("drops what is below the inner logger's level without passing it on", () => {
    const inner = memoryLogger();
    inner.getLevel = () => "info" as never;
    const logger = redactingLogger(inner);
    logger.debug('http request body: {"client_secret":"abc123"}');
    logger.info("client_secret=abc123");
    expect(inner.lines).toEqual(["info client_secret=[[REDACTED]]"]);
  });
});
