import type { KnownBlock } from "@slack/types";
import type { Deadline, PendingDeadline } from "../services/deadlines/deadlines.ts";
import type { Schedule } from "../services/nudges/channels.ts";
import type { DeadlineReminder, WeeklyNudge } from "../services/nudges/scheduler.ts";
import { formatDate, formatInstant, weekdayName } from "../services/scheduling/time.ts";
import { needsReinstall } from "../slack-errors.ts";
import { Actions } from "./action-ids.ts";
import {
  actions,
  button,
  context,
  divider,
  escapeText,
  header,
  LIMITS,
  type Message,
  message,
  section,
  truncate,
} from "./kit.ts";
import { deadlineTrackButtons, momentumLine } from "./tracker.ts";

/** Deadlines that get their own "I applied" / "Save for later" buttons in one message. */
const WITH_BUTTONS = 20;

/**
 * One section per deadline with its tracker buttons (the first 20), then the rest as lines in as
 * few sections as fit (3000 characters each).
 */
function deadlineBlocks(
  lines: readonly string[],
  channelId: string,
  ids: readonly string[],
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  lines.slice(0, WITH_BUTTONS).forEach((line, i) => {
    blocks.push(section(line), deadlineTrackButtons(channelId, ids[i] ?? ""));
  });
  const chunks: string[] = [];
  for (const line of lines.slice(WITH_BUTTONS)) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= 2900)
      chunks[chunks.length - 1] = `${last}\n${line}`;
    else chunks.push(line);
  }
  return [...blocks, ...chunks.map((c) => section(c))];
}

/** "in 3 days", "tomorrow", "today". */
export function daysLeftText(days: number): string {
  if (days <= 0) return "*today*";
  if (days === 1) return "*tomorrow*";
  return `in *${days} days*`;
}

/** A deadline's title as a link when it has one; the title escaped either way. */
function titleOf(d: Deadline): string {
  const title = escapeText(d.title);
  const url = d.url?.replace(/[<>|]/g, encodeURIComponent).replace(/&/g, "&amp;");
  return url ? `<${url}|${title.replace(/\|/g, "¦")}>` : `*${title}*`;
}

function plainTitle(d: Deadline): string {
  return escapeText(d.title);
}

function deadlineLine(d: Deadline, daysLeft: number, withMeta: boolean): string {
  const when = `${formatDate(d.date, d.time)} (${daysLeftText(daysLeft)})`;
  const meta = withMeta ? ` · id \`${d.id}\` · added by <@${d.addedBy}>` : "";
  return `• ${titleOf(d)} — ${when}${meta}`;
}

const USAGE = [
  "`/deadlines add &lt;date&gt; &lt;title&gt; [link]` — e.g. `/deadlines add 2026-12-15 Acme ML intern https://acme.example/apply`",
  "   dates: `2026-12-15`, `2026-12-15 17:00`, `Dec 5`, `5 Dec`, `December 5 2026` (no year = the next such date)",
  "`/deadlines list` — this channel's upcoming deadlines",
  "`/deadlines remove &lt;id&gt;` — remove one (the id is in the list)",
].join("\n");

export function renderDeadlinesHelp(problem?: string): Message {
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push(section(`:warning: ${problem}`));
  blocks.push(
    section(
      `*/deadlines* keeps this channel's application deadlines; the weekly nudge lists the next two weeks' and reminders go out 3 days and 1 day before.\n${USAGE}`,
    ),
  );
  return message(problem ? `${problem}` : "How to use /deadlines", blocks);
}

export function renderDeadlineProblem(problem: string): Message {
  return message(problem, [
    section(`:warning: ${problem}`),
    context("Nothing was saved. `/deadlines help` shows every form."),
  ]);
}

/** The channel holds as many upcoming deadlines as it may. */
export function renderChannelFull(limit: number): Message {
  return renderDeadlineProblem(
    `This channel already has ${limit} upcoming deadlines; remove some with \`/deadlines remove &lt;id&gt;\` first.`,
  );
}

/** A date after next year: asks before adding it, with a button that adds exactly this one. */
export function renderDeadlineConfirm(pending: PendingDeadline, value: string): Message {
  const when = formatDate(pending.date, pending.time);
  const title = escapeText(pending.title);
  return message(`${when} is more than a year away. Add “${title}” for ${when} anyway?`, [
    section(
      `:thinking_face: *${when}* is more than a year away; is that the date you meant for *${title}*?`,
    ),
    ...actions([button(`Yes, add it for ${when}`, Actions.confirmDeadline, value, "primary")]),
    context(
      "Nothing is saved until you press the button. If the date is a typo, run `/deadlines add` again with the right one.",
    ),
  ]);
}

export function renderDeadlineAdded(d: Deadline, daysLeft: number): Message {
  return message(`Deadline added: ${plainTitle(d)}, ${formatDate(d.date, d.time)} (id ${d.id})`, [
    section(`:date: <@${d.addedBy}> added a deadline:\n${deadlineLine(d, daysLeft, false)}`),
    context(
      `id \`${d.id}\` · \`/deadlines list\` to see all · \`/deadlines remove ${d.id}\` to undo`,
    ),
  ]);
}

