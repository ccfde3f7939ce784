/**
 * Entry point: reads config, loads the knowledge base, opens the store, builds services, starts
 * the Slack app, and shuts down cleanly on SIGTERM/SIGINT. Every Web API client (Bolt's, the
 * nudges') talks to Slack through one keep-alive transport: src/slack-transport.ts.
 */
import { loadConfig } from "./config.ts";
import { AppError } from "./errors.ts";
import { createListingsOutlet } from "./listeners/listings/outlet.ts";
import { createDeliver, createFind, createNudgeClient } from "./listeners/nudges/deliver.ts";
import { createTeamClients } from "./listeners/nudges/team-clients.ts";
import { createPairsSlack } from "./listeners/pairs/slack.ts";
import { createServices, prepareServices } from "./services/index.ts";
import { Installations } from "./services/installations/installations.ts";
import { TokenCipher } from "./services/installations/token-cipher.ts";
import {
  BUNDLED_KB_DIR,
  BUNDLED_KB_SNAPSHOT,
  loadKnowledgeBase,
} from "./services/knowledge-base/load.ts";
import { openStore } from "./services/storage/store.ts";
import { createSlackApp } from "./slack-app.ts";

/**
 * V8 gives back the young generation's growth at a full collection only when little was
 * allocated since the one before (under ~1 MB/s): the second collection after start-up waits
 * this long after the first.
 */
const YOUNG_GC_DELAY_MS = 6000;
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

try {
  const config = loadConfig();
  const kb = await loadKnowledgeBase({
    dirs: config.kbDir ? [BUNDLED_KB_DIR, config.kbDir] : [BUNDLED_KB_DIR],
    snapshot: BUNDLED_KB_SNAPSHOT,
  });
  const store = await openStore(config.storeUrl, (error) => console.error(error.message));
  // Multi-workspace mode: installations (tokens sealed) in the same store; nudges use each one's token.
  const installations = config.oauth
    ? new Installations(store, new TokenCipher(config.oauth.tokenKey))
    : undefined;
  await installations?.checkKey();
  const nudgeClients =
    config.oauth && installations
      ? createTeamClients(config, config.oauth, installations)
      : createNudgeClient(config);
  const services = createServices(kb, store, {
    deliver: createDeliver(nudgeClients),
    find: createFind(nudgeClients),
    listingsOutlet: createListingsOutlet(nudgeClients),
    pairsSlack: createPairsSlack(nudgeClients),
    listingsPollMinutes: config.listingsPollMinutes,
    ...(installations ? { installations } : {}),
  });
  await prepareServices(services);
  const running = createSlackApp(config, services);
  await running.start();
  // The search index (~250 ms) is built just after start-up, in slices that let /healthz and
  // acks through: a question arriving meanwhile finishes the build, well within Slack's 3 s.
  // Then, where `npm start` allows it (--expose-gc), a full garbage collection returns what
  // loading and indexing left behind (heap ~24 → ~17 MB, a ~14 ms pause), and a second one 6 s
  // later, with next to nothing allocated in between, also gives back the young generation that
  // start-up grew (RSS ~100 → ~85 MB at rest, a ~25 ms pause).
  setImmediate(() => {
    services.search
      .prepare()
      .then(() => {
        collectGarbage();
        setTimeout(collectGarbage, YOUNG_GC_DELAY_MS).unref();
      })
      .catch((error: unknown) => running.app.logger.error("building the search index:", error));
  });
  running.app.logger.info(
    config.mode === "http"
      ? `InternPrep is running (HTTP) on port ${config.port}: POST /slack/events, GET /healthz${config.oauth ? ", GET /slack/install" : ""}`
      : `InternPrep is running (Socket Mode)${config.oauth ? `; install it from http://<this host>:${config.port}/slack/install` : ""}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.app.logger.info(`${signal}: finishing work in flight, then stopping`);
    await running.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
} catch (error) {
  console.error(error instanceof AppError ? error.message : error);
  process.exit(1);
}
