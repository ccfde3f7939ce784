/**
 * `npm run bench` (second part): a listings feed polling a synthetic community listings file
 * of 20,000 records (~13 MB) served over HTTP on 127.0.0.1 with an ETag. Prints the time and the
 * extra memory (peak resident set above what the process held before) of following it (read,
 * parse, validate, baseline), of a poll that finds 25 new and 10 closed listings (read, parse,
 * diff; posting goes to an outlet that only counts), and of a poll answered 304. Wall time
 * depends on what else the machine runs; the CPU time beside it (all threads of the process,
 * including the memory sampler) much less.
 *
 * The measuring runs in a child process started fresh, so the generated file and the server do not
 * count in its memory.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { ListingsFeed, type ListingsOutlet } from "../services/listings/feed.ts";
import { openStore } from "../services/storage/store.ts";

const RECORDS = 20_000;
const CITIES = [
  "New York, NY",
  "San Francisco, CA",
  "Seattle, WA",
  "Austin, TX",
  "Remote in USA",
  "Chicago, IL",
  "Boston, MA",
  "Toronto, ON, Canada",
];
const CATEGORIES = ["Software", "AI/ML/Data", "Quant", "Product", "Hardware"];

/** A record shaped like the community lists' (same fields, similar lengths). */
function syntheticRecord(i: number, overrides: Record<string, unknown> = {}) {
  const id = createHash("md5").update(String(i)).digest("hex");
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  return {
    source: "Simplify",
    company_name: `Sample Company ${i % 3000}`,
    id: uuid,
    title: `Software Engineering Intern ${["Summer 2027", "Backend", "ML", "Infra"][i % 4]}`,
    active: i % 5 !== 0,
    terms: [["Summer 2027"], ["Fall 2026"], ["Summer 2027", "Fall 2027"]][i % 3],
    date_updated: 1_780_000_000 + i * 37,
    url: `https://jobs.example.com/c${i % 3000}/${id.slice(0, 12)}?utm_source=Simplify&ref=Simplify`,
    locations: [CITIES[i % CITIES.length], CITIES[(i * 7) % CITIES.length]],
    company_url: `https://simplify.jobs/c/Sample-Company-${i % 3000}`,
    is_visible: i % 11 !== 0,
    sponsorship: [
      "Offers Sponsorship",
      "Does Not Offer Sponsorship",
      "U.S. Citizenship is Required",
      "Other",
    ][i % 4],
    date_posted: 1_780_000_000 + i * 31,
    category: CATEGORIES[i % CATEGORIES.length],
    degrees: i % 2 ? ["Bachelor's", "Master's"] : ["Bachelor's"],
    ...overrides,
  };
}

const STEPS = [
  "follow (fetch + parse + validate + baseline)",
  "poll: 25 new (fetch + parse + diff + post)",
  "poll: 10 of them closed (… + edit)",
  "poll: unchanged (304)",
];

/**
 * The peak resident set of this process since the last reset, sampled every millisecond by a
 * worker thread (which keeps sampling while the main thread is busy parsing).
 */
function rssSampler() {
  const worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
     let max = 0;
     setInterval(() => { max = Math.max(max, process.memoryUsage.rss()); }, 1);
     parentPort.on("message", (m) => {
       if (m === "reset") max = process.memoryUsage.rss();
       parentPort.postMessage(max);
     });`,
    { eval: true },
  );
  const ask = (m: string) =>
    new Promise<number>((resolve) => {
      worker.once("message", resolve);
      worker.postMessage(m);
    });
  return { reset: () => ask("reset"), peak: () => ask("peak"), stop: () => worker.terminate() };
}

/** Every step in one process, as the app runs them: time, and peak memory above the start. */
async function measure(url: string): Promise<void> {
  const store = await openStore("memory://");
  let posted = 0;
  const outlet: ListingsOutlet = {
    post: async () => ({ ok: true, ts: String(++posted) }),
    update: async (_m, ts) => ({ ok: true, ts }),
  };
  let t = Date.parse("2026-11-23T12:00:00Z");
  const clock = {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
  const quiet = { info() {}, warn() {}, error() {} };
  const feed = new ListingsFeed({ store, outlet, clock, logger: quiet, pollMinutes: 30 });
  const sampler = rssSampler();
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  for (let step = 0; step < STEPS.length; step++) {
    await fetch(`${url}?version=${Math.min(step, 2)}`, { method: "POST" });
    t += 30 * 60_000;
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await sampler.reset();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result =
      step === 0
        ? await feed.follow("T1", "C1", "U1", url, { term: "Summer 2027" })
        : (await feed.tick())[0];
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const peak = await sampler.peak();
    const what =
      result && "posted" in result
        ? ` (posted ${result.posted}${result.digest ? " in one digest" : ""}, closed ${result.closed})`
        : "";
    console.log(
      `${(STEPS[step] as string).padEnd(44)} ${`${ms.toFixed(0)} ms`.padStart(7)} (CPU ${cpuMs.toFixed(0)} ms)   extra memory ${mb(Math.max(0, peak - before))}${what}`,
    );
  }
  await sampler.stop();
  await store.close();
}

if (process.argv[2] === "--measure") {
  await measure(process.argv[3] as string);
} else {
  const dir = await mkdtemp(path.join(tmpdir(), "listings-bench-"));
  const file = path.join(dir, "listings.json");
  const base = Array.from({ length: RECORDS }, (_, i) => syntheticRecord(i));
  let body = JSON.stringify(base, null, 4);
  const fresh = Array.from({ length: 25 }, (_, i) =>
    syntheticRecord(RECORDS + i, { active: true, is_visible: true, terms: ["Summer 2027"] }),
  );
  const versions = [
    body,
    JSON.stringify([...base, ...fresh], null, 4),
    JSON.stringify(
      [...base, ...fresh.map((r, i) => (i < 10 ? { ...r, active: false } : r))],
      null,
      4,
    ),
  ];
  await writeFile(file, body);
  console.log(
    `synthetic listings file: ${RECORDS} records, ${((await readFile(file)).byteLength / 1024 / 1024).toFixed(1)} MB`,
  );
  const etag = () => `"${createHash("sha1").update(body).digest("hex")}"`;
  const server = createServer((req, res) => {
    if (req.method === "POST") {
      const version = new URL(req.url ?? "/", "http://x").searchParams.get("version");
      body = versions[Number(version)] ?? body;
      res.writeHead(204).end();
      return;
    }
    if (req.headers["if-none-match"] === etag()) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", etag: etag() });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/listings.json`;
  // The steps run in a fresh process (its memory is the feed's own) while this one serves the file.
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", import.meta.filename, "--measure", url],
    { stdio: "inherit" },
  );
  const code: number = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  server.close();
  await rm(dir, { recursive: true, force: true });
  process.exitCode = code;
}
