/**
 * `npm run bench`: search latency (p50, p99) for one-word queries and 10-word questions, and
 * index build time, over the bundled knowledge base and synthetic copies of it x10 and x100.
 * The typo cache is off, so every query pays for its own fuzzy matching. Then store latency
 * (get, set, claim, update) of SQLite and Redis, as ratios to the in-memory store.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { redisMissing, startRedis } from "../dev/redis-server.ts";
import { KnowledgeBase } from "../services/knowledge-base/knowledge-base.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../services/knowledge-base/load.ts";
import type { Entry } from "../services/knowledge-base/schema.ts";
import { createSearch, type Search } from "../services/search/search.ts";
import { openStore, type Store } from "../services/storage/store.ts";

const ONE_WORD = [
  "leakage",
  "resume",
  "kaggle",
  "salary",
  "mlops",
  "networking",
  "overfitting",
  "referral",
  "interveiw",
  "hackathons",
  "drift",
  "quantization",
  "behavioral",
  "linkedin",
  "weather",
];

// Ten words each, as students type them: typos, filler and words the knowledge base lacks.
const TEN_WORDS = [
  "how early should I start applying for a summer ML internship",
  "what is the difference between precision and recall for imbalanced data",
  "how do I explain my computer vision project in an interview",
  "is it worth doing kaggle competitions if I want an internship",
  "how many companies should I put on my internship application list",
  "what should I do if I freeze during a coding interveiw",
  "how do teams detect model drift after they deploy a model",
  "can an international student get a machine learning internship in europe",
  "what questions should I ask the interviewer at the very end",
  "what is the weather going to be like in paris tomorrow",
];

/** N copies of every entry, each copy with its own ids and one word of its own. */
function synthetic(kb: KnowledgeBase, copies: number): KnowledgeBase {
  if (copies === 1) return kb;
  const entries: Entry[] = [];
  for (let c = 0; c < copies; c++) {
    for (const entry of kb.entries) {
      entries.push({
        ...entry,
        id: `${entry.id}-copy${c}`,
        tags: [...entry.tags, `batch${c}`],
      } as Entry);
    }
  }
  return new KnowledgeBase(entries, kb.synonyms, kb.offTopic);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function latency(
  search: Search,
  queries: readonly string[],
  rounds: number,
): { p50: number; p99: number } {
  // Warm up as a long-running server is: the first few hundred queries run while V8 is still
  // compiling the search to optimized code, which no user after the first minute sees.
  for (let r = 0; r < Math.min(rounds, 50); r++) for (const q of queries) search.search(q);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const start = performance.now();
      search.search(q);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

const loadStart = performance.now();
const bundled = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
console.log(
  `knowledge base load + validation: ${fmt(performance.now() - loadStart)} (${bundled.entries.length} entries)`,
);
console.log("size    entries  build       1-word p50   1-word p99   10-word p50  10-word p99");
for (const copies of [1, 10, 100]) {
  const kb = synthetic(bundled, copies);
  const buildStart = performance.now();
  const search = createSearch(kb, { typoCacheSize: 0 });
  const build = performance.now() - buildStart;
  const rounds = copies === 100 ? 20 : 200;
  const one = latency(search, ONE_WORD, rounds);
  const ten = latency(search, TEN_WORDS, rounds);
  console.log(
    [
      `x${copies}`.padEnd(7),
      String(kb.entries.length).padEnd(8),
      fmt(build).padEnd(11),
      fmt(one.p50).padEnd(12),
      fmt(one.p99).padEnd(12),
      fmt(ten.p50).padEnd(12),
      fmt(ten.p99),
    ].join(" "),
  );
}

// The `ask` CLI end to end, start-up included: 100 questions on standard input.
const questions = Array.from({ length: 100 }, (_, i) => TEN_WORDS[i % TEN_WORDS.length]).join("\n");
const cliStart = performance.now();
const cli = spawnSync("npm", ["run", "--silent", "ask", "--", "--json"], {
  input: questions,
  encoding: "utf8",
});
const cliMs = performance.now() - cliStart;
const answered = cli.stdout.trimEnd().split("\n").length;
console.log(
  `npm run ask --json, 100 questions on stdin: ${fmt(cliMs)} wall time, ${answered} lines (exit ${cli.status})`,
);

// Store latency: each operation timed alone, one after another (what one request waits for).
const Progress = z.object({ roles: z.record(z.string(), z.array(z.string())), at: z.string() });
type Op = "get" | "set" | "claim" | "update";
const OPS: Op[] = ["get", "set", "claim", "update"];
const STORE_ROUNDS = 2000;

async function storeLatency(store: Store): Promise<Record<Op, { p50: number; p99: number }>> {
  const c = store.collection("bench", Progress);
  const value = (i: number) => ({
    roles: { "ml-intern": ["project-story", "kaggle", `item-${i % 7}`] },
    at: new Date(1_800_000_000_000 + i).toISOString(),
  });
  for (let i = 0; i < 100; i++) await c.set(`k${i}`, value(i));
  const run: Record<Op, (i: number) => Promise<unknown>> = {
    get: (i) => c.get(`k${i % 100}`),
    set: (i) => c.set(`k${i % 100}`, value(i)),
    claim: (i) => c.claim(`claim${i}`, value(i), 60_000),
    update: (i) => c.update(`k${i % 100}`, (old) => ({ ...(old ?? value(i)), at: value(i).at })),
  };
  const out = {} as Record<Op, { p50: number; p99: number }>;
  for (const op of OPS) {
    for (let i = 0; i < 100; i++) await run[op](i); // warm up
    const times: number[] = [];
    for (let i = 0; i < STORE_ROUNDS; i++) {
      const start = performance.now();
      await run[op](i + 100);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    out[op] = { p50: percentile(times, 50), p99: percentile(times, 99) };
  }
  return out;
}

const storeDir = await mkdtemp(path.join(tmpdir(), "internprep-bench-"));
const redis = redisMissing ? undefined : await startRedis();
try {
  const stores: Array<[string, string]> = [
    ["memory", "memory://"],
    ["sqlite", `sqlite://${path.join(storeDir, "bench.sqlite")}`],
    ...(redis ? ([["redis", redis.url]] as Array<[string, string]>) : []),
  ];
  const results: Record<string, Awaited<ReturnType<typeof storeLatency>>> = {};
  for (const [name, url] of stores) {
    const store = await openStore(url);
    try {
      results[name] = await storeLatency(store);
    } finally {
      await store.close();
    }
  }
  const base = results.memory as Awaited<ReturnType<typeof storeLatency>>;
  console.log(
    `store latency, ${STORE_ROUNDS} sequential operations each: p50 / p99, and ×memory (the baseline measured in this run)`,
  );
  console.log("store   op      p50          p99          p50 ×memory  p99 ×memory");
  for (const [name] of stores) {
    for (const op of OPS) {
      const r = results[name]?.[op] as { p50: number; p99: number };
      console.log(
        [
          name.padEnd(7),
          op.padEnd(7),
          fmt(r.p50).padEnd(12),
          fmt(r.p99).padEnd(12),
          `${(r.p50 / base[op].p50).toFixed(1)}x`.padEnd(12),
          `${(r.p99 / base[op].p99).toFixed(1)}x`,
        ].join(" "),
      );
    }
  }
  if (!redis) console.log(`Redis not measured: ${redisMissing}`);
} finally {
  await redis?.stop();
  await rm(storeDir, { recursive: true, force: true });
}
