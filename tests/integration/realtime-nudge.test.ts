import { describe, expect, it } from "vitest";
import { sendCommand } from "../../src/dev/slack-requests.ts";
import { startHarness } from "../helpers/harness.ts";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

// The one test on the real clock: node-cron's every-minute tick, started by the running app,
// posts a nudge scheduled through the slash command for the coming minute.
describe("a nudge scheduled for the next minute", () => {
  it("is posted by the running app's node-cron tick", async () => {
    const h = await startHarness({ cron: true });
    try {
      // The next whole minute at least 5 s away, in UTC.
      const at = new Date(Math.ceil((Date.now() + 5_000) / 60_000) * 60_000);
      const hhmm = `${String(at.getUTCHours()).padStart(2, "0")}:${String(at.getUTCMinutes()).padStart(2, "0")}`;
      await sendCommand(h.base, "/nudges", `on ${WEEKDAYS[at.getUTCDay()]} ${hhmm} UTC`, {
        responseUrl: h.slack.responseUrl("on"),
        channel: "C0LIVE",
      });
      await h.slack.waitFor((c) => c.responseId === "on");
      const [post] = await h.slack.waitFor(
        (c) => c.method === "chat.postMessage" && c.args.channel === "C0LIVE",
        1,
        130_000,
      );
      expect(String(post?.args.text)).toContain("Weekly internship nudge");
      expect(post?.at).toBeGreaterThanOrEqual(at.getTime());
      expect(h.slack.callsTo("chat.postMessage")).toHaveLength(1);
    } finally {
      await h.close();
    }
  }, 150_000);
});
