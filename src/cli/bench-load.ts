/**
 * `npm run bench:load`: the app under load, side by side with bare Bolt floors of the same
 * `@slack/bolt` (src/dev/bare-bolt.ts), against the local Slack stand-in, on loopback only.
 *
 * Each server is pinned to core 0 (`taskset`, where it exists) and this process, the load
 * generator and the stand-in, to core 1. Every scenario runs for a fixed time with 50 connections
 * of autocannon, every request freshly signed; a reply counts when it reaches the stand-in (a
 * response_url post, chat.postMessage, views.publish) or comes back in the ack's body, and is
 * matched to its request by an id in the request (response_url, DM channel, user). The figures
 * are the medians of 3 rounds; ratios are taken within each round, against the floor of that round.
 *
 * The machine is shared and its speed drifts within seconds, so each app scenario is measured in
 * slices taken in turn with slices of the floor its goal is set against (S0 for commands, F2 for
 * DMs and App Home), both servers up and pinned to the same core: the ratio in the table compares
 * the two under the same conditions. The floors' own rows are measured on their own, as before.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { freePort, ROOT } from "../dev/processes.ts";
import {
  eventCallback,
  SIGNING_SECRET,
  signedHeaders,
  slashCommand,
} from "../dev/slack-requests.ts";
import { type RecordedCall, SlackStandIn } from "../dev/slack-stand-in.ts";

/** `-- --rounds N` (default 3) and `-- --only dm,home` (kinds: command, dm, home) for a quicker look. */
function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
const ROUNDS = Math.max(1, Number(option("rounds") ?? 3) || 3);
const ONLY = new Set((option("only") ?? "command,dm,home").split(","));
const WARMUP_S = 1;
const DURATION_S = 3;
/** An app scenario and its floor take turns in this many slices, of DURATION_S / SLICES each. */
const SLICES = 3;
const CONNECTIONS = 50;
const QUESTION = "how early should I apply for a summer ML internship";

type Kind = "command" | "dm" | "home";
type Floor = "S0" | "F1" | "F2";

interface Scenario {
  name: string;
  kind: Kind;
  command?: string;
  text?: string;
}

const COMMANDS: Scenario[] = [
  { name: "/skills", kind: "command", command: "/skills", text: "" },
  { name: "/skills ml", kind: "command", command: "/skills", text: "ml" },
  { name: "/prep behavioral", kind: "command", command: "/prep", text: "behavioral" },
  { name: "/prep <10-word question>", kind: "command", command: "/prep", text: QUESTION },
];
const DM: Scenario = { name: "DM question (message.im)", kind: "dm" };
const HOME: Scenario = { name: "app_home_opened", kind: "home" };

/** What one drive of one server measured: merged over slices into `Figures`. */
interface Sample {
  requests: number;
  seconds: number;
  ackLatencies: number[];
  replyLatencies: number[];
  rssPeakMb: number;
  errors: number;
  problems: number;
}

interface Figures {
  reqPerS: number;
  ackP50: number;
  ackP99: number;
  repliesPerS: number;
  replyP50: number;
  replyP99: number;
  rssPeakMb: number;
  errors: number;
  problems: number;
}

interface Server {
  child: ChildProcess;
  port: number;
  startupMs: number;
  /** When its first `GET /healthz` answered 200 (performance.now()). */
  readyAt: number;
  /** RSS 1 s after start-up. */
  startRssMb: number;
  stderr: string[];
}

/**
 * Idle RSS is read this long after a server's start-up, before any request: by then the app's
 * post-start garbage collection and V8's own memory reducer (which gives back memory ~8 s after
 * activity stops) have run, as in a deployment that waits for its first message.
 */
const SETTLE_MS = 10_000;

/** A server's RSS at rest: once SETTLE_MS have passed since its start-up (waiting if need be). */
async function settledRssMb(server: Server): Promise<number> {
  await sleep(Math.max(0, server.readyAt + SETTLE_MS - performance.now()));
  return rssMb(server.child.pid as number);
}

