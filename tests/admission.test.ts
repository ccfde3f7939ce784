import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Admission } from "../src/admission.ts";
import { ManualTimers } from "./helpers/manual-timers.ts";

/** A server whose requests are answered only when the test says so. */
async function heldServer(admission: Admission) {
  const open: Array<{ req: IncomingMessage; res: ServerResponse }> = [];
  const server: Server = createServer(
    admission.admitting((req, res) => {
      req.resume();
      open.push({ req, res });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, signal?: AbortSignal) =>
    fetch(`${base}${path}`, { method: "POST", body: path, ...(signal ? { signal } : {}) });
  const answer = (path: string) => {
    const at = open.findIndex((o) => o.req.url === path);
    const [held] = open.splice(at, 1);
    held?.res.end("ok");
  };
  const seen = () => open.map((o) => o.req.url);
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { base, post, answer, seen, close };
}

describe("admission of requests (back-pressure)", () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it("works on at most `limit` requests at once; the next starts when one is answered, in arrival order", async () => {
    const timers = new ManualTimers();
    const admission = new Admission(2, timers);
    const s = await heldServer(admission);
    close = s.close;
    const replies = ["/a", "/b", "/c", "/d"].map((p) => s.post(p));
    await vi.waitFor(() => expect(s.seen()).toEqual(["/a", "/b"]));
    expect(admission.queued).toBe(2);
    s.answer("/a");
    await vi.waitFor(() => expect(s.seen()).toEqual(["/b", "/c"]));
    s.answer("/b");
    s.answer("/c");
    await vi.waitFor(() => expect(s.seen()).toEqual(["/d"]));
    s.answer("/d");
    expect(await Promise.all(replies.map(async (r) => (await r).status))).toEqual([
      200, 200, 200, 200,
    ]);
    expect(admission.busy).toBe(0);
    // No request is left to start late.
    expect(timers.pending).toBe(0);
  });

  it("counts work that goes on after a request was answered (an event's reply after its ack)", async () => {
    const admission = new Admission(1);
    const s = await heldServer(admission);
    close = s.close;
    let finish = () => {};
    const work = admission.working(() => new Promise<void>((resolve) => (finish = resolve)));
    const reply = s.post("/next");
    await vi.waitFor(() => expect(admission.queued).toBe(1));
    expect(s.seen()).toEqual([]);
    finish();
    await work;
    await vi.waitFor(() => expect(s.seen()).toEqual(["/next"]));
    s.answer("/next");
    expect((await reply).status).toBe(200);
  });

  it("lets GET /healthz through at once while requests wait", async () => {
    const admission = new Admission(1);
    const s = await heldServer(admission);
    close = s.close;
    void s.post("/a").catch(() => undefined);
    void s.post("/b").catch(() => undefined);
    await vi.waitFor(() => expect(admission.queued).toBe(1));
    const health = fetch(`${s.base}/healthz`);
    await vi.waitFor(() => expect(s.seen()).toEqual(["/a", "/healthz"]));
    s.answer("/healthz");
    expect((await health).status).toBe(200);
    expect(admission.queued).toBe(1);
  });

  it("forgets a waiting request whose sender gave up, so it never takes a turn", async () => {
    const admission = new Admission(1);
    const s = await heldServer(admission);
    close = s.close;
    void s.post("/a");
    const gaveUp = new AbortController();
    const abandoned = s.post("/abandoned", gaveUp.signal).catch(() => "aborted");
    await vi.waitFor(() => expect(admission.queued).toBe(1));
    gaveUp.abort();
    expect(await abandoned).toBe("aborted");
    await vi.waitFor(() => expect(admission.queued).toBe(0));
    const next = s.post("/c");
    s.answer("/a");
    await vi.waitFor(() => expect(s.seen()).toEqual(["/c"]));
    s.answer("/c");
    expect((await next).status).toBe(200);
  });

  it("starts a request that waited a second anyway, over the bound, so Slack still gets its ack in time", async () => {
    const timers = new ManualTimers();
    const admission = new Admission(1, timers, 1000);
    const s = await heldServer(admission);
    close = s.close;
    // Work that does not end soon (say, a reply Slack keeps rate-limiting).
    void s.post("/stuck").catch(() => undefined);
    const late = s.post("/late");
    await vi.waitFor(() => expect(admission.queued).toBe(1));
    timers.advance(999);
    expect(admission.queued).toBe(1);
    expect(s.seen()).toEqual(["/stuck"]);
    timers.advance(1);
    await vi.waitFor(() => expect(s.seen()).toEqual(["/stuck", "/late"]));
    s.answer("/late");
    expect((await late).status).toBe(200);
  });
});
