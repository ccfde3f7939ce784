import { z } from "zod";
import { AppError, ErrorCode } from "../../errors.ts";
import type { ChecklistProgress } from "../checklists/progress.ts";
import type { KnowledgeBase } from "../knowledge-base/knowledge-base.ts";
import type { Prompt } from "../knowledge-base/schema.ts";
import { type ChannelSettings, ScheduleSchema } from "../nudges/channels.ts";
import { CATCH_UP_MS, type PostSource, rotation, type ScheduledPost } from "../nudges/scheduler.ts";
import { latestRun, nextRun, type WeeklyTime, weekKey } from "../scheduling/time.ts";
import type { Collection, Store } from "../storage/store.ts";
import { AVOID_ROUNDS, makePairs } from "./pairing.ts";

/** Pairs are made this long after the sign-up post. */
export const SIGN_UP_MS = 24 * 3_600_000;
/** The "Did you meet?" follow-up goes to each pair this long after the pairs are made. */
export const FOLLOW_UP_MS = 3 * 24 * 3_600_000;
/** A pair's intro DM or follow-up not posted within this long of its time is not posted at all. */
const POST_WINDOW_MS = 24 * 3_600_000;
/** Rounds kept per channel: the avoided partners' rounds, plus the open one. */
const KEPT_ROUNDS = AVOID_ROUNDS + 2;
/** A round still open this long after its pairing time is given up (the app was down for days). */
const GIVE_UP_MS = 6 * 24 * 3_600_000;

const UserId = z.string().regex(/^[UW][A-Z0-9]{2,30}$/);
export const MeetAnswer = z.enum(["yes", "not_yet", "cant"]);
export type MeetAnswer = z.infer<typeof MeetAnswer>;

const GroupSchema = z.object({
  /** In order: the first interviews the second first. */
  users: z.array(UserId).min(2).max(3),
  /** The group DM, once conversations.open gave it. */
  dm: z.string().optional(),
  /** Each member's answer to "Did you meet?". */
  met: z.record(z.string(), MeetAnswer).default({}),
});
export type PairGroup = z.infer<typeof GroupSchema>;

const RoundSchema = z.object({
  /** "2026-W48" for a weekly round; "now-<ms>" for one `/pairs now` started with no sign-up open. */
  id: z.string().min(1).max(40),
  /** When the sign-up was (or would have been) posted. */
  openedAt: z.string(),
  /** When the pairs are made (24 h after the sign-up; earlier with `/pairs now`). */
  pairAt: z.string(),
  joined: z.array(UserId).default([]),
  skipped: z.array(UserId).default([]),
  state: z.enum(["open", "paired", "skipped"]),
  pairedAt: z.string().optional(),
  /** How many took part (after leaving out those no longer in the channel). */
  participants: z.number().int().min(0).optional(),
  groups: z.array(GroupSchema).default([]),
  /** Why a skipped round had no pairs and no note: the app was down for days, or the bot left. */
  dropped: z.enum(["too_late", "channel_gone"]).optional(),
});
export type Round = z.infer<typeof RoundSchema>;

export type PairsSchedule = z.infer<typeof ScheduleSchema>;

const ChannelPairsSchema = z.object({
  teamId: z.string(),
  channelId: z.string(),
  schedule: ScheduleSchema.optional(),
  /** Standing opt-ins (`/pairs join`): in every round until `/pairs leave`. */
  standing: z.array(UserId).default([]),
  /** Oldest first. */
  rounds: z.array(RoundSchema).default([]),
});
export type ChannelPairs = z.infer<typeof ChannelPairsSchema>;

const IndexSchema = z.record(z.string(), z.unknown());
const INDEX_KEY = "all";

/** "Mock interviews this week — who's in?", with Join / Skip this week. */
export interface PairsSignUp {
  kind: "pairs-signup";
  teamId: string;
  channelId: string;
  roundId: string;
  pairAt: string;
  timezone: string;
}

/** Fewer than two people joined: the round is skipped, said kindly in the channel. */
export interface PairsSkipped {
  kind: "pairs-skipped";
  teamId: string;
  channelId: string;
  participants: number;
}

