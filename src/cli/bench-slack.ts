/**
 * `npm run bench:slack`: command ack latency (p50/p99) of the real app in HTTP mode, driven with
 * signed requests against the local Slack stand-in, and start-up time of `npm start`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startHarness } from "../../tests/helpers/harness.ts";
import { runEntry, waitForLine } from "../dev/processes.ts";
import { SIGNING_SECRET, sendCommand } from "../dev/slack-requests.ts";
import { realClock } from "../services/nudges/sender.ts";

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

const dir = await mkdtemp(path.join(tmpdir(), "bench-slack-"));
const h = await startHarness({ storeUrl: `sqlite://${path.join(dir, "bench.sqlite")}` });
const workload: Array<[string, string]> = [
  ["/prep", "coding"],
  ["/prep", "how early should I apply for a summer ml internship"],
  ["/skills", "ml"],
  ["/skills", ""],
  ["/prep", "what is the weather like tomorrow in paris"],
];
try {
  for (const [mode, concurrency, total] of [
    ["sequential", 1, 1000],
    ["20 at a time", 20, 2000],
  ] as const) {
    const times: number[] = [];
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const [command, text] = workload[i % workload.length] as [string, string];
        const res = await sendCommand(h.base, command, text, {
          responseUrl: h.slack.responseUrl(`b${i}`),
          user: `U${i % 50}`,
        });
        if (res.status !== 200) throw new Error(`ack failed: ${res.status}`);
        times.push(res.ms);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await h.running.idle();
    const elapsed = performance.now() - started;
    times.sort((a, b) => a - b);
    const replies = h.slack.calls.filter((c) => c.method === "response_url").length;
    console.log(
      `command ack, ${mode}: p50 ${fmt(pct(times, 50))}, p99 ${fmt(pct(times, 99))}, max ${fmt(times.at(-1) ?? 0)} over ${total} commands; ${(total / (elapsed / 1000)).toFixed(0)} commands/s including replies (${replies} replies)`,
    );
    h.slack.reset();
  }
} finally {
  await h.close();
}

// 500 channels due in the same minute, the Web API answering in about 20 ms, on the real clock
// (set two minutes back while the schedules are created, since a schedule counts from when it is set).
{
  let offset = 120_000;
  const clock = { now: () => Date.now() - offset, sleep: realClock.sleep };
  const nudges = await startHarness({
    storeUrl: `sqlite://${path.join(dir, "nudges.sqlite")}`,
    clock,
  });
  try {
    nudges.slack.latencyMs = 20;
    const due = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const weekday = ((due.getUTCDay() + 6) % 7) + 1;
    const time = `${String(due.getUTCHours()).padStart(2, "0")}:${String(due.getUTCMinutes()).padStart(2, "0")}`;
    for (let i = 0; i < 500; i++) {
      await nudges.services.channels.turnOn(
        "T0001",
        `C${i}`,
        { weekday, time, timezone: "UTC" },
        "U0ORG",
      );
    }
    offset = 0;
    const started = performance.now();
    const report = await nudges.services.scheduler.tick(new Date());
    const ms = performance.now() - started;
    console.log(
      `500 channels due in one minute, Web API at ~20 ms: ${report.posted} posted in ${(ms / 1000).toFixed(2)} s (${report.failed} failed)`,
    );
  } finally {
    await nudges.close();
  }
}

// Start-up of the real entry point, as `npm start` runs it, until it says it is ready.
for (let run = 1; run <= 3; run++) {
  const started = performance.now();
  const app = runEntry(
    "src/app.ts",
    {
      PATH: process.env.PATH ?? "",
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: "http://127.0.0.1:9/api/",
      PORT: "0",
      STORE_URL: "sqlite://./startup.sqlite",
    },
    dir,
  );
  await waitForLine(app, /InternPrep is running/);
  console.log(`start-up to ready (run ${run}): ${fmt(performance.now() - started)}`);
  app.child.kill("SIGTERM");
  await app.exited;
}
await rm(dir, { recursive: true, force: true });
