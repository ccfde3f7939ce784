import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { POLL_NOW_ACTION } from "../blocks/listings.ts";
import { messageProblems } from "./block-kit.ts";
import { asSlackSends, blockActions, eventCallback, send, slashCommand } from "./slack-requests.ts";
import {
  type RecordedCall,
  type SlackStandIn,
  type StandInWorkspace,
  WORKSPACES,
} from "./slack-stand-in.ts";

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

/** The members of the second workspace (multi-workspace mode). */
export const SECOND_USERS: readonly LocalUser[] = [
  { id: "U0ERIN", name: "erin", tz: "America/Chicago" },
  { id: "U0FRANK", name: "frank", tz: "Asia/Kolkata", organizer: true },
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
  /** Which Slack workspace this is (the stand-in's first by default) and who is in it. */
  readonly team: StandInWorkspace;
  readonly users: readonly LocalUser[];

  constructor(
    private readonly slack: SlackStandIn,
    private readonly app: { base: string; secret: string },
    options: { team?: StandInWorkspace; users?: readonly LocalUser[] } = {},
  ) {
    super();
    this.team = options.team ?? (WORKSPACES[0] as StandInWorkspace);
    this.users = options.users ?? LOCAL_USERS;
    for (const user of this.users) {
      slack.users[user.id] = { tz: user.tz, name: user.name, isAdmin: user.organizer === true };
      slack.memberships[user.id] = [STUDY_CHANNEL.id, dmOf(user.id)];
    }
    slack.on("call", (call: RecordedCall) => {
      // Calls made with another workspace's token are that workspace's business.
      if (call.token && slack.workspaceOf(call.token).teamId !== this.team.teamId) return;
      this.apply(call);
    });
  }

  /** Slack tells the app it was uninstalled here (and its token revoked), as Slack does. */
  async uninstall(): Promise<void> {
    this.slack.revoked.add(this.team.botToken);
    await this.event({ type: "tokens_revoked", tokens: { bot: [this.team.botUserId] } });
    await this.event({ type: "app_uninstalled" });
  }

  /** A user types a slash command in a conversation. */
  async command(user: string, channel: string, text: string): Promise<number> {
    const [command = "", ...rest] = text.trim().split(/\s+/);
    const responseUrl = this.responseUrl({ channel, user });
    const body = slashCommand(command, asSlackSends(rest.join(" ")), {
      user,
      channel,
      responseUrl,
      team: this.team.teamId,
    });
    const res = await send(this.app.base, body, "application/x-www-form-urlencoded", {
      secret: this.app.secret,
    });
    if (res.status !== 200)
      this.notice(channel, user, `The app answered ${command} with HTTP ${res.status}.`);
    else if (res.text && res.text !== "") this.ackReply(channel, user, res.text);
    return res.status;
  }

  /** A user posts a message: in a DM the bot gets `message.im`; in a channel, `app_mention` if it is mentioned. */
  async say(user: string, channel: string, text: string): Promise<void> {
    const ts = this.nextTs();
    const mentioned = /@internprep\b/i.test(text);
    const slackText = asSlackSends(text).replace(/@internprep\b/gi, `<@${this.team.botUserId}>`);
    this.add({ id: ts, channel, author: user, text: slackText, problems: [], at: Date.now() });
    if (channel.startsWith("D")) {
      await this.event({ type: "message", channel_type: "im", channel, user, text: slackText, ts });
    } else if (mentioned || slackText.includes(`<@${this.team.botUserId}>`)) {
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
      const body = blockActions(action, {
        user,
        team: this.team.teamId,
        container: { type: "view", view_id: `V${user}` },
      });
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
      team: this.team.teamId,
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

  /** A user presses "Check now" under `/listings status` in #study-group: the source is polled at once. */
  async pollListings(user: string): Promise<void> {
    const responseUrl = this.responseUrl({ channel: STUDY_CHANNEL.id, user });
    const body = blockActions(
      { type: "button", action_id: POLL_NOW_ACTION, value: "poll" },
      { user, channel: STUDY_CHANNEL.id, responseUrl },
    );
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
      users: this.users,
      bot: this.team.botUserId,
      workspace: { id: this.team.teamId, name: this.team.teamName },
      channel: STUDY_CHANNEL,
      messages: this.messages
        .filter((m) => !m.ephemeralTo || m.ephemeralTo === user)
        .filter((m) => !m.channel.startsWith("D") || m.channel === dmOf(user))
        .filter((m) => !m.channel.startsWith("G") || this.groupsOf(user).includes(m.channel)),
      /** The group DMs (e.g. a `/pairs` pair's) this user is in, with their people. */
      groups: this.groupsOf(user).map((id) => ({
        id,
        users: this.slack.groupDms.get(id) ?? [],
      })),
      home: this.homes.get(user) ?? null,
    };
  }

  /** The group DMs the bot opened (conversations.open with several users) that include `user`. */
  private groupsOf(user: string): string[] {
    return [...this.slack.groupDms].filter(([, users]) => users.includes(user)).map(([id]) => id);
  }

  private async event(event: Record<string, unknown>): Promise<void> {
    const res = await send(
      this.app.base,
      eventCallback(event, undefined, this.team),
      "application/json",
      {
        secret: this.app.secret,
      },
    );
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
          author: this.team.botUserId,
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
          author: this.team.botUserId,
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
      case "files.completeUploadExternal": {
        // Slack shows a shared file as a message in that conversation; here, with its text.
        if (!call.ok) return;
        const channel = String(args.channel_id ?? "");
        for (const f of (args.files ?? []) as Array<{ id?: string }>) {
          const file = this.slack.files.get(String(f.id));
          if (!file) continue;
          const body = (file.content ?? "")
            .replace(/&/g, "&amp;")
            .replace(/</g, "&lt;")
            .replace(/>/g, "&gt;");
          this.add({
            id: this.nextTs(),
            channel,
            author: this.team.botUserId,
            text: String(args.initial_comment ?? file.filename),
            blocks: [
              {
                type: "section",
                text: {
                  type: "mrkdwn",
                  text: `${String(args.initial_comment ?? "")}\n:page_facing_up: *${file.title ?? file.filename}* (${file.filename}, ${file.length} bytes)`,
                },
              },
              {
                type: "section",
                text: { type: "mrkdwn", text: `\`\`\`${body.slice(0, 2800)}\`\`\`` },
              },
            ],
            problems: call.problems,
            at: call.at,
          });
        }
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
          author: this.team.botUserId,
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

  /** A reply in a command's ack (its HTTP response): shown as Slack shows it, checked as Slack checks it. */
  private ackReply(channel: string, user: string, body: string): void {
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // Slack shows a plain-text ack body as an ephemeral message.
      args = { text: body };
    }
    const blocks = Array.isArray(args.blocks) ? (args.blocks as unknown[]) : undefined;
    this.add({
      id: this.nextTs(),
      channel,
      author: this.team.botUserId,
      text: String(args.text ?? ""),
      ...(blocks ? { blocks } : {}),
      ...(args.response_type === "in_channel" ? {} : { ephemeralTo: user }),
      problems: messageProblems(args),
      at: Date.now(),
    });
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
      author: this.team.botUserId,
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