const pinned = existsSync("/usr/bin/taskset") || existsSync("/bin/taskset");
if (pinned) execFileSync("taskset", ["-apc", "1", String(process.pid)], { stdio: "ignore" });

/**
 * How `npm start` runs the app, read from package.json, and the bare floor run the same way:
 * `tsx <file>.ts` through tsx's loader, `node <file>.js` as compiled JavaScript. Node flags in
 * `npm start` (the app's own memory tuning) are the app's: the floor runs with Node's defaults.
 */
function entryPoints(): { app: string[]; bare: string[] } {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [tool, ...args] = (pkg.scripts.start ?? "").trim().split(/\s+/);
  const file = args.at(-1);
  const flags = args.slice(0, -1);
  if (tool === "tsx" && file) {
    const tsx = ["--import", import.meta.resolve("tsx")];
    return {
      app: [...tsx, ...flags, path.join(ROOT, file)],
      bare: [...tsx, path.join(ROOT, "src/dev/bare-bolt.ts")],
    };
  }
  if (tool === "node" && file) {
    // `npm run build` compiles both, side by side in dist/.
    return {
      app: [...flags, path.join(ROOT, file)],
      bare: [path.join(ROOT, path.dirname(file), "dev/bare-bolt.js")],
    };
  }
  throw new Error(`bench:load does not know how to run "npm start" = ${pkg.scripts.start}`);
}

function rssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spawns a server pinned to core 0 and times it from spawn to its first `GET /healthz` 200. */
async function startServer(args: string[], env: NodeJS.ProcessEnv, cwd: string, port: number) {
  const argv = [process.execPath, ...args];
  const started = performance.now();
  const child = pinned
    ? spawn("taskset", ["-c", "0", ...argv], { cwd, env, stdio: ["ignore", "ignore", "pipe"] })
    : spawn(argv[0] as string, argv.slice(1), { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  const stderr: string[] = [];
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`${args.join(" ")} exited before /healthz:\n${stderr.join("")}`);
    if (performance.now() - started > 30_000) throw new Error(`${args.join(" ")}: no /healthz`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(5);
  }
  const readyAt = performance.now();
  const startupMs = readyAt - started;
  await sleep(1000);
  return { child, port, startupMs, readyAt, startRssMb: rssMb(child.pid), stderr } satisfies Server;
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  if (server.child.exitCode === null) server.child.kill("SIGKILL");
}

let nextId = 1;

/** The body of request `id` of a scenario, and the reply id it is matched by. */
function requestFor(scenario: Scenario, id: number, slack: SlackStandIn) {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(id).padStart(6, "0")}`;
  switch (scenario.kind) {
    case "command":
      return {
        contentType: "application/x-www-form-urlencoded",
        body: slashCommand(scenario.command as string, scenario.text as string, {
          user: `U${id % 500}`,
          responseUrl: slack.responseUrl(`r${id}`),
        }),
      };
    case "dm":
      return {
        contentType: "application/json",
        body: eventCallback(
          {
            type: "message",
            channel_type: "im",
            channel: `D${id}`,
            user: `U${id % 500}`,
            text: QUESTION,
            ts,
            event_ts: ts,
          },
          `EvLoad${id}`,
        ),
      };
    case "home":
      return {
        contentType: "application/json",
        body: eventCallback(
          { type: "app_home_opened", user: `U${id}`, channel: `D${id}`, tab: "home", event_ts: ts },
          `EvLoad${id}`,
        ),
      };
  }
}

/** The request id a call to the stand-in answers, if it is a visible reply. */
function replyId(call: RecordedCall): number | undefined {
  const raw =
    call.method === "response_url"
      ? call.responseId?.replace(/^r/, "")
      : call.method === "chat.postMessage"
        ? String(call.args.channel).replace(/^D/, "")
        : call.method === "views.publish"
          ? String(call.args.user_id).replace(/^U/, "")
          : undefined;
  const id = Number(raw);
  return raw && Number.isInteger(id) ? id : undefined;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

/** Drives one scenario against one server for `seconds` and measures it. */
async function drive(
  server: Server,
  scenario: Scenario,
  slack: SlackStandIn,
  seconds: number,
): Promise<Sample> {
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  const acks: number[] = [];
  let problems = 0;
  let lastReply = performance.now();
  const onCall = (call: RecordedCall) => {
    const id = replyId(call);
    const at = id === undefined ? undefined : sent.get(id);
    if (id === undefined || at === undefined) return;
    sent.delete(id);
    latencies.push(performance.now() - at);
    problems += call.problems.length;
    lastReply = performance.now();
  };
  slack.on("call", onCall);
  let rssPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMb(server.child.pid));
  }, 50);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/slack/events`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: "POST",
        setupRequest: (request, context) => {
          const id = nextId++;
          const { body, contentType } = requestFor(scenario, id, slack);
          const sentAt = performance.now();
          context.id = id;
          context.sentAt = sentAt;
          sent.set(id, sentAt);
          return {
            ...request,
            path: "/slack/events",
            headers: { "content-type": contentType, ...signedHeaders(body) },
            body,
          };
        },
        // A reply in the ack's body is visible as soon as the ack arrives.
        onResponse: (status, body, context) => {
          acks.push(performance.now() - (context.sentAt as number));
          const at = sent.get(context.id as number);
          if (status !== 200 || at === undefined || !body.includes('"text"')) return;
          sent.delete(context.id as number);
          latencies.push(performance.now() - at);
          lastReply = performance.now();
        },
      },
    ],
  });
  // Replies still on their way to the stand-in: wait until none has come for 500 ms (at most 5 s).
  const ended = performance.now();
  while (
    scenario.kind !== "command" &&
    performance.now() - lastReply < 500 &&
    performance.now() - ended < 5000
  ) {
    await sleep(50);
  }
  clearInterval(sampler);
  slack.off("call", onCall);
  slack.calls.length = 0;
  return {
    requests: result["2xx"],
    seconds: result.duration || seconds,
    ackLatencies: acks,
    replyLatencies: latencies,
    rssPeakMb: rssPeak,
    errors: result.non2xx + result.errors + result.timeouts,
    problems,
  };
}