export function renderDeadlineRemoved(d: Deadline, by: string): Message {
  return message(`Deadline removed: ${plainTitle(d)}`, [
    section(
      `:wastebasket: <@${by}> removed *${plainTitle(d)}* (${formatDate(d.date, d.time)}, id \`${d.id}\`).`,
    ),
  ]);
}

export function renderDeadlineList(
  items: ReadonlyArray<{ deadline: Deadline; daysLeft: number }>,
  channelId: string,
): Message {
  if (items.length === 0) {
    return message("No upcoming deadlines in this channel.", [
      section(
        "No upcoming deadlines in this channel yet. Add one with `/deadlines add 2026-12-15 Acme ML intern`.",
      ),
    ]);
  }
  const lines = items.map(({ deadline, daysLeft }) => deadlineLine(deadline, daysLeft, true));
  return message(
    `${items.length} upcoming deadline(s): ${items.map((i) => plainTitle(i.deadline)).join(", ")}`,
    [
      header("Upcoming deadlines"),
      ...deadlineBlocks(
        lines,
        channelId,
        items.map((i) => i.deadline.id),
      ),
    ],
  );
}

/** The weekly nudge: deadlines in the next 14 days, the practice prompt of the week, a call to action. */
export function renderWeeklyNudge(nudge: WeeklyNudge): Message {
  const blocks: KnownBlock[] = [header("Weekly internship nudge")];
  if (nudge.deadlines.length === 0) {
    blocks.push(
      section(
        "*Deadlines in the next 14 days*\nNo deadlines in the next two weeks. Know one? `/deadlines add &lt;date&gt; &lt;title&gt;`",
      ),
    );
  } else {
    blocks.push(
      section("*Deadlines in the next 14 days*"),
      ...deadlineBlocks(
        nudge.deadlines.map(({ deadline, daysLeft }) => deadlineLine(deadline, daysLeft, false)),
        nudge.channelId,
        nudge.deadlines.map((d) => d.deadline.id),
      ),
    );
  }
  if (nudge.momentum) blocks.push(section(momentumLine(nudge.momentum)));
  if (nudge.prompt) {
    blocks.push(
      divider(),
      section(`*Practice prompt of the week: ${nudge.prompt.title}*\n${nudge.prompt.prompt}`),
    );
  }
  blocks.push(
    context(
      "This week: tick off what you've learned in your `/skills` checklist, or try `/prep behavioral`, `/prep coding` or `/prep project walkthroughs`.",
    ),
  );
  const count = nudge.deadlines.length;
  return message(
    `Weekly internship nudge: ${count === 0 ? "no deadlines in the next two weeks" : `${count} deadline(s) in the next two weeks`}${nudge.prompt ? `. Practice prompt: ${nudge.prompt.title}` : ""}`,
    blocks,
  );
}

export function renderReminder(reminder: DeadlineReminder): Message {
  const d = reminder.deadline;
  return message(
    `Reminder: ${plainTitle(d)} is due ${reminder.daysLeft === 1 ? "tomorrow" : `in ${reminder.daysLeft} days`} (${formatDate(d.date, d.time)})`,
    [
      section(
        `:alarm_clock: ${titleOf(d)} is due ${daysLeftText(reminder.daysLeft)} — ${formatDate(d.date, d.time)}.`,
      ),
      deadlineTrackButtons(reminder.channelId, d.id),
      context(`Added by <@${d.addedBy}> · \`/deadlines list\` for all of this channel's deadlines`),
    ],
  );
}

/**
 * A nudge or reminder as text only, for when Slack refuses its blocks (`invalid_blocks`,
 * `msg_blocks_too_long`) or its length: the same words, within the text limit.
 */
export function renderNudgePlainText(rendered: Message): { text: string } {
  const parts: string[] = [];
  for (const block of rendered.blocks) {
    if (block.type === "header") parts.push(`*${block.text.text}*`);
    else if (block.type === "section" && block.text) parts.push(block.text.text);
    else if (block.type === "context")
      for (const element of block.elements) if ("text" in element) parts.push(element.text);
  }
  return { text: truncate(parts.join("\n\n") || rendered.text, LIMITS.fallbackText) };
}

const NUDGES_USAGE = [
  "`/nudges on &lt;weekday&gt; &lt;HH:MM&gt; [timezone]` — e.g. `/nudges on monday 09:00 America/New_York` (no timezone: yours from Slack)",
  "`/nudges off` · `/nudges status` · `/nudges now` (post this week's nudge now) · `/nudges help`",
].join("\n");

export function renderNudgesHelp(problem?: string): Message {
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push(section(`:warning: ${problem}`));
  blocks.push(
    section(
      `*/nudges* posts a weekly nudge in this channel: deadlines coming up and a practice prompt.\n${NUDGES_USAGE}`,
    ),
  );
  if (problem) blocks.push(context("Nothing was changed."));
  return message(problem ?? "How to use /nudges", blocks);
}

const RESUME =
  "Invite me back with `/invite @InternPrep`, then turn nudges on again with `/nudges on &lt;weekday&gt; &lt;HH:MM&gt;`.";

