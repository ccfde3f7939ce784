import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import {
  APOLOGY,
  apologyFor,
  NEEDS_REINSTALL,
  respondOrEphemeral,
} from "../../src/listeners/safely.ts";
import { memoryLogger } from "../helpers/harness.ts";

/** A response_url that fails with `error`, and a client that records chat.postEphemeral. */
function failing(error: unknown) {
  const ephemeral: Array<Record<string, unknown>> = [];
  const respond: RespondFn = async () => {
    throw error;
  };
  // Only chat.postEphemeral is called; a test double needs no more.
  const client = {
    chat: { postEphemeral: async (args: Record<string, unknown>) => ephemeral.push(args) },
  } as unknown as WebClient;
  const reply = respondOrEphemeral(respond, client, { channel: "C1", user: "U1" }, memoryLogger());
  return { reply, ephemeral };
}

/** What Bolt's respond throws when Slack answers the response_url with an error status. */
const refused = Object.assign(new Error("Failed to respond to the response_url: 404"), {
  statusCode: 404,
});
const networkError = (code: string) => new TypeError("fetch failed", { cause: { code } });

describe("replies through response_url", () => {
  it("falls back to chat.postEphemeral when Slack refused the response_url or the connection", async () => {
    for (const error of [refused, networkError("ECONNREFUSED")]) {
      const { reply, ephemeral } = failing(error);
      await reply({ response_type: "ephemeral", text: "hello", blocks: [] });
      expect(ephemeral).toEqual([{ channel: "C1", user: "U1", text: "hello", blocks: [] }]);
    }
  });

  it("sends nothing again when the outcome is unknown (a reset after sending)", async () => {
    for (const code of ["ECONNRESET", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT"]) {
      const { reply, ephemeral } = failing(networkError(code));
      await reply({ text: "hello" });
      expect(ephemeral).toEqual([]);
    }
  });

  it("has no fallback for replacing or deleting the original message", async () => {
    const { reply, ephemeral } = failing(refused);
    await reply({ replace_original: true, text: "redrawn" });
    await reply({ delete_original: true });
    expect(ephemeral).toEqual([]);
  });

  it("apologizes with a reinstall note only when the token no longer works", () => {
    const platform = (error: string) => Object.assign(new Error(error), { data: { error } });
    expect(apologyFor(platform("token_revoked"))).toBe(NEEDS_REINSTALL);
    expect(apologyFor(platform("account_inactive"))).toBe(NEEDS_REINSTALL);
    expect(apologyFor(platform("channel_not_found"))).toBe(APOLOGY);
    expect(apologyFor(new Error("boom"))).toBe(APOLOGY);
  });
});
