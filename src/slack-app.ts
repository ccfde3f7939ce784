import { type IncomingMessage, type RequestListener, Server, type ServerResponse } from "node:http";
import {
  App,
  LogLevel as BoltLogLevel,
  type CustomRoute,
  HTTPReceiver,
  type Logger,
} from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { Admission } from "./admission.ts";
import { messageJson } from "./blocks/json.ts";
import type { Config } from "./config.ts";
import { AppError, ErrorCode } from "./errors.ts";
import { registerActions } from "./listeners/actions/index.ts";
import { type AckBody, registerCommands } from "./listeners/commands/index.ts";
import { registerEvents } from "./listeners/events/index.ts";
import { HomePublisher, realTimers, type Timers } from "./listeners/home.ts";
import {
  checkBotToken,
  type Installation,
  installedWorkspaceOnly,
} from "./listeners/installed-workspace.ts";
import { withListings } from "./listeners/listings/tick.ts";
import { oauthAppOptions } from "./listeners/oauth/index.ts";
import { Organizers } from "./listeners/organizers.ts";
import { Router } from "./listeners/router.ts";
import { consoleLogger, redactingLogger } from "./logging.ts";
import type { Services } from "./services/index.ts";
import { startNudgeCron } from "./services/nudges/cron.ts";
import { slackClientOptions } from "./slack-transport.ts";

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
  /** Time and timers for coalescing App Home publishes and commands' ack deadline (tests drive them by hand). */
  timers?: Timers;
  /** HTTP mode: requests worked on at once before new ones wait (default MAX_IN_FLIGHT). */
  maxInFlight?: number;
}

/** Slack signs each request with its time; one more than this far from now is refused. */
const MAX_CLOCK_SKEW_S = 5 * 60;

/**
 * Refuses (401, as Bolt refuses a stale one) a request timestamped more than five minutes in the
 * future: Bolt checks only the past, and a future-dated signed request could be replayed later.
 */
function refuseFutureRequests(listener: RequestListener, logger: () => Logger): RequestListener {
  return (req, res) => {
    const timestamp = Number(req.headers["x-slack-request-timestamp"]);
    if (req.method === "POST" && timestamp > Date.now() / 1000 + MAX_CLOCK_SKEW_S) {
      logger().warn(`refused a request timestamped ${timestamp}, more than 5 minutes ahead`);
      res.writeHead(401, { "content-type": "text/plain" });
      res.end();
      return;
    }
    listener(req, res);
  };
}

/**
 * Labels the response to every Slack request (a POST) as JSON before Bolt writes it. A reply in an
 * ack is JSON text already written (src/blocks/json.ts), which Bolt sends as it is but unlabelled,
 * and Slack reads a reply as JSON only when it is labelled so; an empty ack is still empty.
 */
