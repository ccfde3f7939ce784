import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { asSlackSends, blockActions, eventCallback, send, slashCommand } from "./slack-requests.ts";
import { BOT_USER_ID, type RecordedCall, type SlackStandIn } from "./slack-stand-in.ts";

/** The study group's channel in the local workspace. */
export const STUDY_CHANNEL = { id: "C0STUDY", name: "study-group" };

export interface LocalUser {
  id: string;
  name: string;
  tz: string;
  /** A workspace admin: an organizer, who can run `/prep gaps` and `/prep learned`. */
  organizer?: boolean;
}

export const LOCAL_USERS: readonly LocalUser[] = [
  { id: "U0ALICE", name: "alice", tz: "America/New_York" },
  { id: "U0BOB", name: "bob", tz: "Europe/Berlin" },
  { id: "U0CAROL", name: "carol", tz: "Europe/London", organizer: true },
];

/** A DM between a user and the bot. */
export const dmOf = (userId: string) => `D${userId}`;

/** A message as the page shows it. */
export interface ChatMessage {
  id: string;
  channel: string;
  /** Who wrote it: a user id, or the bot's. */
  author: string;
  text: string;
  blocks?: unknown[];
  /** Only this user sees it ("only visible to you"). */
  ephemeralTo?: string;
  threadTs?: string;
  /** What Slack would have rejected in it. */
  problems: string[];
  at: number;
}

interface ResponseContext {
  channel: string;
  user: string;
  messageId?: string;
}

/**
 * A small Slack workspace around the stand-in: #study-group, each user's DM with the bot and their
 * Home tab. It sends the app what Slack would (signed slash commands, `message.im` and
 * `app_mention` events, `block_actions`, `app_home_opened`) and turns the app's Web API calls and
 * response_url posts back into messages and views, emitting "change" on every update.
 */
export class Workspace extends EventEmitter {
  readonly messages: ChatMessage[] = [];
  readonly homes = new Map<string, { view: unknown; problems: string[] }>();
  private readonly responses = new Map<string, ResponseContext>();
  private counter = 0;

  constructor(
    private readonly slack: SlackStandIn,
    private readonly app: { base: string; secret: string },
  ) {
    super();
    for (const user of LOCAL_USERS) {
      slack.users[user.id] = { tz: user.tz, name: user.name, isAdmin: user.organizer === true };
      slack.memberships[user.id] = [STUDY_CHANNEL.id, dmOf(user.id)];
    }
    slack.on("call", (call: RecordedCall) => this.apply(call));
  }

  /** A user types a slash command in a conversation. */
  async command(user: string, channel: string, text: string): Promise<number> {
    const [command = "", ...rest] = text.trim().split(/\s+/);
    const responseUrl = this.responseUrl({ channel, user });
    const body = slashCommand(command, asSlackSends(rest.join(" ")), {
      user,
      channel,
      responseUrl,
    });
    const res = await send(this.app.base, body, "application/x-www-form-urlencoded", {
      secret: this.app.secret,
    });
    if (res.status !== 200)
      this.notice(channel, user, `The app answered ${command} with HTTP ${res.status}.`);
    else if (res.text && res.text !== "") this.notice(channel, user, res.text);
    return res.status;
  }

  /** A user posts a message: in a DM the bot gets `message.im`; in a channel, `app_mention` if it is mentioned. */
  async say(user: string, channel: string, text: string): Promise<void> {
    const ts = this.nextTs();
    const mentioned = /@internprep\b/i.test(text);
    const slackText = asSlackSends(text).replace(/@internprep\b/gi, `<@${BOT_USER_ID}>`);
    this.add({ id: ts, channel, author: user, text: slackText, problems: [], at: Date.now() });
    if (channel.startsWith("D")) {
      await this.event({ type: "message", channel_type: "im", channel, user, text: slackText, ts });
    } else if (mentioned || slackText.includes(`<@${BOT_USER_ID}>`)) {
      await this.event({ type: "app_mention", channel, user, text: slackText, ts });
    }
  }

  /** A user clicks a button, picks from a select or ticks a checkbox in a message or their Home tab. */
  async click(
    user: string,
    where: { messageId: string } | { home: true },
    action: Record<string, unknown>,
  ): Promise<void> {
    if ("home" in where) {
      const body = blockActions(action, { user, container: { type: "view", view_id: `V${user}` } });
      await send(this.app.base, body, "application/x-www-form-urlencoded", {
        secret: this.app.secret,
      });
      return;
    }
    const message = this.messages.find((m) => m.id === where.messageId);
    if (!message) return;
    const responseUrl = this.responseUrl({ channel: message.channel, user, messageId: message.id });
    const body = blockActions(action, {
      user,
      channel: message.channel,
      responseUrl,
      container: {
        type: "message",
        message_ts: message.id,
        channel_id: message.channel,
        is_ephemeral: Boolean(message.ephemeralTo),
      },
      ...(message.ephemeralTo
        ? {}
        : {
            message: {
              ts: message.id,
              text: message.text,
              blocks: message.blocks ?? [],
              ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
            },
          }),
    });
    await send(this.app.base, body, "application/x-www-form-urlencoded", {
      secret: this.app.secret,
    });
  }

