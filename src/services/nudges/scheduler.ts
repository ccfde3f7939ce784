import { createHash } from "node:crypto";
import { z } from "zod";
import type { Deadline, Deadlines } from "../deadlines/deadlines.ts";
import type { KnowledgeBase } from "../knowledge-base/knowledge-base.ts";
import type { Prompt } from "../knowledge-base/schema.ts";
import { atLocal, daysUntil, latestRun, localDate, weekKey } from "../scheduling/time.ts";
import type { Collection, Store } from "../storage/store.ts";
import type { FollowUp } from "../tracker/follow-ups.ts";
import type { Momentum, Tracker } from "../tracker/tracker.ts";
import type { ChannelSettings, ScheduledChannel } from "./channels.ts";
import {
  type Clock,
  type PostOutcome,
  Sender,
  type SenderOptions,
  type SendResult,
} from "./sender.ts";

/** A run later than this is still posted (e.g. after a restart); a later one is skipped and logged. */
export const CATCH_UP_MS = 6 * 60 * 60 * 1000;
/** How far back a start-up looks for runs to report as skipped. */
const LOOK_BACK_MS = 24 * 60 * 60 * 1000;
/** The weekly nudge lists deadlines this many days ahead. */
export const NUDGE_DAYS_AHEAD = 14;
/** Reminders go out this many days before a deadline. */
export const REMINDER_DAYS = [3, 1] as const;

export interface WeeklyNudge {
  kind: "weekly";
  teamId: string;
  channelId: string;
  timezone: string;
  deadlines: Array<{ deadline: Deadline; daysLeft: number }>;
  prompt: Prompt | undefined;
  /** The group's week in /track, as counts (names only of members who chose to share). */
  momentum?: Momentum;
}

export interface DeadlineReminder {
  kind: "reminder";
  teamId: string;
  channelId: string;
  deadline: Deadline;
  daysLeft: number;
}

export type NudgeContent = WeeklyNudge | DeadlineReminder | FollowUp;

/** Renders and posts one nudge or reminder; the only part that knows about Slack. */
export type Deliver = (content: NudgeContent) => Promise<PostOutcome>;

export interface SchedulerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const SentSchema = z.object({
  state: z.enum(["posting", "posted", "skipped"]),
  at: z.string(),
  ts: z.string().optional(),
});

interface Candidate {
  claim: string;
  channel: ScheduledChannel;
  build: () => Promise<NudgeContent>;
}

export interface TickReport {
  posted: number;
  skipped: number;
  failed: number;
  paused: string[];
  aborted?: string;
}

/**
 * Finds the nudges and reminders due and posts each exactly once.
 *
 * Exactly once: just before posting, the message is claimed in the store under a key made of the
 * channel and the week (or the deadline and the day count); a second tick, or the same tick after
 * a restart, finds the claim and does not post. Crash window: if the process dies after a claim
 * but before Slack accepts that message, that one message is lost: it is never posted twice, the
 * worse failure for a group channel, and the rest of the run is unaffected since it is not claimed
 * yet. If Slack answers with an error, the claim is released and a later tick tries again while
 * the run is less than 6 hours late.
 */
export class NudgeScheduler {
  private readonly sent: Collection<z.infer<typeof SentSchema>>;
  private readonly sender: Sender;
  /** Claims already settled in this process, so a tick does not read them from the store again. */
  private readonly settled = new Set<string>();
  /** Claims this process is posting right now. */
  private readonly posting = new Set<string>();

  constructor(
    private readonly deps: {
      store: Store;
      kb: KnowledgeBase;
      channels: ChannelSettings;
      deadlines: Deadlines;
      deliver: Deliver;
      clock: Clock;
      logger: SchedulerLogger;
      sender?: SenderOptions;
      /** Adds the group's momentum line to the weekly nudge. */
      tracker?: Tracker;
    },
  ) {
    this.sent = deps.store.collection("sent", SentSchema);
    this.sender = new Sender(deps.clock, deps.sender);
  }

