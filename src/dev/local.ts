/**
 * `npm run local`: InternPrep without Slack. Starts the Slack stand-in, the real app in HTTP mode
 * (`src/app.ts`, as `npm start` runs it, with a generated signing secret and its own store under
 * var/), and a page at http://localhost:<port> that looks and behaves enough like Slack to try
 * every feature. Ctrl-C stops all of it.
 *
 * `npm run local:many` (LOCAL_WORKSPACES=many): the app in multi-workspace mode with two stand-in
 * workspaces, each installed through the app's own Add to Slack page and the stand-in's OAuth.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { loadLocalConfig } from "../config.ts";
import { startPlayground } from "./playground.ts";
import { freePort, ROOT, runEntry, type Spawned } from "./processes.ts";
import { CLIENT_ID, CLIENT_SECRET, SlackStandIn, WORKSPACES } from "./slack-stand-in.ts";
import { SECOND_USERS, Workspace } from "./workspace.ts";

/**
 * The playground's token key: its tokens are the stand-in's made-up ones, and a fixed key lets
 * var/local-many.sqlite be read again on the next run. Never use it for a real deployment.
 */
const PLAYGROUND_TOKEN_KEY = Buffer.alloc(32, "internprep-playground").toString("base64");

/** Starts the app as `npm start` does and resolves once its /healthz answers 200. */
async function startApp(env: Record<string, string>): Promise<Spawned> {
  const app = runEntry("src/app.ts", { ...process.env, ...env }, ROOT, (line) =>
    console.log(`[app] ${line}`),
  );
  let exitCode: number | null | undefined;
  void app.exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the app exited (${exitCode}) before it was ready`);
    const healthy = await fetch(`http://127.0.0.1:${env.PORT}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return app;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  app.child.kill("SIGTERM");
  throw new Error("the app did not become ready within 30 s");
}

let local: ReturnType<typeof loadLocalConfig>;
try {
  local = loadLocalConfig();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const pagePort = local.pagePort;
// The playground's listings: a fresh copy of the bundled sample (invented companies) that
// "Poll listings now" adds openings to. Follow it with `/listings follow var/playground-listings.json`.
const listingsFile = path.join(ROOT, "var", "playground-listings.json");
await mkdir(path.dirname(listingsFile), { recursive: true });
await copyFile(path.join(ROOT, "src", "dev", "sample-listings.json"), listingsFile);
const secret = randomBytes(16).toString("hex");
const slack = await SlackStandIn.start();
const appPort = await freePort();
const many = local.workspaces === "many";
// The browser goes through the install pages on localhost (the state cookie is only for it).
const appHost = `http://localhost:${appPort}`;
slack.oauthRedirectUrl = `${appHost}/slack/oauth_redirect`;
let app: Spawned;
try {
  app = await startApp({
    ...(many
      ? {
          SLACK_BOT_TOKEN: "",
          SLACK_CLIENT_ID: CLIENT_ID,
          SLACK_CLIENT_SECRET: CLIENT_SECRET,
          SLACK_STATE_SECRET: randomBytes(16).toString("hex"),
          TOKEN_ENCRYPTION_KEY: PLAYGROUND_TOKEN_KEY,
        }
      : {
          SLACK_BOT_TOKEN: "xoxb-local-playground",
          SLACK_CLIENT_ID: "",
          SLACK_CLIENT_SECRET: "",
          SLACK_STATE_SECRET: "",
        }),
    SLACK_SIGNING_SECRET: secret,
    SLACK_APP_TOKEN: "",
    SLACK_API_URL: slack.apiUrl,
    PORT: String(appPort),
    STORE_URL: local.storeUrl,
    LOG_LEVEL: local.logLevel,
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await slack.close();
  process.exit(1);
}
const target = { base: `http://127.0.0.1:${appPort}`, secret };
const workspaces = many
  ? [
      new Workspace(slack, target),
      new Workspace(slack, target, { team: WORKSPACES[1], users: SECOND_USERS }),
    ]
  : new Workspace(slack, target);
let playground: Awaited<ReturnType<typeof startPlayground>>;
try {
  playground = await startPlayground(
    workspaces,
    pagePort,
    undefined,
    many ? `${appHost}/slack/install` : undefined,
    listingsFile,
  );
} catch (error) {
  const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
  console.error(
    inUse
      ? `Port ${pagePort} is in use; pick another with LOCAL_PORT=3031 npm run local`
      : String(error),
  );
  app.child.kill("SIGTERM");
  await slack.close();
  process.exit(1);
}
console.log(`\nInternPrep playground: open ${playground.url}  (Ctrl-C to stop)\n`);
if (many) console.log(`Two workspaces: install InternPrep in each from ${appHost}/slack/install\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping…");
  app.child.kill("SIGTERM");
  await app.exited;
  await playground.close();
  await slack.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
void app.exited.then((code) => {
  if (!stopping) {
    console.error(`the app stopped unexpectedly (${code})`);
    void stop();
  }
});