  /** A user opens the bot's Home tab. */
  async openHome(user: string): Promise<void> {
    await this.event({ type: "app_home_opened", user, channel: dmOf(user), tab: "home" });
  }

  /** Everything the page needs to draw, for one user. */
  snapshot(user: string) {
    return {
      user,
      users: LOCAL_USERS,
      channel: STUDY_CHANNEL,
      messages: this.messages
        .filter((m) => !m.ephemeralTo || m.ephemeralTo === user)
        .filter((m) => !m.channel.startsWith("D") || m.channel === dmOf(user)),
      home: this.homes.get(user) ?? null,
    };
  }

  private async event(event: Record<string, unknown>): Promise<void> {
    const res = await send(this.app.base, eventCallback(event), "application/json", {
      secret: this.app.secret,
    });
    if (res.status !== 200)
      this.notice(
        String(event.channel ?? STUDY_CHANNEL.id),
        String(event.user ?? ""),
        `The app answered an event with HTTP ${res.status}.`,
      );
  }

  private responseUrl(context: ResponseContext): string {
    const id = randomUUID();
    this.responses.set(id, context);
    return this.slack.responseUrl(id);
  }

  /** Turns one of the app's calls into messages and views. */
  private apply(call: RecordedCall): void {
    const args = call.args;
    const blocks = Array.isArray(args.blocks) ? (args.blocks as unknown[]) : undefined;
    const text = String(args.text ?? "");
    switch (call.method) {
      case "chat.postMessage": {
        if (!call.ok) return;
        const target = String(args.channel);
        const channel = target.startsWith("U") ? dmOf(target) : target;
        const id = String(call.reply?.ts ?? this.nextTs());
        this.add({
          id,
          channel,
          author: BOT_USER_ID,
          text,
          ...(blocks ? { blocks } : {}),
          ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
          problems: call.problems,
          at: call.at,
        });
        return;
      }
      case "chat.postEphemeral":
        this.add({
          id: this.nextTs(),
          channel: String(args.channel),
          author: BOT_USER_ID,
          text,
          ...(blocks ? { blocks } : {}),
          ephemeralTo: String(args.user),
          problems: call.problems,
          at: call.at,
        });
        return;
      case "chat.update": {
        const message = this.messages.find((m) => m.id === String(args.ts));
        if (message) this.replace(message, text, blocks, call.problems);
        return;
      }
      case "views.publish":
        this.homes.set(String(args.user_id), { view: args.view, problems: call.problems });
        this.emit("change");
        return;
      case "response_url": {
        const context = this.responses.get(call.responseId ?? "");
        if (!context) return;
        const original = context.messageId
          ? this.messages.find((m) => m.id === context.messageId)
          : undefined;
        if (args.delete_original === true && original) {
          this.messages.splice(this.messages.indexOf(original), 1);
          this.emit("change");
          return;
        }
        if (args.replace_original === true && original) {
          this.replace(original, text, blocks, call.problems);
          return;
        }
        const inChannel = args.response_type === "in_channel";
        this.add({
          id: this.nextTs(),
          channel: context.channel,
          author: BOT_USER_ID,
          text,
          ...(blocks ? { blocks } : {}),
          ...(inChannel ? {} : { ephemeralTo: context.user }),
          problems: call.problems,
          at: call.at,
        });
        return;
      }
      default:
        return;
    }
  }

  private replace(
    message: ChatMessage,
    text: string,
    blocks: unknown[] | undefined,
    problems: string[],
  ): void {
    message.text = text;
    if (blocks) message.blocks = blocks;
    else delete message.blocks;
    message.problems = problems;
    this.emit("change");
  }

  private add(message: ChatMessage): void {
    this.messages.push(message);
    if (this.messages.length > 1000) this.messages.splice(0, this.messages.length - 1000);
    this.emit("change");
  }

  private notice(channel: string, user: string, text: string): void {
    this.add({
      id: this.nextTs(),
      channel,
      author: BOT_USER_ID,
      text,
      ephemeralTo: user,
      problems: [text],
      at: Date.now(),
    });
  }

  private nextTs(): string {
    this.counter++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.counter).padStart(6, "0")}`;
  }
}