  /**
   * One pass: every weekly nudge and reminder whose time has come (and is less than 6 hours late)
   * and was not sent yet is posted; older missed ones (up to a day) are logged as skipped.
   */
  async tick(now: Date = new Date(this.deps.clock.now())): Promise<TickReport> {
    if (this.settled.size > 100_000) this.settled.clear();
    const candidates: Candidate[] = [];
    let skipped = 0;
    for (const channel of await this.deps.channels.scheduled()) {
      const run = latestRun(channel, now);
      const claim = `weekly:${channel.key}:${weekKey(run, channel.timezone)}`;
      const late = now.getTime() - run.getTime();
      // A schedule set after this week's time starts next week.
      if (run.getTime() < Date.parse(channel.updatedAt) || this.settled.has(claim)) continue;
      if (late > CATCH_UP_MS) {
        if (late < LOOK_BACK_MS && (await this.claim(claim, "skipped", now))) {
          skipped++;
          this.deps.logger.warn(
            `skipped the weekly nudge for ${channel.key}: due ${run.toISOString()}, ${(late / 3_600_000).toFixed(1)} h late (limit 6 h)`,
          );
        }
        this.settled.add(claim);
        continue;
      }
      candidates.push({ claim, channel, build: () => this.weekly(channel, run, now) });
    }
    candidates.push(...(await this.reminders(now)));
    return this.post(candidates, now, skipped);
  }

  /** `/nudges now`: this week's nudge for one channel, posted right away (not counted as the weekly one). */
  async postNow(
    teamId: string,
    channelId: string,
    timezone: string,
    now: Date = new Date(this.deps.clock.now()),
  ): Promise<SendResult<NudgeContent>> {
    const channel: ScheduledChannel = {
      key: `${teamId}:${channelId}`,
      teamId,
      channelId,
      timezone,
      weekday: 1,
      time: "00:00",
      updatedAt: now.toISOString(),
    };
    const content = await this.weekly(channel, now);
    const { results } = await this.sender.run([{ channelKey: channel.key, content }], (job) =>
      this.deps.deliver(job.content),
    );
    const [result] = results;
    if (result?.status === "channel_gone")
      await this.deps.channels.pause(teamId, channelId, result.error ?? "channel_gone");
    return result as SendResult<NudgeContent>;
  }

  /** The nudge for the week of `run`, with days left counted from `at` (when it is posted). */
  private async weekly(channel: ScheduledChannel, run: Date, at: Date = run): Promise<WeeklyNudge> {
    const { kb, channels, deadlines } = this.deps;
    const order = rotation(
      kb.prompts.map((p) => p.id),
      channel.key,
    );
    const promptId = await channels.promptForWeek(
      channel.teamId,
      channel.channelId,
      weekKey(run, channel.timezone),
      order,
    );
    const soon = await deadlines.within(channel.teamId, channel.channelId, NUDGE_DAYS_AHEAD, at);
    return {
      kind: "weekly",
      teamId: channel.teamId,
      channelId: channel.channelId,
      timezone: channel.timezone,
      deadlines: soon.map((deadline) => ({ deadline, daysLeft: deadlines.daysLeft(deadline, at) })),
      prompt: promptId ? kb.getOfKind(promptId, "prompt") : undefined,
      ...(this.deps.tracker
        ? { momentum: await this.deps.tracker.momentum(channel.teamId, at) }
        : {}),
    };
  }