/** A pair's (or trio's) group DM: who goes first, a prompt, the agenda, "Schedule it". */
export interface PairsIntro {
  kind: "pairs-intro";
  teamId: string;
  /** The group DM. */
  channelId: string;
  homeChannelId: string;
  users: string[];
  prompt: Prompt | undefined;
  /** The titles of the roles the prompt was picked for (empty: the channel's prompt of the week). */
  roles: string[];
}

/** Three days on: "Did you meet?" with Yes / Not yet / Can't this week. */
export interface PairsFollowUp {
  kind: "pairs-followup";
  teamId: string;
  channelId: string;
  homeChannelId: string;
  roundId: string;
  index: number;
  users: string[];
}

export type PairsContent = PairsSignUp | PairsSkipped | PairsIntro | PairsFollowUp;

/** The Slack calls pairing needs, wired by the app (services import nothing from Slack). */
export interface PairsSlack {
  /** The channel's members now (conversations.members). */
  members(teamId: string, channelId: string): Promise<Answer<string[]>>;
  /** The group DM of these users (conversations.open with users=…). */
  openGroup(teamId: string, users: readonly string[]): Promise<Answer<string>>;
}
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

export interface PairsLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** What `/pairs status` shows. */
export interface PairsStatus {
  schedule: PairsSchedule | undefined;
  next: Date | undefined;
  /** The round taking sign-ups, if any, and when it is paired. */
  open: { pairAt: Date; joined: string[] } | undefined;
  standing: string[];
  /** The last round paired or skipped: pairs made, and how many said they met. */
  last:
    | {
        id: string;
        pairs: number;
        participants: number;
        met: number;
        answered: number;
        dropped?: Round["dropped"];
      }
    | undefined;
}

export type SignUpResult =
  | { ok: true; round: Round; already: boolean }
  | { ok: false; reason: "closed" | "unknown" };

/** Slack's answers that mean the bot is no longer in (or cannot see) the channel. */
const CHANNEL_GONE = new Set(["not_in_channel", "channel_not_found", "is_archived"]);

/**
 * Weekly mock-interview pairs per channel (`/pairs`): the schedule, sign-ups, standing opt-ins,
 * the pairing, and the posts due (sign-up, pair DMs, follow-ups), which the nudge scheduler posts
 * exactly once each (this is one of its `PostSource`s).
 *
 * Each channel's state is one record changed only with the store's atomic `update`, so clicks,
 * ticks and several processes never overwrite each other; a round is paired once: the first
 * process to store its pairs wins and every other one reads them back.
 *
 * @example
 * const pairs = new PairRounds({ store, kb, progress, channels, slack, clock, logger });
 * await pairs.turnOn("T1", "C1", { weekday: 1, time: "09:00", timezone: "UTC" }, "U1");
 */
export class PairRounds implements PostSource {
  private readonly records: Collection<ChannelPairs>;
  private readonly index: Collection<z.infer<typeof IndexSchema>>;
  /** Warnings already logged (a failing call is retried every tick; it is logged once). */
  private readonly warned = new Set<string>();

  constructor(
    private readonly deps: {
      store: Store;
      kb: KnowledgeBase;
      progress: ChecklistProgress;
      channels: ChannelSettings;
      slack: PairsSlack;
      clock: { now(): number };
      logger: PairsLogger;
    },
  ) {
    this.records = deps.store.collection("pairs", ChannelPairsSchema);
    this.index = deps.store.collection("pairs-schedules", IndexSchema);
  }

  async get(teamId: string, channelId: string): Promise<ChannelPairs> {
    return (await this.records.get(key(teamId, channelId))) ?? empty(teamId, channelId);
  }

