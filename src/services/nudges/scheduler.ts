import { createHash, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { z } from "zod";
import { AppError, ErrorCode } from "../../errors.ts";
import type { Deadline, Deadlines } from "../deadlines/deadlines.ts";
import type { KnowledgeBase } from "../knowledge-base/knowledge-base.ts";
import type { Prompt } from "../knowledge-base/schema.ts";
import { atLocal, daysUntil, latestRun, localDate, weekKey } from "../scheduling/time.ts";
import type { Collection, Store } from "../storage/store.ts";
import type { FollowUp } from "../tracker/follow-ups.ts";
import type { Momentum, Tracker } from "../tracker/tracker.ts";
import type { ChannelSettings, ScheduledChannel } from "./channels.ts";
import {
  type Attempt,
  type Clock,
  type PostOutcome,
  Sender,
  type SenderOptions,
  type SendJob,
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

/**
 * Identifies one message in Slack: it is posted carrying `id` (as message metadata), so it can be
 * looked for among the channel's messages since `since` (ms) when a post's outcome is unknown.
 */
export interface NudgeTag {
  id: string;
  since: number;
  /** The workspace the channel is in (multi-workspace mode looks with its token). */
  teamId: string;
}

/** Renders and posts one nudge or reminder, tagged; the only part that knows about Slack. */
export type Deliver = (content: NudgeContent, tag: NudgeTag) => Promise<PostOutcome>;

/**
 * Looks in a channel for the message tagged `tag`: `{ ok: true, ts }` if it is there,
 * `{ ok: true }` without `ts` if it is certainly not, or Slack's error.
 */
export type FindPosted = (channelId: string, tag: NudgeTag) => Promise<PostOutcome>;

/** Who holds a claim: the process, so another can tell whether it is still alive. */
export interface ClaimOwner {
  host: string;
  pid: number;
  /** One per scheduler instance: a restarted process reusing a pid (pid 1 in a container) differs. */
  instance: string;
}

/**
 * Multi-workspace mode: workspaces whose token Slack refused are paused (skipped by the tick) until
 * the app is installed there again; the other workspaces carry on.
 */
export interface WorkspaceGate {
  pausedTeams(): Promise<ReadonlySet<string>>;
  pause(teamId: string, reason: string): Promise<void>;
}

export interface SchedulerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const SentSchema = z.object({
  state: z.enum(["posting", "posted", "skipped"]),
  /** When it was first claimed: a message posted for it is in Slack after this. */
  at: z.string(),
  ts: z.string().optional(),
  owner: z.object({ host: z.string(), pid: z.number(), instance: z.string() }).optional(),
  /** When the current owner took it over. */
  taken: z.string().optional(),
});
type Sent = z.infer<typeof SentSchema>;

/**
 * A "posting" claim older than this whose owner cannot be checked (another host) is taken over.
 * Far longer than any post takes, 429 waits included.
 */
export const STALE_CLAIM_MS = 15 * 60 * 1000;

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
  /** Not started because the scheduler was stopping (they are picked up after a restart). */
  stopped?: number;
}

/**
 * Finds the nudges and reminders due and posts each exactly once, across restarts, crashes,
 * network errors and several processes sharing the store:
 * - Each message is claimed in the store just before it is posted (state "posting", with the
 *   process holding it), under a key made of the channel and the week (or the deadline and the day
 *   count). Claims are atomic between processes: a second tick or process does not post it.
 * - It is posted tagged with its claim key. When a post's outcome is unknown (a reset connection,
 *   a timeout, a 5xx), Slack is asked whether the channel has it before it is posted again.
 * - A "posting" claim left by a process that died (kill -9, a crash mid-request) is taken over by
 *   the next tick of any process, which looks for the message in Slack and posts it only if missing.
 * - If Slack answers with an error, the claim is released and a later tick tries again while the
 *   run is less than 6 hours late.
 */
export class NudgeScheduler {
  private readonly sent: Collection<Sent>;
  private readonly sender: Sender;
  /** Claims already settled in this process, so a tick does not read them from the store again. */
  private readonly settled = new Set<string>();
  /** Claims this process is posting right now. */
  private readonly posting = new Set<string>();
  /** Keys of damaged records already logged, so each is logged once. */
  private readonly damagedLogged = new Set<string>();
  private readonly owner: ClaimOwner;
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: {
      store: Store;
      kb: KnowledgeBase;
      channels: ChannelSettings;
      deadlines: Deadlines;
      deliver: Deliver;
      /** Without it, a message whose post had an unknown outcome is never posted again. */
      find?: FindPosted;
      workspaces?: WorkspaceGate;
      clock: Clock;
      logger: SchedulerLogger;
      sender?: SenderOptions;
      /** Adds the group's momentum line to the weekly nudge. */
      tracker?: Tracker;
      /** This process (tests pretend to be several). */
      owner?: ClaimOwner;
    },
  ) {
    this.sent = deps.store.collection("sent", SentSchema);
    this.sender = new Sender(deps.clock, deps.sender);
    this.owner = deps.owner ?? { host: hostname(), pid: process.pid, instance: randomUUID() };
  }

  /**
   * Stops taking on messages (SIGTERM): a tick in progress finishes the posts in flight and ends;
   * the rest is left unclaimed for the next process to post.
   */
  stop(): void {
    this.stopping.abort();
  }

  /**
   * One pass: every weekly nudge and reminder whose time has come (and is less than 6 hours late)
   * and was not sent yet is posted; older missed ones (up to a day) are logged as skipped.
   */
  async tick(now: Date = new Date(this.deps.clock.now())): Promise<TickReport> {
    if (this.stopping.signal.aborted) return { posted: 0, skipped: 0, failed: 0, paused: [] };
    if (this.settled.size > 100_000) this.settled.clear();
    const candidates: Candidate[] = [];
    let skipped = 0;
    const paused = (await this.deps.workspaces?.pausedTeams()) ?? new Set<string>();
    const scheduled = (await this.deps.channels.scheduled()).filter((c) => !paused.has(c.teamId));
    for (const channel of scheduled) {
      const run = latestRun(channel, now);
      const claim = `weekly:${channel.key}:${weekKey(run, channel.timezone)}`;
      const late = now.getTime() - run.getTime();
      // A schedule set after this week's time starts next week.
      if (run.getTime() < Date.parse(channel.updatedAt) || this.settled.has(claim)) continue;
      if (late > CATCH_UP_MS) {
        if (late < LOOK_BACK_MS && (await this.skip(claim, now))) {
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
    candidates.push(...(await this.reminders(scheduled, now)));
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
    const tag = { id: `now:${channel.key}:${randomUUID()}`, since: this.deps.clock.now(), teamId };
    const { results } = await this.sender.run(
      [{ channelKey: channel.key, content }],
      async (job, attempt) => {
        if (attempt.uncertain) {
          const found = await this.find(channelId, tag);
          if (!found.ok || found.ts) return found.ok ? found : { ...found, uncertain: true };
        }
        return this.deps.deliver(job.content, tag);
      },
    );
    const [result] = results;
    await this.pauseWorkspaces(results, () => teamId);
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
  private async reminders(scheduled: ScheduledChannel[], now: Date): Promise<Candidate[]> {
    const out: Candidate[] = [];
    for (const channel of scheduled) {
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
      let upcoming: Deadline[];
      try {
        upcoming = await this.deps.deadlines.upcoming(channel.teamId, channel.channelId);
      } catch (error) {
        // One channel's damaged deadlines must not stop the others' nudges.
        if (!isDamaged(error)) throw error;
        this.logDamaged(`deadlines of ${channel.key}`, error);
        continue;
      }
      this.settled.add(daily);
      for (const deadline of upcoming) {
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
    // or a stop leaves the rest of the run unclaimed, for the next tick or process to post.
    const held = new Map<string, Held>();
    /** Claims another live process is posting: looked at again next tick, in case it dies. */
    const busy = new Set<string>();
    const jobs = candidates.map((candidate) => {
      this.settled.add(candidate.claim);
      const workspace = candidate.channel.teamId;
      return { channelKey: candidate.channel.key, workspace, content: candidate };
    });
    const { results, aborted } = await this.sender.run(
      jobs,
      async ({ content: candidate }, attempt) => {
        let hold = held.get(candidate.claim);
        if (!hold) {
          const taken = await this.take(candidate.claim, now);
          if (taken === "busy") busy.add(candidate.claim);
          if (!taken || taken === "busy") return { ok: true, skipped: true };
          hold = taken;
          held.set(candidate.claim, hold);
        }
        return this.postHeld(candidate, hold, attempt);
      },
      {
        signal: this.stopping.signal,
        // Recorded as each one ends, so a crash mid-run leaves only the posts in flight unsettled.
        onResult: async (result) => {
          const { claim, channel } = result.job.content;
          if (result.status === "skipped") {
            if (busy.has(claim)) this.settled.delete(claim);
            return;
          }
          if (result.status === "stopped") {
            report.stopped = (report.stopped ?? 0) + 1;
            this.settled.delete(claim);
            return;
          }
          try {
            await this.settle(result, held.get(claim), report);
          } catch (error) {
            // The store failed: the claim stays "posting", and a later tick of this or another
            // process checks Slack for the message and completes it.
            this.settled.delete(claim);
            this.deps.logger.error(`could not record how posting ${claim} ended: ${String(error)}`);
          }
          if (result.status === "channel_gone")
            this.deps.logger.warn(`paused nudges for ${channel.key}: ${result.error}`);
        },
      },
    );
    if (aborted) {
      report.aborted = aborted;
      if (this.deps.workspaces) await this.pauseWorkspaces(results, (job) => job.workspace ?? "");
      else
        this.deps.logger.error(
          `stopped posting nudges: Slack says ${aborted}; check SLACK_BOT_TOKEN and reinstall the app`,
        );
    }
    return report;
  }

  /**
   * Multi-workspace mode: pauses each workspace whose token failed (its posts came back
   * "aborted"); the others carry on.
   */
  private async pauseWorkspaces(
    results: readonly SendResult<unknown>[],
    teamOf: (job: SendJob<unknown>) => string,
  ): Promise<void> {
    const { workspaces, logger } = this.deps;
    if (!workspaces) return;
    const failed = new Map<string, string>();
    for (const { job, status, error } of results) {
      const teamId = teamOf(job);
      if (status === "aborted" && !failed.has(teamId)) failed.set(teamId, error ?? "invalid_auth");
    }
    for (const [teamId, error] of failed) {
      await workspaces.pause(teamId, error);
      logger.error(
        `paused nudges in workspace ${teamId}: Slack says ${error}; they resume once the app is installed there again`,
      );
    }
  }

  /** Posts a claimed message, first looking for it in Slack if an earlier post may have landed. */
  private async postHeld(candidate: Candidate, hold: Held, attempt: Attempt): Promise<PostOutcome> {
    const { claim, channel } = candidate;
    const tag = { id: claim, since: hold.since, teamId: channel.teamId };
    if (attempt.uncertain || hold.recovered) {
      const found = await this.find(channel.channelId, tag);
      if (!found.ok) return { ...found, uncertain: true };
      if (hold.recovered) {
        this.deps.logger.warn(
          found.ts
            ? `${claim} was being posted when ${hold.recovered}; Slack has it (ts ${found.ts}), so it is not posted again`
            : `${claim} was being posted when ${hold.recovered}; Slack does not have it, so it is posted now`,
        );
        hold.recovered = undefined;
      }
      if (found.ts) return found;
    }
    this.posting.add(claim);
    try {
      let content: NudgeContent;
      try {
        content = await candidate.build();
      } catch (error) {
        if (!isDamaged(error)) throw error;
        this.logDamaged(`nudge settings of ${channel.key}`, error);
        return { ok: false, error: "stored_value_invalid" };
      }
      return await this.deps.deliver(content, tag);
    } finally {
      this.posting.delete(claim);
    }
  }

  /** Records how one message's posting ended, and pauses a channel the bot was removed from. */
  private async settle(result: SendResult<Candidate>, hold: Held | undefined, report: TickReport) {
    const { claim, channel } = result.job.content;
    const held = hold !== undefined;
    if (result.status === "posted") {
      report.posted++;
      // A plain write: this process holds the claim, and nobody takes over a live holder's.
      await this.sent.set(claim, {
        state: "posted",
        at: new Date(hold?.since ?? this.deps.clock.now()).toISOString(),
        ...(result.ts ? { ts: result.ts } : {}),
      });
      return;
    }
    this.settled.delete(claim);
    // Not posted for sure: release the claim (if this run took it) so a later tick can try again.
    // Maybe posted: keep it "posting"; the next tick looks for it in Slack first.
    if (held && !result.uncertain) await this.sent.delete(claim);
    if (result.status === "channel_gone") {
      report.paused.push(channel.key);
      await this.deps.channels.pause(
        channel.teamId,
        channel.channelId,
        result.error ?? "channel_gone",
      );
    } else if (result.status === "failed") {
      report.failed++;
      this.deps.logger.warn(
        result.uncertain
          ? `could not confirm ${claim} was posted: ${result.error}; a later tick looks for it in Slack and posts it if missing`
          : `could not post ${claim}: ${result.error}; will retry on a later tick`,
      );
    }
  }

  /**
   * Claims a message for this process: a fresh claim, or one whose holder is gone (a process that
   * died mid-post, or this process after an unconfirmed post). "busy" while another live process
   * is posting it; undefined once it is settled.
   */
  private async take(claim: string, now: Date): Promise<Held | "busy" | undefined> {
    const fresh: Sent = { state: "posting", at: now.toISOString(), owner: this.owner };
    if (await this.sent.claim(claim, fresh)) return { since: now.getTime() };
    const existing = await this.sent.get(claim);
    if (existing && !this.takeable(claim, existing))
      return existing.state === "posting" ? "busy" : undefined;
    let taken: Held | undefined;
    await this.sent.update(claim, (current) => {
      taken = undefined;
      if (!current) {
        taken = { since: now.getTime() };
        return fresh;
      }
      if (!this.takeable(claim, current)) return current;
      taken = {
        since: Date.parse(current.at),
        recovered:
          current.owner?.instance === this.owner.instance
            ? "an earlier attempt could not be confirmed"
            : "its process stopped",
      };
      return {
        ...current,
        owner: this.owner,
        taken: new Date(this.deps.clock.now()).toISOString(),
      };
    });
    return taken;
  }

  /** A "posting" claim nobody is working on any more. */
  private takeable(claim: string, record: Sent): boolean {
    if (record.state !== "posting") return false;
    const { owner } = record;
    if (owner?.instance === this.owner.instance) return !this.posting.has(claim);
    const alive = owner ? processAlive(owner, this.owner) : undefined;
    if (alive !== undefined) return !alive;
    return this.deps.clock.now() - Date.parse(record.taken ?? record.at) > STALE_CLAIM_MS;
  }

  private find(channelId: string, tag: NudgeTag): Promise<PostOutcome> {
    return this.deps.find
      ? this.deps.find(channelId, tag)
      : Promise.resolve({ ok: false, error: "cannot_look_for_messages" });
  }

  private skip(key: string, now: Date): Promise<boolean> {
    return this.sent.claim(key, { state: "skipped", at: now.toISOString() });
  }

  private logDamaged(what: string, error: unknown): void {
    const message = (error as Error).message;
    if (this.damagedLogged.has(message)) return;
    this.damagedLogged.add(message);
    this.deps.logger.warn(`skipping the ${what}: ${message}`);
  }
}

/** A claim this run holds: since when its message may be in Slack, and why it was taken over. */
interface Held {
  since: number;
  recovered?: string | undefined;
}

/**
 * Whether the process holding a claim still runs: known on the same host (by its pid), unknown
 * (undefined) on another.
 */
export function processAlive(owner: ClaimOwner, self: ClaimOwner): boolean | undefined {
  if (owner.host !== self.host) return undefined;
  if (owner.pid === self.pid) return owner.instance === self.instance;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isDamaged(error: unknown): boolean {
  return error instanceof AppError && error.code === ErrorCode.StoredValueInvalid;
}

/** A channel's own order of the prompts: stable, and different between channels. */
export function rotation(ids: readonly string[], channelKey: string): string[] {
  const rank = (id: string) => createHash("sha1").update(`${channelKey}:${id}`).digest("hex");
  return [...ids].sort((a, b) => rank(a).localeCompare(rank(b)));
}
