import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCode, type WebAPICallError, WebClient, WebClientEvent } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SlackStandIn, WORKSPACES } from "../src/dev/slack-stand-in.ts";
import { outcomeOf } from "../src/listeners/nudges/deliver.ts";
import { createSlackFetch, type SlackFetch } from "../src/slack-transport.ts";

const TOKEN = WORKSPACES[0]?.botToken as string;
const NO_RETRIES = { retries: 0 };

let slack: SlackStandIn;
let transport: SlackFetch;

beforeAll(async () => {
  slack = await SlackStandIn.start();
});
afterAll(async () => {
  transport?.closeIdle();
  await slack.close();
});
beforeEach(() => {
  slack.reset();
  transport?.closeIdle();
  transport = createSlackFetch();
});

/** A client as the app makes them, over the transport under test. */
function client(options: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, fetch: transport, ...options });
}

/** The error a Web API call rejected with (fails the test if it did not). */
async function failure(call: Promise<unknown>): Promise<WebAPICallError> {
  try {
    await call;
  } catch (error) {
    return error as WebAPICallError;
  }
  throw new Error("the call succeeded");
}

const posted = (channel: string) => slack.history(channel).map((m) => m.text);

describe("the Web API over the keep-alive transport", () => {
  it("posts a message with its blocks and token, and reads Slack's answer and headers", async () => {
    slack.stub("auth.test", () => ({
      headers: { "x-oauth-scopes": "chat:write, commands", "x-accepted-oauth-scopes": "" },
      body: { ok: true, team_id: "T0001", user_id: "UBOT0001" },
    }));
    const web = client();
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "Apply *early* & often" } }];
    const first = await web.chat.postMessage({
      channel: "D1",
      text: "Apply early & often",
      blocks,
    });
    const second = await web.chat.postMessage({ channel: "D1", text: "ünïcödé ✓" });
    const auth = await web.auth.test();

    expect(first.ok).toBe(true);
    expect(second.ts).not.toBe(first.ts);
    expect(posted("D1")).toEqual(["Apply early & often", "ünïcödé ✓"]);
    expect(slack.callsTo("chat.postMessage")[0]?.args.blocks).toEqual(blocks);
    expect(slack.callsTo("chat.postMessage").map((c) => c.token)).toEqual([TOKEN, TOKEN]);
    expect(auth.user_id).toBe("UBOT0001");
    expect(auth.response_metadata?.scopes).toEqual(["chat:write", "commands"]);
  });

  it("carries on with a new connection after Slack drops one", async () => {
    const web = client({ retryConfig: NO_RETRIES });
    await web.chat.postMessage({ channel: "D1", text: "one" });
    slack.fault("chat.postMessage", "reset-before-accept");
    await failure(web.chat.postMessage({ channel: "D1", text: "lost" }));
    await web.chat.postMessage({ channel: "D1", text: "three" });
    expect(posted("D1")).toEqual(["one", "three"]);
  });

  it("waits out a 429's Retry-After and then posts the message once", async () => {
    slack.stub("chat.postMessage", () => ({
      status: 429,
      headers: { "retry-after": "0" },
      body: { ok: false, error: "ratelimited" },
    }));
    const web = client({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const waits: number[] = [];
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    await web.chat.postMessage({ channel: "D1", text: "after the wait" });
    expect(waits).toEqual([0]);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
    expect(posted("D1")).toEqual(["after the wait"]);
  });

  it("hands a 429 back with its Retry-After to a client that paces itself (the nudges')", async () => {
    slack.stub("chat.postMessage", () => ({
      status: 429,
      headers: { "retry-after": "30" },
      body: { ok: false, error: "ratelimited" },
    }));
    const error = await failure(
      client({ rejectRateLimitedCalls: true, retryConfig: NO_RETRIES }).chat.postMessage({
        channel: "C1",
        text: "nudge",
      }),
    );
    expect(outcomeOf(error)).toEqual({ ok: false, error: "ratelimited", retryAfterMs: 30_000 });
    expect(posted("C1")).toEqual([]);
  });

  it("reports Slack's error code when Slack refuses the call", async () => {
    slack.stub("chat.postMessage", () => ({ body: { ok: false, error: "channel_not_found" } }));
    const refused = await failure(
      client({ retryConfig: NO_RETRIES }).chat.postMessage({ channel: "C404", text: "hi" }),
    );
    expect(refused.code).toBe(ErrorCode.PlatformError);
    expect(outcomeOf(refused)).toEqual({ ok: false, error: "channel_not_found" });
  });

  it("reports a 5xx as an HTTP error whose outcome is unknown, with Slack's status and headers", async () => {
    slack.stub("chat.postMessage", () => ({
      status: 503,
      headers: { "x-slack-req-id": "req-1" },
      body: { ok: false, error: "service_unavailable" },
    }));
    const error = await failure(
      client({ retryConfig: NO_RETRIES }).chat.postMessage({ channel: "C1", text: "hi" }),
    );
    expect(error.code).toBe(ErrorCode.HTTPError);
    expect(error).toMatchObject({ statusCode: 503, headers: { "x-slack-req-id": "req-1" } });
    expect(outcomeOf(error)).toEqual({ ok: false, error: "http_503", uncertain: true });
  });

  it("treats a reset before Slack took the call as an unknown outcome, and nothing is posted", async () => {
    slack.fault("chat.postMessage", "reset-before-accept");
    const error = await failure(
      client({ retryConfig: NO_RETRIES }).chat.postMessage({ channel: "C1", text: "hi" }),
    );
    expect(error.code).toBe(ErrorCode.RequestError);
    expect(outcomeOf(error)).toMatchObject({ ok: false, uncertain: true });
    expect(posted("C1")).toEqual([]);
  });

  it("treats a reset after Slack took the call as an unknown outcome (it was posted)", async () => {
    slack.fault("chat.postMessage", "reset-after-accept");
    const error = await failure(
      client({ retryConfig: NO_RETRIES }).chat.postMessage({ channel: "C1", text: "hi" }),
    );
    expect(error.code).toBe(ErrorCode.RequestError);
    // Whoever retries must look first: the message is there.
    expect(outcomeOf(error)).toMatchObject({ ok: false, uncertain: true });
    expect(posted("C1")).toEqual(["hi"]);
  });

  it("reports a refused connection as certain: nothing reached Slack", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      new WebClient(TOKEN, {
        slackApiUrl: `http://127.0.0.1:${port}/api/`,
        fetch: transport,
        retryConfig: NO_RETRIES,
      }).chat.postMessage({ channel: "C1", text: "hi" }),
    );
    expect(error.code).toBe(ErrorCode.RequestError);
    expect(outcomeOf(error)).toEqual({ ok: false, error: "connection_refused" });
  });

  it("refuses to follow a redirect, as WebClient asks", async () => {
    slack.stub("chat.postMessage", () => ({
      status: 302,
      headers: { location: `${slack.apiUrl}chat.postMessage` },
      body: {},
    }));
    const error = await failure(
      client({ retryConfig: NO_RETRIES }).chat.postMessage({ channel: "C1", text: "hi" }),
    );
    expect(error.code).toBe(ErrorCode.RequestError);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
    expect(posted("C1")).toEqual([]);
  });

  it("stops waiting when the call is aborted, with the abort's reason", async () => {
    slack.fault("chat.postMessage", "timeout-after-accept");
    const abort = new AbortController();
    const call = transport(`${slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "channel=C1&text=hi",
      redirect: "error",
      signal: abort.signal,
    });
    await slack.waitFor((c) => c.method === "chat.postMessage");
    const reason = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    abort.abort(reason);
    await expect(call).rejects.toBe(reason);
    // A WebClient with a timeout gets the same reason: an unknown outcome, as a timeout is.
    expect(
      outcomeOf(
        Object.assign(new Error("request failed"), {
          code: ErrorCode.RequestError,
          original: reason,
        }) as WebAPICallError,
      ),
    ).toEqual({ ok: false, error: "etimedout", uncertain: true });
  });

  it("gives up on a server that never answers instead of waiting forever", async () => {
    transport = createSlackFetch({ silenceMs: 50 });
    slack.fault("chat.postMessage", "timeout-after-accept");
    const error = await failure(
      client({ retryConfig: NO_RETRIES }).chat.postMessage({ channel: "C1", text: "hi" }),
    );
    expect(error.code).toBe(ErrorCode.RequestError);
    expect(outcomeOf(error)).toEqual({ ok: false, error: "etimedout", uncertain: true });
  });

  it("leaves what WebClient does not send this way (a file's form data, a response_url reply) to the platform's fetch", async () => {
    const web = client({ retryConfig: NO_RETRIES });
    const upload = await web.apiCall("files.upload", {
      channels: "C1",
      file: Buffer.from("name,stage\nAcme,applied\n"),
    });
    const reply = await transport(slack.responseUrl("r1"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: "your reply" }),
    });
    expect(upload.ok).toBe(true);
    expect(slack.callsTo("files.upload")).toHaveLength(1);
    expect(reply.ok).toBe(true);
    expect(slack.callsTo("response_url").map((c) => c.args.text)).toEqual(["your reply"]);
  });
});