  /** Weekly rounds on: the sign-up is posted every `time` (clears a pause). */
  async turnOn(
    teamId: string,
    channelId: string,
    time: WeeklyTime,
    userId: string,
  ): Promise<PairsSchedule> {
    const schedule: PairsSchedule = {
      ...time,
      enabled: true,
      updatedBy: userId,
      updatedAt: this.now().toISOString(),
    };
    // Indexed first: an index entry whose channel is not on is ignored by the tick.
    await this.reindex(teamId, channelId, true);
    try {
      await this.change(teamId, channelId, (c) => ({ ...c, schedule }));
    } catch (error) {
      if (!isDamaged(error)) throw error;
      // Setting a schedule again is how a damaged record is repaired (its rounds start afresh).
      const k = key(teamId, channelId);
      this.deps.logger.warn(
        `replacing the damaged /pairs record of ${k}: ${(error as Error).message}`,
      );
      await this.records.set(k, { ...empty(teamId, channelId), schedule });
    }
    this.warned.delete(key(teamId, channelId));
    return schedule;
  }

  /**
   * Weekly rounds off (standing opt-ins and history are kept; rounds already paired still get
   * their follow-ups); false if they were not on.
   */
  async turnOff(teamId: string, channelId: string, userId: string): Promise<boolean> {
    let was = false;
    await this.change(teamId, channelId, (c) => {
      was = c.schedule?.enabled === true && !c.schedule.pausedReason;
      if (!c.schedule) return c;
      const updatedAt = this.now().toISOString();
      return { ...c, schedule: { ...c.schedule, enabled: false, updatedBy: userId, updatedAt } };
    });
    return was;
  }

  /** A standing opt-in; false if the user already had one. */
  async join(teamId: string, channelId: string, userId: string): Promise<boolean> {
    let added = false;
    await this.change(teamId, channelId, (c) => {
      added = !c.standing.includes(userId);
      return added ? { ...c, standing: [...c.standing, userId] } : c;
    });
    return added;
  }

  /**
   * Ends a standing opt-in, and takes the user out of the round now taking sign-ups; false if
   * they were in neither.
   */
  async leave(teamId: string, channelId: string, userId: string): Promise<boolean> {
    let was = false;
    await this.change(teamId, channelId, (c) => {
      const open = c.rounds.find((r) => r.state === "open");
      was = c.standing.includes(userId) || Boolean(open?.joined.includes(userId));
      return {
        ...c,
        standing: c.standing.filter((u) => u !== userId),
        rounds: c.rounds.map((r) =>
          r.state === "open" ? { ...r, joined: r.joined.filter((u) => u !== userId) } : r,
        ),
      };
    });
    return was;
  }

  /** A Join or Skip this week click on a round's sign-up post. */
  async signUp(
    teamId: string,
    channelId: string,
    roundId: string,
    userId: string,
    choice: "join" | "skip",
  ): Promise<SignUpResult> {
    let result: SignUpResult = { ok: false, reason: "unknown" };
    await this.change(teamId, channelId, (c) => {
      const round = c.rounds.find((r) => r.id === roundId);
      if (!round) {
        result = { ok: false, reason: "unknown" };
        return c;
      }
      if (round.state !== "open") {
        result = { ok: false, reason: "closed" };
        return c;
      }
      const already = (choice === "join" ? round.joined : round.skipped).includes(userId);
      const without = (list: string[]) => list.filter((u) => u !== userId);
      const next: Round = already
        ? round
        : choice === "join"
          ? {
              ...round,
              joined: [...without(round.joined), userId],
              skipped: without(round.skipped),
            }
          : {
              ...round,
              skipped: [...without(round.skipped), userId],
              joined: without(round.joined),
            };
      result = { ok: true, round: next, already };
      return { ...c, rounds: c.rounds.map((r) => (r.id === roundId ? next : r)) };
    });
    return result;
  }

  /** A "Did you meet?" answer from a member of the group; false if they are not in it. */
  async answer(
    teamId: string,
    channelId: string,
    roundId: string,
    index: number,
    userId: string,
    answer: MeetAnswer,
  ): Promise<boolean> {
    let recorded = false;
    await this.change(teamId, channelId, (c) => ({
      ...c,
      rounds: c.rounds.map((r) => {
        const group = r.groups[index];
        if (r.id !== roundId || !group?.users.includes(userId)) return r;
        recorded = true;
        const groups = r.groups.map((g, i) =>
          i === index ? { ...g, met: { ...g.met, [userId]: answer } } : g,
        );
        return { ...r, groups };
      }),
    }));
    return recorded;
  }

