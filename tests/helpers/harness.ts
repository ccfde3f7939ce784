import type { Logger } from "@slack/bolt";
import type { Config } from "../../src/config.ts";
import { SIGNING_SECRET } from "../../src/dev/slack-requests.ts";
import { CLIENT_ID, CLIENT_SECRET, SlackStandIn } from "../../src/dev/slack-stand-in.ts";
import type { Timers } from "../../src/listeners/home.ts";
import { createListingsOutlet } from "../../src/listeners/listings/outlet.ts";
import {
  createDeliver,
  createFind,
  createNudgeClient,
} from "../../src/listeners/nudges/deliver.ts";
import { createTeamClients } from "../../src/listeners/nudges/team-clients.ts";
import { createPairsSlack } from "../../src/listeners/pairs/slack.ts";
import { createServices, prepareServices, type Services } from "../../src/services/index.ts";
import { Installations } from "../../src/services/installations/installations.ts";
import { TokenCipher } from "../../src/services/installations/token-cipher.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../src/services/knowledge-base/load.ts";
import type { Clock } from "../../src/services/nudges/sender.ts";
import { openStore, type Store } from "../../src/services/storage/store.ts";
import { createSlackApp, type RunningApp } from "../../src/slack-app.ts";
import { testStoreUrl } from "./redis.ts";

/** Multi-workspace credentials the stand-in's oauth.v2.access accepts, and a test token key. */
export const TEST_OAUTH = Object.freeze({
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  stateSecret: "a-state-secret-for-tests-only",
  tokenKey: Buffer.alloc(32, 7),
});

/** A logger that keeps what it was told, so tests can assert on errors. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (...msg: unknown[]) => {
      lines.push(
        `${level} ${msg.map((m) => (m instanceof Error ? m.stack : String(m))).join(" ")}`,
      );
    };
  return {
    lines,
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    setLevel: () => {},
    getLevel: () => "debug" as never,
    setName: () => {},
  };
}

export interface Harness {
  slack: SlackStandIn;
  base: string;
  running: RunningApp;
  services: Services;
  logger: ReturnType<typeof memoryLogger>;
  /** Stops the app (closing its store); the stand-in stays up. */
  stopApp(): Promise<void>;
  /** Stops everything. */
  close(): Promise<void>;
}

/**
 * The real app in HTTP mode on a free port, talking to a fresh Slack stand-in, over a fresh store:
 * `memory://`, or an empty Redis database with `TEST_STORE=redis` (see tests/helpers/redis.ts).
 *
 * @example
 * const h = await startHarness();
 * await sendCommand(h.base, "/skills", "ml", { responseUrl: h.slack.responseUrl("r1") });
 */
export async function startHarness(
  options: {
    storeUrl?: string;
    /** A store to use instead of opening `storeUrl` (e.g. one that fails on demand). */
    store?: Store;
    slack?: SlackStandIn;
    clock?: Clock;
    cron?: boolean;
    socketMode?: boolean;
    /** Multi-workspace mode ("Add to Slack") with the stand-in's client id and secret. */
    multiWorkspace?: boolean;
    /** PORT (default 0: any free one; Socket Mode does not report which). */
    port?: number;
    /** How long the nudge sender waits for Slack before the outcome counts as unknown. */
    slackTimeoutMs?: number;
    /** Timers for coalescing App Home publishes. */
    timers?: Timers;
    /** ORGANIZER_IDS (default none). */
    organizerIds?: readonly string[];
    /** Knowledge-base folders (default the bundled one); app tests may use a fixture. */
    kbDirs?: readonly string[];
    /** Requests worked on at once before new ones wait (default the app's). */
    maxInFlight?: number;
  } = {},
): Promise<Harness> {
  const slack = options.slack ?? (await SlackStandIn.start());
  const config: Config = Object.freeze({
    mode: options.socketMode ? "socket" : "http",
    botToken: options.multiWorkspace ? undefined : "xoxb-test-token",
    oauth: options.multiWorkspace ? TEST_OAUTH : undefined,
    signingSecret: options.socketMode ? undefined : SIGNING_SECRET,
    appToken: options.socketMode ? "xapp-1-A0APP-1-test" : undefined,
    slackApiUrl: slack.apiUrl,
    port: options.port ?? 0,
    storeUrl: options.storeUrl ?? (await testStoreUrl()),
    logLevel: "error",
    kbDir: undefined,
    listingsPollMinutes: 30,
    organizerIds: options.organizerIds ?? [],
  });
  const kb = await loadKnowledgeBase({ dirs: [...(options.kbDirs ?? [BUNDLED_KB_DIR])] });
  const logger = memoryLogger();
  const store = options.store ?? (await openStore(config.storeUrl, (e) => logger.error(e.message)));
  const now = () => new Date((options.clock ?? Date).now());
  const installations = options.multiWorkspace
    ? new Installations(store, new TokenCipher(TEST_OAUTH.tokenKey), now)
    : undefined;
  const nudgeClient = installations
    ? createTeamClients(config, TEST_OAUTH, installations)
    : createNudgeClient(config, options.slackTimeoutMs);
  const services = createServices(kb, store, {
    deliver: createDeliver(nudgeClient),
    find: createFind(nudgeClient),
    listingsOutlet: createListingsOutlet(nudgeClient),
    pairsSlack: createPairsSlack(nudgeClient),
    listingsPollMinutes: config.listingsPollMinutes,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(installations ? { installations } : {}),
  });
  await prepareServices(services);
  const running = createSlackApp(config, services, {
    logger,
    cron: options.cron ?? false,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
  });
  const { port } = await running.start();
  let stopped = false;
  const stopApp = async () => {
    if (stopped) return;
    stopped = true;
    await running.stop();
  };
  return {
    slack,
    base: `http://127.0.0.1:${port ?? options.port}`,
    running,
    services,
    logger,
    stopApp,
    async close() {
      await stopApp();
      if (!options.slack) await slack.close();
    },
  };
}
