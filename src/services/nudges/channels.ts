import { z } from "zod";
import type { WeeklyTime } from "../scheduling/time.ts";
import type { Collection, Store } from "../storage/store.ts";

const ScheduleSchema = z.object({
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

const IndexSchema = z.record(
  z.string(),
  z.object({
    teamId: z.string(),
    channelId: z.string(),
    weekday: z.number(),
    time: z.string(),
    timezone: z.string(),
    updatedAt: z.string(),
  }),
);

/**
 * Each channel's nudge schedule and prompt rotation, plus one index of the active schedules so a
 * tick can find the channels due without reading every channel.
 */
export class ChannelSettings {
  private readonly channels: Collection<ChannelState>;
  private readonly index: Collection<z.infer<typeof IndexSchema>>;

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.channels = store.collection("channels", ChannelSchema);
    this.index = store.collection("schedules", IndexSchema);
  }

  async get(teamId: string, channelId: string): Promise<ChannelState> {
    return (
      (await this.channels.get(key(teamId, channelId))) ?? { teamId, channelId, usedPrompts: [] }
    );
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
    await this.channels.update(key(teamId, channelId), (c) => ({
      ...(c ?? { teamId, channelId, usedPrompts: [] }),
      schedule,
    }));
    await this.reindex(teamId, channelId, schedule);
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
   * Every channel with nudges on and not paused, read from the store each time (one record), so a
   * replica sees a schedule another replica set.
   */
  async scheduled(): Promise<ScheduledChannel[]> {
    const index = (await this.index.get("all")) ?? {};
    return Object.entries(index).map(([k, v]) => ({ key: k, ...v }));
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
    await this.index.update("all", (current = {}) => {
      const next = { ...current };
      if (schedule?.enabled && !schedule.pausedReason) {
        next[k] = {
          teamId,
          channelId,
          weekday: schedule.weekday,
          time: schedule.time,
          timezone: schedule.timezone,
          updatedAt: schedule.updatedAt,
        };
      } else {
        delete next[k];
      }
      return next;
    });
  }
}

export function key(teamId: string, channelId: string): string {
  return `${teamId}:${channelId}`;
}