  async status(teamId: string, channelId: string, now = this.now()): Promise<PairsStatus> {
    const c = await this.get(teamId, channelId);
    const active = c.schedule?.enabled && !c.schedule.pausedReason ? c.schedule : undefined;
    const open = c.rounds.find((r) => r.state === "open");
    const last = c.rounds.filter((r) => r.state !== "open").at(-1);
    return {
      schedule: c.schedule,
      next: active ? nextRun(active, now) : undefined,
      open: open
        ? {
            pairAt: new Date(open.pairAt),
            joined: participants(open, c.standing),
          }
        : undefined,
      standing: c.standing,
      last: last
        ? {
            id: last.id,
            pairs: last.groups.length,
            participants: last.participants ?? 0,
            met: last.groups.filter((g) => Object.values(g.met).includes("yes")).length,
            answered: last.groups.filter((g) => Object.keys(g.met).length > 0).length,
            ...(last.dropped ? { dropped: last.dropped } : {}),
          }
        : undefined,
    };
  }

  /**
   * `/pairs now`: the round taking sign-ups is paired now (or, with none open, a round of the
   * standing opt-ins); returns the posts to make (the pair DMs, or the skipped note).
   */
  async pairNow(teamId: string, channelId: string, now = this.now()): Promise<ScheduledPost[]> {
    const k = key(teamId, channelId);
    // Indexed first, so the tick posts the follow-ups even in a channel without weekly rounds.
    await this.reindex(teamId, channelId, true);
    await this.change(teamId, channelId, (c) => {
      const open = c.rounds.find((r) => r.state === "open");
      if (open)
        return {
          ...c,
          rounds: c.rounds.map((r) => (r === open ? { ...r, pairAt: now.toISOString() } : r)),
        };
      const round: Round = {
        id: `now-${now.getTime()}`,
        openedAt: now.toISOString(),
        pairAt: now.toISOString(),
        joined: [],
        skipped: [],
        state: "open",
        groups: [],
      };
      return { ...c, rounds: keep([...c.rounds, round]) };
    });
    const record = await this.get(teamId, channelId);
    return this.duePosts(k, record, now, undefined);
  }

  /** The posts due at `now` in every channel with rounds on (a `PostSource` for the scheduler). */
  async due(now: Date, paused: ReadonlySet<string> = new Set()): Promise<ScheduledPost[]> {
    const index = (await this.index.get(INDEX_KEY)) ?? {};
    const out: ScheduledPost[] = [];
    for (const k of Object.keys(index)) {
      const [teamId = "", channelId = ""] = k.split(":");
      if (!teamId || !channelId || paused.has(teamId)) continue;
      let record: ChannelPairs | undefined;
      try {
        record = await this.records.get(k);
      } catch (error) {
        if (!isDamaged(error)) throw error;
        this.warnOnce(
          k,
          `no pairs for ${k} until /pairs on is run again: ${(error as Error).message}`,
        );
        continue;
      }
      const schedule = record?.schedule;
      const active = schedule?.enabled && !schedule.pausedReason ? schedule : undefined;
      if (!record || (!active && !pending(record, now))) {
        // Nothing more to post here: out of the index until `/pairs on` or `/pairs now`.
        await this.unindexIfIdle(teamId, channelId, now);
        continue;
      }
      try {
        out.push(...(await this.duePosts(k, record, now, active)));
      } catch (error) {
        // One channel's failure (a store error mid-pairing) must not stop the other channels.
        this.deps.logger.error(`pairs for ${k}: ${String(error)}`);
      }
    }
    return out;
  }