/** Figures over one or more drives of the same server and scenario. */
function figuresOf(samples: Sample[]): Figures {
  const seconds = samples.reduce((sum, x) => sum + x.seconds, 0);
  const acks = samples.flatMap((x) => x.ackLatencies).sort((a, b) => a - b);
  const replies = samples.flatMap((x) => x.replyLatencies).sort((a, b) => a - b);
  return {
    reqPerS: samples.reduce((sum, x) => sum + x.requests, 0) / seconds,
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
    repliesPerS: replies.length / seconds,
    replyP50: percentile(replies, 50),
    replyP99: percentile(replies, 99),
    rssPeakMb: Math.max(...samples.map((x) => x.rssPeakMb)),
    errors: samples.reduce((sum, x) => sum + x.errors, 0),
    problems: samples.reduce((sum, x) => sum + x.problems, 0),
  };
}

async function measure(server: Server, scenario: Scenario, slack: SlackStandIn) {
  await drive(server, scenario, slack, WARMUP_S);
  return figuresOf([await drive(server, scenario, slack, DURATION_S)]);
}

/**
 * The app and a floor (already warm) in turns of DURATION_S / SLICES seconds each, after the
 * app's warm-up: figures for both, under the same conditions.
 */
async function measurePaired(
  app: Server,
  floor: Server,
  scenario: Scenario,
  floorScenario: Scenario,
  slack: SlackStandIn,
): Promise<{ app: Figures; floor: Figures }> {
  await drive(app, scenario, slack, WARMUP_S);
  const appSlices: Sample[] = [];
  const floorSlices: Sample[] = [];
  for (let k = 0; k < SLICES; k++) {
    appSlices.push(await drive(app, scenario, slack, DURATION_S / SLICES));
    floorSlices.push(await drive(floor, floorScenario, slack, DURATION_S / SLICES));
  }
  return { app: figuresOf(appSlices), floor: figuresOf(floorSlices) };
}

/** Where a floor's slices taken in turn with an app scenario are kept. */
const pairedKey = (floor: string, scenario: string) => `${floor} with ${scenario}`;