/** Pause reasons that mean the app was uninstalled (and installed again since). */
const UNINSTALLED = new Set(["app_uninstalled", "tokens_revoked"]);

export function renderNudgesStatus(
  schedule: Schedule | undefined,
  next: Date | undefined,
): Message {
  let text: string;
  if (!schedule)
    text = "Nudges are *off* in this channel. Turn them on with `/nudges on monday 09:00`.";
  else if (schedule.pausedReason && UNINSTALLED.has(schedule.pausedReason)) {
    text = `Nudges are *paused*: InternPrep was removed from this workspace (\`${schedule.pausedReason}\`) since they were set. Turn them on again with \`/nudges on ${weekdayName(schedule.weekday).toLowerCase()} ${schedule.time} ${schedule.timezone}\`.`;
  } else if (schedule.pausedReason) {
    text = `Nudges are *paused*: I couldn't post here (\`${schedule.pausedReason}\`). ${RESUME}\nSchedule was: every ${weekdayName(schedule.weekday)} at ${schedule.time} (${schedule.timezone}).`;
  } else if (!schedule.enabled) {
    text = `Nudges are *off*. They were every ${weekdayName(schedule.weekday)} at ${schedule.time} (${schedule.timezone}); \`/nudges on ${weekdayName(schedule.weekday).toLowerCase()} ${schedule.time} ${schedule.timezone}\` turns them back on.`;
  } else {
    text = `Nudges are *on*: every ${weekdayName(schedule.weekday)} at ${schedule.time} (${schedule.timezone}).${next ? `\nNext: ${formatInstant(next, schedule.timezone)}.` : ""}\nReminders go out 3 days and 1 day before each deadline, at the same time of day.`;
  }
  return message(text.replace(/[*`]/g, ""), [section(text)]);
}

/** `/nudges status` when the channel's stored settings fail their schema. */
export function renderNudgesDamaged(): Message {
  const text =
    "This channel's nudge settings are *damaged* (they could not be read), so no nudges are posted here. Set them again with `/nudges on &lt;weekday&gt; &lt;HH:MM&gt; [timezone]`.";
  return message(text.replace(/[*`]/g, ""), [section(`:warning: ${text}`)]);
}

export function renderNudgesOn(schedule: Schedule, next: Date, by: string): Message {
  return message(
    `Nudges on: every ${weekdayName(schedule.weekday)} at ${schedule.time} (${schedule.timezone})`,
    [
      section(
        `:bell: <@${by}> turned on weekly nudges: every *${weekdayName(schedule.weekday)} at ${schedule.time}* (${schedule.timezone}).\nNext: ${formatInstant(next, schedule.timezone)}.`,
      ),
      context(
        "Each nudge lists the next two weeks' deadlines and a practice prompt. `/nudges off` stops them.",
      ),
    ],
  );
}

export function renderNudgesOff(wasOn: boolean, by: string): Message {
  return message(wasOn ? "Nudges off" : "Nudges were already off", [
    section(
      wasOn
        ? `:no_bell: <@${by}> turned weekly nudges off. \`/nudges on &lt;weekday&gt; &lt;HH:MM&gt;\` turns them back on.`
        : "Nudges were already off in this channel.",
    ),
  ]);
}

export function renderNudgeNowProblem(error: string): Message {
  const text =
    error === "not_in_channel" || error === "channel_not_found" || error === "is_archived"
      ? `I couldn't post in this channel (\`${error}\`). Invite me with \`/invite @InternPrep\` and try again.`
      : needsReinstall(error)
        ? `I couldn't post the nudge: Slack no longer accepts InternPrep's access to this workspace (\`${error}\`). Trying again won't help; please ask a workspace admin to reinstall the app.`
        : `I couldn't post the nudge (\`${error}\`). Please try again in a moment.`;
  return message(text.replace(/`/g, ""), [section(`:warning: ${text}`)]);
}

/** The Home tab's "Upcoming deadlines" section: across the user's channels, soonest first. */
export function renderHomeDeadlines(
  items: ReadonlyArray<{ channelId: string; deadline: Deadline; daysLeft: number }>,
): KnownBlock[] {
  if (items.length === 0) {
    return [
      header("Upcoming deadlines"),
      section(
        "No upcoming deadlines in your channels. Add one in a channel with `/deadlines add &lt;date&gt; &lt;title&gt;`.",
      ),
    ];
  }
  const lines = items.map(
    ({ channelId, deadline, daysLeft }) =>
      `${deadlineLine(deadline, daysLeft, false)} · <#${channelId}>`,
  );
  return [header("Upcoming deadlines"), section(lines.join("\n"))];
}

/** `/deadlines` or `/nudges` typed in a DM: they keep a channel's deadlines and nudges. */
export function renderChannelsOnly(command: string): Message {
  const text = `${command} works in channels: it keeps a study group's deadlines and weekly nudges in the channel where you type it. Invite me to your group's channel with \`/invite @InternPrep\` and try \`${command}\` there.`;
  return message(text.replace(/`/g, ""), [section(text)]);
}