  /** One channel's posts due: this week's sign-up, then each round's pairing, DMs and follow-ups. */
  private async duePosts(
    k: string,
    start: ChannelPairs,
    now: Date,
    schedule: PairsSchedule | undefined,
  ): Promise<ScheduledPost[]> {
    let record = start;
    const out: ScheduledPost[] = [];
    const { teamId, channelId } = record;
    if (schedule) {
      const run = latestRun(schedule, now);
      const late = now.getTime() - run.getTime();
      // A schedule set after this week's time starts next week.
      if (run.getTime() >= Date.parse(schedule.updatedAt) && late <= CATCH_UP_MS) {
        const id = weekKey(run, schedule.timezone);
        if (!record.rounds.some((r) => r.id === id)) record = await this.open(k, id, run);
        const round = record.rounds.find((r) => r.id === id);
        if (round?.state === "open")
          out.push({
            claim: `pairs-signup:${k}:${id}`,
            channel: { key: k, teamId, channelId },
            build: async () => ({
              kind: "pairs-signup",
              teamId,
              channelId,
              roundId: id,
              pairAt: round.pairAt,
              timezone: schedule.timezone,
            }),
            gone: (error) => this.pause(teamId, channelId, error),
          });
      }
    }
    for (const round of record.rounds) {
      const settled =
        round.state === "open" && Date.parse(round.pairAt) <= now.getTime()
          ? await this.pair(k, record, round, now)
          : round;
      if (settled) out.push(...(await this.roundPosts(k, settled, now)));
    }
    return out;
  }

  /** A settled round's posts due at `now`: the skipped note, or each pair's intro and follow-up. */
  private async roundPosts(k: string, round: Round, now: Date): Promise<ScheduledPost[]> {
    const [teamId = "", channelId = ""] = k.split(":");
    if (round.state === "open" || !round.pairedAt) return [];
    const since = now.getTime() - Date.parse(round.pairedAt);
    if (round.state === "skipped") {
      if (since >= POST_WINDOW_MS || round.dropped) return [];
      const participants = round.participants ?? 0;
      return [
        {
          claim: `pairs-skipped:${k}:${round.id}`,
          channel: { key: k, teamId, channelId },
          build: async () => ({ kind: "pairs-skipped", teamId, channelId, participants }),
          gone: async () => {},
        },
      ];
    }
    const introDue = since < POST_WINDOW_MS;
    const followUpDue = since >= FOLLOW_UP_MS && since < FOLLOW_UP_MS + POST_WINDOW_MS;
    if (!introDue && !followUpDue) return [];
    const paired = introDue ? await this.openGroups(k, round) : round;
    const out: ScheduledPost[] = [];
    for (const [index, group] of paired.groups.entries()) {
      const dm = group.dm;
      if (!dm) continue;
      const target = { key: dm, teamId, channelId: dm };
      if (introDue)
        out.push({
          claim: `pairs-intro:${k}:${paired.id}:${index}`,
          channel: target,
          build: () => this.intro(teamId, channelId, dm, group.users, paired, k),
          gone: async () => {},
        });
      if (followUpDue)
        out.push({
          claim: `pairs-followup:${k}:${paired.id}:${index}`,
          channel: target,
          build: async () => ({
            kind: "pairs-followup",
            teamId,
            channelId: dm,
            homeChannelId: channelId,
            roundId: paired.id,
            index,
            users: group.users,
          }),
          gone: async () => {},
        });
    }
    return out;
  }

  /** Adds this week's round (taking sign-ups) if it is not there yet. */
  private async open(k: string, id: string, run: Date): Promise<ChannelPairs> {
    const [teamId = "", channelId = ""] = k.split(":");
    return this.change(teamId, channelId, (c) => {
      if (c.rounds.some((r) => r.id === id)) return c;
      // A round left open (paired by nobody: the app was down for days) makes way for this one.
      const rounds = c.rounds.map(
        (r): Round =>
          r.state === "open"
            ? {
                ...r,
                state: "skipped",
                pairedAt: run.toISOString(),
                participants: 0,
                dropped: "too_late",
              }
            : r,
      );
      const round: Round = {
        id,
        openedAt: run.toISOString(),
        pairAt: new Date(run.getTime() + SIGN_UP_MS).toISOString(),
        joined: [],
        skipped: [],
        state: "open",
        groups: [],
      };
      return { ...c, rounds: keep([...rounds, round]) };
    });
  }