interface Round {
  figures: Map<string, Figures>;
  appStartupMs: number;
  bareStartupMs: number;
  appStartMb: number;
  bareStartMb: number;
  appIdleMb: number;
  bareIdleMb: number;
}

async function runRound(slack: SlackStandIn, dir: string, round: number): Promise<Round> {
  const { app, bare } = entryPoints();
  const figures = new Map<string, Figures>();
  const bareServer = async (floor: Floor) => {
    const port = await freePort();
    return startServer(
      [...bare, floor, String(port), slack.apiUrl, SIGNING_SECRET],
      { PATH: process.env.PATH ?? "" },
      dir,
      port,
    );
  };

  // S0 and the app start first and rest while the other floors are measured, so their idle RSS
  // is read settled without making the run longer.
  const s0 = await bareServer("S0");
  const port = await freePort();
  const appServer = await startServer(
    app,
    {
      PATH: process.env.PATH ?? "",
      SLACK_BOT_TOKEN: "xoxb-bench-load",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      STORE_URL: `sqlite://${path.join(dir, `round${round}.sqlite`)}`,
    },
    dir,
    port,
  );
  if (ONLY.has("command")) {
    const f1 = await bareServer("F1");
    figures.set("F1", await measure(f1, COMMANDS[0] as Scenario, slack));
    await stopServer(f1);
  }
  // F2 stays up, as S0 does, to take turns with the app's DM and App Home scenarios.
  const f2 = ONLY.has("dm") || ONLY.has("home") ? await bareServer("F2") : undefined;
  if (f2 && ONLY.has("dm")) figures.set("F2 dm", await measure(f2, DM, slack));
  if (f2 && ONLY.has("home")) figures.set("F2 home", await measure(f2, HOME, slack));
  const bareIdleMb = await settledRssMb(s0);
  figures.set("S0", await measure(s0, COMMANDS[0] as Scenario, slack));
  const appIdleMb = await settledRssMb(appServer);
  for (const scenario of [...COMMANDS, DM, HOME].filter((s) => ONLY.has(s.kind))) {
    const [floor, floorScenario, floorKey] =
      scenario.kind === "command"
        ? [s0, COMMANDS[0] as Scenario, "S0"]
        : [f2 as Server, scenario, scenario.kind === "dm" ? "F2 dm" : "F2 home"];
    const paired = await measurePaired(appServer, floor, scenario, floorScenario, slack);
    figures.set(scenario.name, paired.app);
    figures.set(pairedKey(floorKey, scenario.name), paired.floor);
  }
  await stopServer(appServer);
  await stopServer(s0);
  if (f2) await stopServer(f2);
  if (appServer.stderr.length > 0)
    process.stderr.write(`app stderr:\n${appServer.stderr.join("")}`);
  return {
    figures,
    appStartupMs: appServer.startupMs,
    bareStartupMs: s0.startupMs,
    appStartMb: appServer.startRssMb,
    bareStartMb: s0.startRssMb,
    appIdleMb,
    bareIdleMb,
  };
}

const median = (values: number[]) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor(sorted.length / 2)] as number);
};

const fixed = (value: number, digits = 0) => (Number.isNaN(value) ? "-" : value.toFixed(digits));