  /** Reminders 3 and 1 days before each deadline, at the channel's nudge time of day. */
  private async reminders(now: Date): Promise<Candidate[]> {
    const out: Candidate[] = [];
    for (const channel of await this.deps.channels.scheduled()) {
      const today = localDate(now, channel.timezone);
      let reminderDay = today;
      let at = atLocal(today, channel.time, channel.timezone);
      if (at.getTime() > now.getTime()) {
        reminderDay = localDate(new Date(at.getTime() - 24 * 3_600_000), channel.timezone);
        at = atLocal(reminderDay, channel.time, channel.timezone);
      }
      const daily = `daily:${channel.key}:${reminderDay}`;
      if (
        this.settled.has(daily) ||
        now.getTime() - at.getTime() > CATCH_UP_MS ||
        at.getTime() < Date.parse(channel.updatedAt)
      )
        continue;
      this.settled.add(daily);
      for (const deadline of await this.deps.deadlines.upcoming(
        channel.teamId,
        channel.channelId,
      )) {
        const daysLeft = daysUntil(deadline.date, at, channel.timezone);
        if (!(REMINDER_DAYS as readonly number[]).includes(daysLeft)) continue;
        const claim = `reminder:${channel.key}:${deadline.id}:${daysLeft}`;
        if (this.settled.has(claim)) continue;
        out.push({
          claim,
          channel,
          build: async () => ({
            kind: "reminder",
            teamId: channel.teamId,
            channelId: channel.channelId,
            deadline,
            daysLeft,
          }),
        });
      }
    }
    return out;
  }

  private async post(candidates: Candidate[], now: Date, skipped: number): Promise<TickReport> {
    const report: TickReport = { posted: 0, skipped, failed: 0, paused: [] };
    if (candidates.length === 0) return report;
    // Each message is claimed just before it is posted (not the whole run up front), so a crash
    // loses at most the one message being posted, never the rest of the run.
    const owned = new Set<string>();
    const jobs = candidates.map((candidate) => {
      this.settled.add(candidate.claim);
      return { channelKey: candidate.channel.key, content: candidate };
    });
    const { results, aborted } = await this.sender.run(jobs, async ({ content: candidate }) => {
      if (!owned.has(candidate.claim)) {
        if (!(await this.claim(candidate.claim, "posting", now))) {
          await this.reportStuck(candidate.claim);
          return { ok: true, skipped: true };
        }
        owned.add(candidate.claim);
      }
      this.posting.add(candidate.claim);
      try {
        return await this.deps.deliver(await candidate.build());
      } finally {
        this.posting.delete(candidate.claim);
      }
    });
    for (const result of results) {
      const { claim, channel } = result.job.content;
      if (result.status === "skipped") continue;
      if (result.status === "posted") {
        report.posted++;
        await this.sent.set(claim, {
          state: "posted",
          at: new Date(this.deps.clock.now()).toISOString(),
          ...(result.ts ? { ts: result.ts } : {}),
        });
        continue;
      }
      // Not posted: release the claim (if this run took it) so a later tick can try again.
      if (owned.has(claim)) await this.sent.delete(claim);
      this.settled.delete(claim);
      if (result.status === "channel_gone") {
        report.paused.push(channel.key);
        await this.deps.channels.pause(
          channel.teamId,
          channel.channelId,
          result.error ?? "channel_gone",
        );
        this.deps.logger.warn(`paused nudges for ${channel.key}: ${result.error}`);
      } else if (result.status === "failed") {
        report.failed++;
        this.deps.logger.warn(
          `could not post ${claim}: ${result.error}; will retry on a later tick`,
        );
      }
    }
    if (aborted) {
      report.aborted = aborted;
      this.deps.logger.error(
        `stopped posting nudges: Slack says ${aborted}; check SLACK_BOT_TOKEN and reinstall the app`,
      );
    }
    return report;
  }

  /**
   * A claim still "posting" that this process is not posting was left by a process that died
   * mid-post: the message may or may not have reached Slack, and it is not retried. Say so once.
   */
  private async reportStuck(claim: string): Promise<void> {
    if (this.posting.has(claim)) return;
    const record = await this.sent.get(claim);
    if (record?.state === "posting") {
      this.deps.logger.warn(
        `${claim} was being posted when the bot stopped; it may not have reached Slack and is not retried`,
      );
    }
  }

  private claim(key: string, state: "posting" | "skipped", now: Date): Promise<boolean> {
    return this.sent.claim(key, { state, at: now.toISOString() });
  }
}

/** A channel's own order of the prompts: stable, and different between channels. */
export function rotation(ids: readonly string[], channelKey: string): string[] {
  const rank = (id: string) => createHash("sha1").update(`${channelKey}:${id}`).digest("hex");
  return [...ids].sort((a, b) => rank(a).localeCompare(rank(b)));
}
