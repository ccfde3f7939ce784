import { type IncomingMessage, Server, type ServerResponse } from "node:http";
import { App, LogLevel as BoltLogLevel, type CustomRoute, type Logger } from "@slack/bolt";
import type { Config } from "./config.ts";
import { registerActions } from "./listeners/actions/index.ts";
import { registerCommands } from "./listeners/commands/index.ts";
import { registerEvents } from "./listeners/events/index.ts";
import { registerListingActions } from "./listeners/listings/actions.ts";
import { adminsAndListed } from "./listeners/listings/organizer-check.ts";
import { withListings } from "./listeners/listings/tick.ts";
import type { Services } from "./services/index.ts";
import { startNudgeCron } from "./services/nudges/cron.ts";

const LEVELS = {
  debug: BoltLogLevel.DEBUG,
  info: BoltLogLevel.INFO,
  warn: BoltLogLevel.WARN,
  error: BoltLogLevel.ERROR,
} as const;

export interface RunningApp {
  app: App;
  /**
   * Starts listening (HTTP) or connecting (Socket Mode); /healthz answers 200 from then on.
   * Resolves with the HTTP port actually bound (useful with PORT=0).
   */
  start(): Promise<{ port: number | undefined }>;
  /** Stops taking requests, waits for work in flight, then closes the store. */
  stop(): Promise<void>;
  /** Resolves once no request is being worked on (including work after its ack). */
  idle(): Promise<void>;
}

export interface SlackAppOptions {
  logger?: Logger;
  /** Run the every-minute nudge tick (default true; tests driving a fake clock turn it off). */
  cron?: boolean;
}

/**
 * The Bolt app with every listener registered. HTTP mode when a signing secret is configured
 * (commands, events and interactions on POST /slack/events), otherwise Socket Mode.
 *
 * @example
 * const running = createSlackApp(config, services);
 * await running.start();
 */
export function createSlackApp(
  config: Config,
  services: Services,
  options: SlackAppOptions = {},
): RunningApp {
  const { logger } = options;
  let ready = false;
  let stopCron: (() => Promise<void>) | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const healthz: CustomRoute = {
    path: "/healthz",
    method: ["GET"],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(ready ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: ready }));
    },
  };
  const common = {
    token: config.botToken,
    logLevel: LEVELS[config.logLevel],
    ...(logger ? { logger } : {}),
    // Not used by any listener; Bolt's default conversation store costs ~25% of throughput.
    convoStore: false as const,
    customRoutes: [healthz],
    clientOptions: config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {},
  };
  const app =
    config.mode === "http"
      ? new App({ ...common, signingSecret: config.signingSecret as string, port: config.port })
      : new App({
          ...common,
          appToken: config.appToken as string,
          socketMode: true,
          // The Socket Mode client opens its connection with its own Web API client.
          installerOptions: { port: config.port, clientOptions: common.clientOptions },
        });

  // Work continues after ack(); track it so a shutdown can wait for it.
  app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });

  // Slack redelivers an event it thinks was missed (X-Slack-Retry-Num); answer each event once.
  app.use(async ({ body, next, logger: log }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === "string" && !(await services.deliveries.firstTime(eventId))) {
      log.debug(`skipping event ${eventId}: already handled`);
      return;
    }
    await next();
  });

  registerCommands(app, services);
  registerActions(app, services);
  registerEvents(app, services);
  registerListingActions(app, services, adminsAndListed());

  app.error(async (error) => {
    app.logger.error("unhandled error:", error);
  });

  return {
    app,
    async start() {
      const server = await app.start();
      if (options.cron !== false)
        stopCron = startNudgeCron(
          withListings(services.scheduler, services.listings, app.logger),
          app.logger,
        );
      ready = true;
      const address = server instanceof Server ? server.address() : null;
      return { port: typeof address === "object" && address ? address.port : undefined };
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      ready = false;
      services.listings.stop();
      await stopCron?.();
      await app.stop();
      await Promise.allSettled([...inFlight]);
      await services.store.close();
    },
  };
}