  /**
   * Makes a round's pairs from who joined (and the standing opt-ins), minus who skipped this week
   * and who is no longer in the channel, avoiding the last 4 rounds' partners when possible.
   * Undefined when the channel's members could not be read (tried again next tick).
   */
  private async pair(
    k: string,
    record: ChannelPairs,
    round: Round,
    now: Date,
  ): Promise<Round | undefined> {
    const { teamId, channelId } = record;
    if (now.getTime() - Date.parse(round.pairAt) > GIVE_UP_MS) {
      return this.settleRound(teamId, channelId, round.id, now, [], 0, "too_late");
    }
    const members = await this.deps.slack.members(teamId, channelId);
    if (!members.ok) {
      this.warnOnce(
        `${k}:${round.id}:members`,
        `could not read the members of ${k} to pair round ${round.id}: ${members.error}; trying again next minute`,
      );
      if (!CHANNEL_GONE.has(members.error)) return undefined;
      // The bot was removed from the channel: no pairs this round (nor a note it cannot post).
      await this.pause(teamId, channelId, members.error);
      return this.settleRound(teamId, channelId, round.id, now, [], 0, "channel_gone");
    }
    const inChannel = new Set(members.value);
    const people = participants(round, record.standing).filter((u) => inChannel.has(u));
    const earlier = record.rounds
      .filter((r) => r.id !== round.id && r.state === "paired")
      .map((r) => r.groups.map((g) => g.users));
    const groups = makePairs(people, earlier, `${k}:${round.id}`);
    return this.settleRound(teamId, channelId, round.id, now, groups, people.length);
  }

  /** Stores the pairs once: a round already settled (by another process) is returned as stored. */
  private async settleRound(
    teamId: string,
    channelId: string,
    roundId: string,
    now: Date,
    groups: string[][],
    count: number,
    dropped?: Round["dropped"],
  ): Promise<Round | undefined> {
    const record = await this.change(teamId, channelId, (c) => ({
      ...c,
      rounds: c.rounds.map(
        (r): Round =>
          r.id === roundId && r.state === "open"
            ? {
                ...r,
                state: groups.length > 0 ? "paired" : "skipped",
                pairedAt: now.toISOString(),
                participants: count,
                groups: groups.map((users) => ({ users, met: {} })),
                ...(dropped ? { dropped } : {}),
              }
            : r,
      ),
    }));
    return record.rounds.find((r) => r.id === roundId);
  }

  /** Opens each group's DM (conversations.open) that is not open yet, and keeps its id. */
  private async openGroups(k: string, round: Round): Promise<Round> {
    const [teamId = "", channelId = ""] = k.split(":");
    const opened = new Map<number, string>();
    for (const [index, group] of round.groups.entries()) {
      if (group.dm) continue;
      const answer = await this.deps.slack.openGroup(teamId, group.users);
      if (answer.ok) opened.set(index, answer.value);
      else
        this.warnOnce(
          `${k}:${round.id}:${index}:open`,
          `could not open the group DM of pair ${index + 1} of ${k} round ${round.id}: ${answer.error}; trying again next minute`,
        );
    }
    if (opened.size === 0) return round;
    const record = await this.change(teamId, channelId, (c) => ({
      ...c,
      rounds: c.rounds.map((r) =>
        r.id === round.id
          ? {
              ...r,
              groups: r.groups.map((g, i) =>
                g.dm ? g : { ...g, ...(opened.has(i) ? { dm: opened.get(i) } : {}) },
              ),
            }
          : r,
      ),
    }));
    return record.rounds.find((r) => r.id === round.id) ?? round;
  }