function table(rounds: Round[]): string {
  const of = (round: Round, key: string) => round.figures.get(key) as Figures;
  const med = (key: string, pick: (f: Figures) => number) =>
    median(rounds.map((r) => pick(of(r, key))));
  // Against the floor's slices taken in turn with this scenario, where there are some.
  const floorOf = (round: Round, key: string, floor: string) =>
    round.figures.get(pairedKey(floor, key)) ?? of(round, floor);
  const ratio = (key: string, floor: string, pick: (f: Figures) => number) =>
    median(rounds.map((r) => pick(of(r, key)) / pick(floorOf(r, key, floor))));
  const header = [
    "scenario",
    "req/s",
    "ack p50/p99 ms",
    "replies/s",
    "request→reply p50/p99 ms",
    "RSS peak MB",
    "req/s ÷ S0",
    "÷ its floor: req/s, reply p99",
  ];
  const rows: string[][] = [];
  const row = (label: string, key: string, floor?: string) => {
    if (!rounds.every((r) => r.figures.has(key))) return;
    const f = (pick: (x: Figures) => number, digits = 0) => fixed(med(key, pick), digits);
    rows.push([
      label,
      f((x) => x.reqPerS),
      `${f((x) => x.ackP50)} / ${f((x) => x.ackP99)}`,
      f((x) => x.repliesPerS),
      `${f((x) => x.replyP50, 1)} / ${f((x) => x.replyP99, 1)}`,
      f((x) => x.rssPeakMb),
      fixed(
        ratio(key, "S0", (x) => x.reqPerS),
        2,
      ),
      floor
        ? `${fixed(
            ratio(key, floor, (x) => x.reqPerS),
            2,
          )} of ${floor.split(" ")[0]}, ${fixed(
            ratio(key, floor, (x) => x.replyP99),
            2,
          )}`
        : "",
    ]);
  };
  for (const s of COMMANDS) row(`app ${s.name}`, s.name, "F1");
  row(`app ${DM.name}`, DM.name, "F2 dm");
  row(`app ${HOME.name}`, HOME.name, "F2 home");
  row("floor S0: ack only (/skills)", "S0");
  row("floor F1: ack + respond() (/skills)", "F1");
  row("floor F2: DM → chat.postMessage", "F2 dm");
  row("floor F2: app_home_opened → views.publish", "F2 home");
  const startupApp = median(rounds.map((r) => r.appStartupMs));
  const startupBare = median(rounds.map((r) => r.bareStartupMs));
  rows.push([
    "start-up: spawn → GET /healthz 200, ms (app / bare S0)",
    `${fixed(startupApp)} / ${fixed(startupBare)}`,
    "",
    "",
    "",
    "",
    "",
    `${fixed(median(rounds.map((r) => r.appStartupMs / r.bareStartupMs)), 2)} of bare`,
  ]);
  // Memory rows: app / bare S0, in the RSS column.
  const rssRow = (label: string, app: (r: Round) => number, bare: (r: Round) => number) =>
    rows.push([
      label,
      "",
      "",
      "",
      "",
      `${fixed(median(rounds.map(app)))} / ${fixed(median(rounds.map(bare)))}`,
      "",
      "",
    ]);
  rssRow(
    "RSS 1 s after start-up MB (app / bare S0)",
    (r) => r.appStartMb,
    (r) => r.bareStartMb,
  );
  rssRow(
    `RSS idle MB, ${SETTLE_MS / 1000} s after start-up (app / bare S0)`,
    (r) => r.appIdleMb,
    (r) => r.bareIdleMb,
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

const dir = await mkdtemp(path.join(tmpdir(), "bench-load-"));
const slack = await SlackStandIn.start();
const rounds: Round[] = [];
const started = performance.now();
try {
  for (let round = 1; round <= ROUNDS; round++) {
    rounds.push(await runRound(slack, dir, round));
    console.error(
      `round ${round} of ${ROUNDS} done (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
} finally {
  await slack.close();
  await rm(dir, { recursive: true, force: true });
}
const { app } = entryPoints();
console.log(
  `npm run bench:load: ${ROUNDS} rounds, each scenario ${WARMUP_S} s warm-up + ${DURATION_S} s with ${CONNECTIONS} connections, the app's in ${SLICES} turns with its floor's (S0 for commands, F2 for DM and App Home); ` +
    `server ${pinned ? "pinned to core 0, load on core 1 (taskset)" : "not pinned (no taskset)"}; app = node ${app.map((a) => (path.isAbsolute(a) ? path.relative(ROOT, a) : a)).join(" ")}; medians of the rounds\n`,
);
console.log(table(rounds));
const errors = rounds.flatMap((r) =>
  [...r.figures].filter(([, f]) => f.errors > 0 || f.problems > 0),
);
for (const [key, f] of errors) {
  console.log(`! ${key}: ${f.errors} failed requests, ${f.problems} Block Kit problems in replies`);
}
console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
