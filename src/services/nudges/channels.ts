import { z } from "zod";
import { AppError, ErrorCode } from "../../errors.ts";
import type { WeeklyTime } from "../scheduling/time.ts";
import type { Collection, Store } from "../storage/store.ts";

/** A weekly time in a channel's timezone, as nudges and mock-interview rounds keep it. */
export const ScheduleSchema = z.object({
  weekday: z.number().int().min(1).max(7),
  time: z.string().regex(/^\d{2}:\d{2}$/),
  timezone: z.string(),
  enabled: z.boolean(),
  /** Why nudges stopped on their own (e.g. "not_in_channel"); cleared by `/nudges on`. */
  pausedReason: z.string().optional(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

const ChannelSchema = z.object({
  teamId: z.string(),
  channelId: z.string(),
  schedule: ScheduleSchema.optional(),
  /** Practice prompts already posted in this channel's current round. */
  usedPrompts: z.array(z.string()).default([]),
  /** The prompt of a week, so `/nudges now` and the scheduled nudge agree. */
  weekPrompt: z.object({ week: z.string(), promptId: z.string() }).optional(),
});
export type ChannelState = z.infer<typeof ChannelSchema>;

/** An active schedule, as the scheduler sees it. */
export interface ScheduledChannel extends WeeklyTime {
  key: string;
  teamId: string;
  channelId: string;
  updatedAt: string;
}

/**
 * The index of channels with nudges on: only their keys (the schedule itself lives in each
 * channel's own record, validated on its own). Its values are not read, so no single value in it
 * can stop the others; older versions kept a copy of each schedule there, still readable.
 */
const IndexSchema = z.record(z.string(), z.unknown());
const INDEX_KEY = "all";

export interface ChannelsLogger {
  warn(message: string): void;
}

/**
 * Each channel's nudge schedule and prompt rotation, in one record per channel, plus an index of
 * the channels with nudges on (kept with atomic updates, so concurrent `/nudges on` in several
 * processes never lose an entry) so a tick does not have to read every channel ever seen.
 */
export class ChannelSettings {
  private readonly channels: Collection<ChannelState>;
  private readonly index: Collection<z.infer<typeof IndexSchema>>;
  /** Channels whose damaged record was already logged, so it is logged once. */
  private readonly damaged = new Set<string>();

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
    private readonly logger: ChannelsLogger = console,
  ) {
    this.channels = store.collection("channels", ChannelSchema);
    this.index = store.collection("schedules", IndexSchema);
  }

  async get(teamId: string, channelId: string): Promise<ChannelState> {
    return (
      (await this.channels.get(key(teamId, channelId))) ?? { teamId, channelId, usedPrompts: [] }
    );
  }

  /** Like `get`, but a record that fails its schema comes back as "damaged" instead of throwing. */
  async inspect(teamId: string, channelId: string): Promise<ChannelState | "damaged"> {
    try {
      return await this.get(teamId, channelId);
    } catch (error) {
      if (isDamaged(error)) return "damaged";
      throw error;
    }
  }

  /** Turns nudges on with a schedule (clearing any pause). */
  async turnOn(
    teamId: string,
    channelId: string,
    time: WeeklyTime,
    userId: string,
  ): Promise<Schedule> {
    const schedule: Schedule = {
      ...time,
      enabled: true,
      updatedBy: userId,
      updatedAt: this.now().toISOString(),
    };
    const k = key(teamId, channelId);
    // Indexed first: a failure after that leaves an index entry whose channel is not on, which
    // a tick ignores; the other order could leave a channel "on" that is never nudged.
    await this.reindex(teamId, channelId, schedule);
    try {
      await this.channels.update(k, (c) => ({
        ...(c ?? { teamId, channelId, usedPrompts: [] }),
        schedule,
      }));
    } catch (error) {
      if (!isDamaged(error)) throw error;
      // Setting a schedule again is how a damaged record is repaired (its prompt rotation restarts).
      this.logger.warn(`replacing the damaged nudge settings of ${k}: ${(error as Error).message}`);
      await this.channels.set(k, { teamId, channelId, usedPrompts: [], schedule });
    }
    this.damaged.delete(k);
    return schedule;
  }

  /** Turns nudges off, keeping the schedule for `/nudges status`; false if they were not on. */
  async turnOff(teamId: string, channelId: string, userId: string): Promise<boolean> {
    let was = false;
    await this.channels.update(key(teamId, channelId), (c) => {
      const current = c ?? { teamId, channelId, usedPrompts: [] };
      was = current.schedule?.enabled === true && !current.schedule.pausedReason;
      if (!current.schedule) return current;
      return {
        ...current,
        schedule: {
          ...current.schedule,
          enabled: false,
          updatedBy: userId,
          updatedAt: this.now().toISOString(),
        },
      };
    });
    await this.reindex(teamId, channelId, undefined);
    return was;
  }

  /** Pauses nudges because posting failed for good (e.g. the bot was removed from the channel). */
  async pause(teamId: string, channelId: string, reason: string): Promise<void> {
    await this.channels.update(key(teamId, channelId), (c) => {
      const current = c ?? { teamId, channelId, usedPrompts: [] };
      return current.schedule
        ? { ...current, schedule: { ...current.schedule, pausedReason: reason } }
        : current;
    });
    await this.reindex(teamId, channelId, undefined);
  }

  /**
   * Every channel with nudges on and not paused, read from each channel's own record. A record
   * that fails its schema is left out and logged once with its key; the others carry on.
   */
  async scheduled(): Promise<ScheduledChannel[]> {
    const index = (await this.index.get(INDEX_KEY)) ?? {};
    const out: ScheduledChannel[] = [];
    for (const k of Object.keys(index)) {
      const [teamId, channelId] = k.split(":");
      if (!teamId || !channelId) continue;
      let state: ChannelState | undefined;
      try {
        state = await this.channels.get(k);
      } catch (error) {
        if (!isDamaged(error)) throw error;
        if (!this.damaged.has(k)) {
          this.damaged.add(k);
          this.logger.warn(
            `no nudges for ${k} until its settings are set again (/nudges on): ${(error as Error).message}`,
          );
        }
        continue;
      }
      this.damaged.delete(k);
      const schedule = state?.schedule;
      if (!schedule?.enabled || schedule.pausedReason) continue;
      out.push({
        key: k,
        teamId,
        channelId,
        weekday: schedule.weekday,
        time: schedule.time,
        timezone: schedule.timezone,
        updatedAt: schedule.updatedAt,
      });
    }
    return out;
  }

  /**
   * The practice prompt of a week for a channel: the same all week; a new week takes the next one
   * not yet used in this channel, starting a new round when all have been used.
   */
  async promptForWeek(
    teamId: string,
    channelId: string,
    week: string,
    order: readonly string[],
  ): Promise<string | undefined> {
    if (order.length === 0) return undefined;
    // Already chosen for this week (a second post, `/nudges now`): no write needed.
    const known = (await this.channels.get(key(teamId, channelId)))?.weekPrompt;
    if (known?.week === week && order.includes(known.promptId)) return known.promptId;
    let chosen: string | undefined;
    await this.channels.update(key(teamId, channelId), (c) => {
      const current = c ?? { teamId, channelId, usedPrompts: [] };
      if (current.weekPrompt?.week === week && order.includes(current.weekPrompt.promptId)) {
        chosen = current.weekPrompt.promptId;
        return current;
      }
      let used = current.usedPrompts.filter((id) => order.includes(id));
      if (used.length >= order.length) used = [];
      chosen = order.find((id) => !used.includes(id)) as string;
      return { ...current, usedPrompts: [...used, chosen], weekPrompt: { week, promptId: chosen } };
    });
    return chosen;
  }

  private async reindex(
    teamId: string,
    channelId: string,
    schedule: Schedule | undefined,
  ): Promise<void> {
    const k = key(teamId, channelId);
    const on = Boolean(schedule?.enabled && !schedule.pausedReason);
    await this.index.update(INDEX_KEY, (current = {}) => {
      if (on === k in current) return current;
      const next = { ...current };
      if (on) next[k] = 1;
      else delete next[k];
      return next;
    });
  }
}

/** A stored record that fails its schema. */
function isDamaged(error: unknown): boolean {
  return error instanceof AppError && error.code === ErrorCode.StoredValueInvalid;
}

export function key(teamId: string, channelId: string): string {
  return `${teamId}:${channelId}`;
}