  /** The intro DM: a prompt suited to the roles the group started in /skills, else the week's. */
  private async intro(
    teamId: string,
    homeChannelId: string,
    dm: string,
    users: string[],
    round: Round,
    k: string,
  ): Promise<PairsIntro> {
    const { kb, progress, channels } = this.deps;
    const started = new Map<string, number>();
    for (const user of users)
      for (const p of await progress.started(teamId, user, kb.roles))
        started.set(p.roleId, (started.get(p.roleId) ?? 0) + 1);
    // Roles more of the group started come first.
    const roles = [...started.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const order = rotation(
      kb.prompts.map((p) => p.id),
      `${k}:${round.id}:${users.join(",")}`,
    );
    for (const role of roles) {
      const suited = order.find((id) => kb.getOfKind(id, "prompt")?.roles.includes(role));
      const prompt = suited ? kb.getOfKind(suited, "prompt") : undefined;
      if (prompt) {
        const titles = roles
          .filter((r) => prompt.roles.includes(r))
          .map((r) => kb.getOfKind(r, "role")?.title ?? r);
        return {
          kind: "pairs-intro",
          teamId,
          channelId: dm,
          homeChannelId,
          users,
          prompt,
          roles: titles,
        };
      }
    }
    const week = weekKey(new Date(round.pairedAt ?? round.pairAt), "UTC");
    const promptId = await channels.promptForWeek(
      teamId,
      homeChannelId,
      week,
      rotation(
        kb.prompts.map((p) => p.id),
        k,
      ),
    );
    const prompt = promptId ? kb.getOfKind(promptId, "prompt") : undefined;
    return { kind: "pairs-intro", teamId, channelId: dm, homeChannelId, users, prompt, roles: [] };
  }

  /** The bot can no longer post in the channel: weekly rounds stop until `/pairs on`. */
  private async pause(teamId: string, channelId: string, reason: string): Promise<void> {
    await this.change(teamId, channelId, (c) =>
      c.schedule ? { ...c, schedule: { ...c.schedule, pausedReason: reason } } : c,
    );
    this.deps.logger.warn(`paused pairs in ${key(teamId, channelId)}: ${reason}`);
  }

  private change(
    teamId: string,
    channelId: string,
    f: (current: ChannelPairs) => ChannelPairs,
  ): Promise<ChannelPairs> {
    return this.records.update(key(teamId, channelId), (c) => f(c ?? empty(teamId, channelId)));
  }

  private async reindex(teamId: string, channelId: string, on: boolean): Promise<void> {
    const k = key(teamId, channelId);
    await this.index.update(INDEX_KEY, (current = {}) => {
      if (on === k in current) return current;
      const next = { ...current };
      if (on) next[k] = 1;
      else delete next[k];
      return next;
    });
  }

  /** Takes an idle channel out of the index, and back in if `/pairs on` raced with that. */
  private async unindexIfIdle(teamId: string, channelId: string, now: Date): Promise<void> {
    await this.reindex(teamId, channelId, false);
    const again = await this.records.get(key(teamId, channelId));
    const on = again?.schedule?.enabled && !again.schedule.pausedReason;
    if (again && (on || pending(again, now))) await this.reindex(teamId, channelId, true);
  }

  private warnOnce(id: string, message: string): void {
    if (this.warned.has(id)) return;
    if (this.warned.size > 10_000) this.warned.clear();
    this.warned.add(id);
    this.deps.logger.warn(message);
  }

  private now(): Date {
    return new Date(this.deps.clock.now());
  }
}

/** Who takes part in a round: those who joined and the standing opt-ins, minus who skipped it. */
export function participants(round: Round, standing: readonly string[]): string[] {
  return [...new Set([...round.joined, ...standing])].filter((u) => !round.skipped.includes(u));
}

/** A round still to be paired, or whose DMs or follow-ups may still be due. */
function pending(record: ChannelPairs, now: Date): boolean {
  return record.rounds.some(
    (r) =>
      r.state === "open" ||
      (r.pairedAt !== undefined &&
        now.getTime() - Date.parse(r.pairedAt) < FOLLOW_UP_MS + POST_WINDOW_MS),
  );
}

function keep(rounds: Round[]): Round[] {
  return rounds.slice(-KEPT_ROUNDS);
}

function empty(teamId: string, channelId: string): ChannelPairs {
  return { teamId, channelId, standing: [], rounds: [] };
}

function key(teamId: string, channelId: string): string {
  return `${teamId}:${channelId}`;
}

function isDamaged(error: unknown): boolean {
  return error instanceof AppError && error.code === ErrorCode.StoredValueInvalid;
}