function jsonReplies(listener: RequestListener): RequestListener {
  return (req, res) => {
    if (req.method === "POST") res.setHeader("content-type", "application/json");
    listener(req, res);
  };
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

/** Events whose handling can run twice with nothing a user could notice: no delivery claim. */
const IDEMPOTENT_EVENTS = new Set(["app_home_opened"]);

/** What the every-minute tick runs: the nudges, and (multi-workspace) the purge of old uninstalls. */
export function tickJobs(services: Services): Pick<Services["scheduler"], "tick" | "stop"> {
  const { scheduler, retention, clock } = services;
  if (!retention) return scheduler;
  return {
    async tick(now = new Date(clock.now())) {
      await retention.purgeDue(now);
      return scheduler.tick(now);
    },
    stop: () => scheduler.stop(),
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
  // One logger for Bolt, its receiver and the OAuth installer's Web API client, with secrets
  // redacted: at LOG_LEVEL=debug the client would otherwise print the OAuth client secret.
  const logger = redactingLogger(options.logger ?? consoleLogger(LEVELS[config.logLevel]));
  let ready = false;
  let started = false;
  let stopCron: (() => Promise<void>) | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const admission = new Admission(options.maxInFlight, options.timers ?? realTimers);
  const healthz: CustomRoute = {
    path: "/healthz",
    method: ["GET"],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      // Not ready, or the store cannot write: a balancer should send requests elsewhere.
      const store = services.store.healthy();
      res.writeHead(ready && store ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: ready && store, ...(store ? {} : { store: "unavailable" }) }));
    },
  };
  // Every Web API client (Bolt's, the installer's, auth.test's) shares one keep-alive transport.
  const clientOptions = slackClientOptions(config);
  // Many workspaces ("Add to Slack"): Bolt's OAuth flow, each request authorized with its own
  // workspace's installation. One workspace: the bot token, whose workspace is learned from
  // auth.test at start-up; requests from any other workspace are refused.
  const oauth =
    config.oauth && services.installations
      ? oauthAppOptions(config, config.oauth, services.installations)
      : undefined;
  let installation: Installation | undefined;
  const common = {
    ...(oauth
      ? {}
      : { authorize: installedWorkspaceOnly(config.botToken as string, () => installation) }),
    logLevel: LEVELS[config.logLevel],
    logger,
    // Not used by any listener; Bolt's default conversation store costs ~25% of throughput.
    convoStore: false as const,
    clientOptions,
  };
  let app: App;
  if (config.mode === "http") {
    const receiver = new HTTPReceiver({
      signingSecret: config.signingSecret as string,
      port: config.port,
      customRoutes: [healthz],
      logLevel: common.logLevel,
      logger,
      // With our own receiver, the install pages' OAuth calls get SLACK_API_URL from here.
      ...(oauth
        ? { ...oauth, installerOptions: { ...oauth.installerOptions, clientOptions } }
        : {}),
    });
    // A flood of requests waits its turn instead of being acked faster than it is answered.
    receiver.requestListener = refuseFutureRequests(
      admission.admitting(jsonReplies(receiver.requestListener)),
      () => app.logger,
    );
    // Many workspaces: Bolt authorizes each request with the receiver's installer.
    app = new App({ ...common, receiver });
  } else {
    app = new App({
      ...common,
      ...(oauth ?? {}),
      appToken: config.appToken as string,
      socketMode: true,
      customRoutes: [healthz],
      // The Socket Mode client opens its connection with its own Web API client; the install
      // pages (multi-workspace mode) are served on PORT beside /healthz.
      installerOptions: { ...oauth?.installerOptions, port: config.port, clientOptions },
    });
  }
  // Only for auth.test at start-up (one workspace): a network failure there should stop start-up
  // quickly.
  const startupClient = config.botToken
    ? new WebClient(config.botToken, {
        ...clientOptions,
        retryConfig: { retries: 2, minTimeout: 500, maxTimeout: 2000 },
      })
    : undefined;
  const home = new HomePublisher(services, options.timers);

  // One middleware (Bolt copies every request's arguments for each one) for two jobs:
  // - Slack redelivers an event it thinks was missed (X-Slack-Retry-Num); answer each event once.
  //   The claim (an in-memory front, then the store) starts here; the event's listener waits for
  //   it only before it posts anything, so the store's round trip overlaps the answer's work.
  //   Opening App Home needs none: publishing replaces the whole view (coalesced per user), so a
  //   second delivery shows the same Home again, which nobody can see, and costs no store write.
  // - Work continues after ack(); track it so a shutdown can wait for it, and so new requests
  //   wait while too much is under way.
  app.use(async ({ body, context, next }) => {
    const { event_id: eventId, event } = body as { event_id?: unknown; event?: { type?: unknown } };
    if (typeof eventId === "string" && !IDEMPOTENT_EVENTS.has(String(event?.type)))
      context.firstDelivery = services.deliveries.firstTime(eventId);
    const work = admission.working(next);
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });

  const organizers = new Organizers(config.organizerIds, () => services.clock.now());
  // One global middleware routes every request by kind, each kind through its table: commands by
  // name (commands/index.ts), clicks by action_id (listeners/actions), events by type
  // (listeners/events). Bolt listeners would each run their own middleware chain per request.
  const router = new Router();
  // A reply in an HTTP ack is sent as JSON text written by messageJson (labelled by jsonReplies);
  // Socket Mode's envelope carries the object itself.
  const ackBody: AckBody = config.mode === "http" ? messageJson : (reply) => reply;
  registerCommands(router, services, organizers, options.timers ?? realTimers, ackBody);
  registerActions(router, services, home, organizers);
  registerEvents(router, services, home);
  app.use(router.middleware());

  app.error(async (error) => {
    if (notInstalled(error)) {
      // Multi-workspace mode: a request from a workspace without an installation (just
      // uninstalled, or never installed) is not a bug; Slack stops sending them soon.
      app.logger.warn(`ignored a request: ${notInstalled(error)}`);
      return;
    }
    const original = (error as { original?: unknown }).original;
    if (original instanceof AppError && original.code === ErrorCode.WrongWorkspace) {
      app.logger.warn(original.message);
      return;
    }
    app.logger.error("unhandled error:", error);
  });

  return {
    app,
    async start() {
      // Before serving anything: a wrong or revoked token stops start-up with one clear line.
      if (startupClient) installation = await checkBotToken(startupClient);
      started = true;
      const server = await (config.mode === "http" ? app.start(config.port) : app.start());
      ready = true;
      // The nudge tick (first run at the next minute) is scheduled on the next turn of the event
      // loop, so the ~60 ms node-cron spends setting up time zones does not hold up the first
      // /healthz or request; not at all if the app is stopped first.
      if (options.cron !== false)
        setImmediate(() => {
          if (!ready) return;
          stopCron = startNudgeCron(
            withListings(tickJobs(services), services.listings, app.logger),
            app.logger,
            () => services.followUps.tick(new Date(services.clock.now())),
          );
        });
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
      if (started) await app.stop();
      await Promise.allSettled([...inFlight]);
      await home.close();
      await services.store.close();
    },
  };
}
