/**
 * The bare Bolt floors `npm run bench:load` compares the app with: the same `@slack/bolt`, the
 * smallest app that can answer each kind of request, in HTTP mode on 127.0.0.1.
 *
 * - `S0`: acks a slash command, nothing else.
 * - `F1`: acks a slash command, then posts a one-line reply to its response_url (`respond()`).
 * - `F2`: answers a DM (`message` event) with `chat.postMessage`, and `app_home_opened` with
 *   `views.publish` of a one-section view.
 *
 * Every floor serves `GET /healthz` like the app, so start-up is measured the same way.
 *
 * @example
 * node dist/src/dev/bare-bolt.js S0 3001 http://127.0.0.1:4000/api/ <signing secret>
 */
import { App, LogLevel } from "@slack/bolt";

const [floor, port, slackApiUrl, signingSecret] = process.argv.slice(2);
if (!floor || !["S0", "F1", "F2"].includes(floor) || !port || !slackApiUrl || !signingSecret) {
  console.error("usage: bare-bolt S0|F1|F2 <port> <Slack API URL> <signing secret>");
  process.exit(2);
}

const app = new App({
  token: "xoxb-bare-floor",
  signingSecret,
  port: Number(port),
  logLevel: LogLevel.WARN,
  // As the app: the default conversation store is no part of the floor.
  convoStore: false,
  clientOptions: { slackApiUrl },
  customRoutes: [
    {
      path: "/healthz",
      method: ["GET"],
      handler: (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"ok":true}');
      },
    },
  ],
});

if (floor === "S0") {
  app.command(/.*/, async ({ ack }) => {
    await ack();
  });
} else if (floor === "F1") {
  app.command(/.*/, async ({ ack, respond }) => {
    await ack();
    await respond({ response_type: "ephemeral", text: "Here you are." });
  });
} else {
  app.message(async ({ message, client }) => {
    await client.chat.postMessage({ channel: message.channel, text: "Here you are." });
  });
  app.event("app_home_opened", async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: {
        type: "home",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "Here you are." } }],
      },
    });
  });
}

await app.start();
