import { type IncomingMessage, Server, type ServerResponse } from "node:http";
import { App, LogLevel as BoltLogLevel, type CustomRoute, type Logger } from "@slack/bolt";
import type { Config } from "./config.ts";
import { registerActions } from "./listeners/actions/index.ts";
import { registerCommands } from "./listeners/commands/index.ts";
import { registerEvents } from "./listeners/events/index.ts";
import { oauthAppOptions, registerUninstall } from "./listeners/oauth/index.ts";
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

/** The message of an authorization failure because the workspace has no installation. */
function notInstalled(error: unknown): string | undefined {
  // Bolt's AuthorizationError wraps the InstallProvider's, which wraps the store's AppError.
  type Wrapped = { code?: unknown; message?: unknown; original?: Wrapped };
  for (let e = error as Wrapped | undefined, depth = 0; e && depth < 4; e = e.original, depth++) {
    if (e.code === "not_installed") return String(e.message);
  }
  return undefined;
}

/** What the every-minute tick runs: the nudges, and (multi-workspace) the purge of old uninstalls. */
export function tickJobs(services: Services): Pick<Services["scheduler"], "tick"> {
  const { scheduler, retention, clock } = services;
  if (!retention) return scheduler;
  return {
    async tick(now = new Date(clock.now())) {
      await retention.purgeDue(now);
      return scheduler.tick(now);
    },
  };
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
  // One workspace: its bot token. Many ("Add to Slack"): Bolt's OAuth flow, a token per workspace.
  const auth =
    config.oauth && services.installations
      ? oauthAppOptions(config, config.oauth, services.installations)
      : { token: config.botToken };
  const common = {
    ...auth,
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
          // The Socket Mode client opens its connection with its own Web API client; the install
          // pages (multi-workspace mode) are served on PORT beside /healthz.
          installerOptions: {
            ...("installerOptions" in auth ? auth.installerOptions : {}),
            port: config.port,
            clientOptions: common.clientOptions,
          },
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
  registerUninstall(app, services);

  app.error(async (error) => {
    if (notInstalled(error)) {
      // Multi-workspace mode: a request from a workspace without an installation (just
      // uninstalled, or never installed) is not a bug; Slack stops sending them soon.
      app.logger.warn(`ignored a request: ${notInstalled(error)}`);
      return;
    }
    app.logger.error("unhandled error:", error);
  });

  return {
    app,
    async start() {
      const server = await app.start();
      if (options.cron !== false) stopCron = startNudgeCron(tickJobs(services), app.logger);
      ready = true;
      const address = server instanceof Server ? server.address() : null;
      return { port: typeof address === "object" && address ? address.port : undefined };
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      ready = false;
      await stopCron?.();
      await app.stop();
      await Promise.allSettled([...inFlight]);
      await services.store.close();
    },
  };
}
