import type { ActionsBlock, KnownBlock } from "@slack/types";
import { formatDate } from "../services/scheduling/time.ts";
import type { FollowUp } from "../services/tracker/follow-ups.ts";
import {
  MAX_COMPANY,
  MAX_ROLE,
  STAGES,
  type Stage,
  type TrackProblem,
} from "../services/tracker/parse.ts";
import type { Application, FromDeadlineResult, Momentum } from "../services/tracker/tracker.ts";
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
  staticSelect,
} from "./kit.ts";

export const STAGE_LABELS: Record<Stage, string> = {
  saved: "Saved",
  applied: "Applied",
  oa: "Online assessment",
  interview: "Interview",
  offer: "Offer",
  accepted: "Accepted",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

const STAGE_EMOJI: Record<Stage, string> = {
  saved: ":bookmark:",
  applied: ":incoming_envelope:",
  oa: ":memo:",
  interview: ":speaking_head_in_silhouette:",
  offer: ":tada:",
  accepted: ":white_check_mark:",
  rejected: ":heavy_multiplication_x:",
  withdrawn: ":leftwards_arrow_with_hook:",
};

const USAGE = [
  "`/track` — your applications by stage, with a stage picker on each",
  "`/track add &lt;company&gt; — &lt;role&gt; [link]` — e.g. `/track add Acme — ML intern https://acme.example/jobs/1` (also `Acme | ML intern`, or `Acme ML intern`)",
  "`/track &lt;id&gt; &lt;stage&gt;` — e.g. `/track a1b2c3 interview`; stages: `saved`, `applied`, `oa`, `interview`, `offer`, `accepted`, `rejected`, `withdrawn`",
  "`/track remove &lt;id&gt;` · `/track export` (a CSV in your DM) · `/track share on|off` · `/track reminders on|off` · `/track help`",
].join("\n");

const PRIVACY =
  "Only you see your applications. The weekly nudge counts the group's applications, interviews and offers without names; `/track share on` lets it name you when you get an offer.";

/** A company as a link when there is one; user text escaped once, here. */
function companyOf(a: Application): string {
  const company = escapeText(a.company);
  if (!a.url) return `*${company}*`;
  const url = a.url.replace(/[<>|]/g, encodeURIComponent).replace(/&/g, "&amp;");
  return `*<${url}|${company.replace(/\|/g, "¦")}>*`;
}

/** "Acme — ML intern" as plain (escaped) text, for fallbacks and option labels. */
function plainName(a: Application): string {
  return escapeText(a.role ? `${a.company} — ${a.role}` : a.company);
}

function nameLine(a: Application): string {
  return a.role ? `${companyOf(a)} — ${escapeText(a.role)}` : companyOf(a);
}

/** "applied Mon 23 Nov 2026" for the current stage. */
function stageDate(a: Application): string {
  const date = a.dates[a.stage];
  return `${STAGE_LABELS[a.stage].toLowerCase()}${date ? ` ${formatDate(date)}` : ""}`;
}

/** The stage picker on one application: its options carry `<id>:<stage>`. */
export function stagePicker(a: Application) {
  return staticSelect(
    Actions.trackStage,
    "Move to…",
    STAGES.map((s) => ({ text: STAGE_LABELS[s], value: `${a.id}:${s}` })),
    `${a.id}:${a.stage}`,
  );
}

/** One application with its picker; the block id says where it is drawn (list or Home). */
function applicationSection(a: Application, where: "list" | "home"): KnownBlock {
  return {
    ...section(`${nameLine(a)}\n${stageDate(a)} · id \`${a.id}\``, stagePicker(a)),
    block_id: `track-${where}:${a.id}`,
  };
}

export function renderTrackHelp(problem?: string): Message {
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push(section(`:warning: ${problem}`));
  blocks.push(
    section(`*/track* keeps your internship applications, from saved to offer.\n${USAGE}`),
    context(PRIVACY),
  );
  if (problem) blocks.push(context("Nothing was saved."));
  return message(problem ? stripMarkup(problem) : "How to use /track", blocks);
}

/** Words for a command that could not be read; what the user typed is escaped here. */
export function renderTrackProblem(problem: TrackProblem): Message {
  return renderTrackHelp(problemText(problem));
}

function problemText(p: TrackProblem): string {
  const add =
    "Write it as `/track add &lt;company&gt; — &lt;role&gt; [link]`, e.g. `/track add Acme — ML intern`.";
  switch (p.code) {
    case "add_empty":
      return `Tell me the company and the role. ${add}`;
    case "add_no_role":
      return `Which role at ${escapeText(p.company)}? ${add}`;
    case "add_ambiguous":
      return `I can't tell where the company ends and the role begins in “${escapeText(p.text)}”. Put a dash or a bar between them: \`/track add Acme Corp — Research intern\` or \`/track add Acme Corp | Research intern\`.`;
    case "add_bad_link":
      return `“${escapeText(p.link)}” doesn't look like a web link. Use a full link like https://acme.example/jobs/1, or leave it out.`;
    case "add_too_long":
      return `That ${p.field} is too long; keep it under ${p.field === "company" ? MAX_COMPANY : MAX_ROLE} characters.`;
    case "remove_no_id":
      return "Which one? Write `/track remove &lt;id&gt;`; `/track` shows the ids.";
    case "unknown_stage":
      return `“${escapeText(p.stage)}” is not a stage. Write \`/track ${p.id} &lt;stage&gt;\` with one of ${STAGES.map((s) => `\`${s}\``).join(", ")}.`;
    case "switch_needs_on_off":
      return `Write \`/track ${p.setting} on\` or \`/track ${p.setting} off\`${p.got ? ` (not “${escapeText(p.got)}”)` : ""}.`;
    case "unknown":
      return `I don't know \`/track ${escapeText(p.text)}\`.`;
  }
}

export function renderTrackNotFound(id: string): Message {
  return renderTrackHelp(
    `You have no application with id \`${escapeText(id)}\`. \`/track\` shows yours and their ids.`,
  );
}

export function renderTrackFull(max: number): Message {
  const text = `You already track ${max} applications; remove some with \`/track remove &lt;id&gt;\` first.`;
  return message(stripMarkup(text), [section(`:warning: ${text}`), context("Nothing was saved.")]);
}

export function renderTrackAdded(a: Application): Message {
  return message(`Added ${plainName(a)} at ${STAGE_LABELS[a.stage].toLowerCase()} (id ${a.id})`, [
    section(
      `${STAGE_EMOJI[a.stage]} Added to your tracker:\n${nameLine(a)}\n${stageDate(a)}`,
      stagePicker(a),
    ),
    context(
      `id \`${a.id}\` · \`/track ${a.id} interview\` to move it · \`/track remove ${a.id}\` to undo`,
    ),
  ]);
}

export function renderTrackMoved(a: Application, from: Stage, changed: boolean): Message {
  const text = changed
    ? `${STAGE_EMOJI[a.stage]} ${nameLine(a)}: ${STAGE_LABELS[from].toLowerCase()} → *${STAGE_LABELS[a.stage].toLowerCase()}* (${formatDate(a.dates[a.stage] ?? "")}).`
    : `${nameLine(a)} is already at *${STAGE_LABELS[a.stage].toLowerCase()}*.`;
  return message(
    changed
      ? `${plainName(a)} moved to ${STAGE_LABELS[a.stage].toLowerCase()}`
      : `${plainName(a)} is already at ${STAGE_LABELS[a.stage].toLowerCase()}`,
    [section(text, stagePicker(a)), context(`id \`${a.id}\` · \`/track\` for all of yours`)],
  );
}

export function renderTrackRemoved(a: Application): Message {
  return message(`Removed ${plainName(a)} from your tracker`, [
    section(`:wastebasket: Removed ${nameLine(a)} (id \`${a.id}\`) from your tracker.`),
  ]);
}

export function renderTrackSetting(setting: "share" | "reminders", on: boolean): Message {
  const text =
    setting === "share"
      ? on
        ? "Sharing is *on*: when you reach an offer, the weekly nudge says so with your name and the company (“:tada: you got an offer at Acme”). Nothing else about your applications is shown. `/track share off` stops it."
        : "Sharing is *off*: the weekly nudge counts your progress with the group's, never with your name."
      : on
        ? "Follow-ups are *on*: I'll DM you once when an application has sat at applied for 21 days."
        : "Follow-ups are *off*: no more “Heard back?” DMs. `/track reminders on` turns them back on.";
  return message(stripMarkup(text), [section(text)]);
}

/** `/track`: the student's applications grouped by stage, each with a stage picker. */
export function renderTrackList(applications: readonly Application[]): Message {
  if (applications.length === 0) {
    return message("You aren't tracking any applications yet.", [
      section(
        "You aren't tracking any applications yet. Add one with `/track add Acme — ML intern`, or click *I applied* on a deadline in `/deadlines list`.",
      ),
      context(PRIVACY),
    ]);
  }
  const blocks: KnownBlock[] = [header("Your applications")];
  // Room for the closing notes; past this the rest are counted, not drawn.
  const room = LIMITS.messageBlocks - 3;
  let shown = 0;
  for (const stage of STAGES) {
    const here = applications.filter((a) => a.stage === stage);
    if (here.length === 0 || blocks.length >= room - 1) continue;
    blocks.push(context(`${STAGE_EMOJI[stage]} *${STAGE_LABELS[stage]}* · ${here.length}`));
    for (const a of here) {
      if (blocks.length >= room) break;
      blocks.push(applicationSection(a, "list"));
      shown++;
    }
  }
  if (shown < applications.length) {
    blocks.push(
      context(`…and ${applications.length - shown} more; \`/track export\` sends you all of them.`),
    );
  }
  blocks.push(context(`Only you can see this. \`/track help\` for every command.`));
  return message(
    `Your ${applications.length} application(s): ${STAGES.map(
      (s) => [s, applications.filter((a) => a.stage === s).length] as const,
    )
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${STAGE_LABELS[s].toLowerCase()}`)
      .join(", ")}`,
    blocks,
  );
}

/** What an "I applied" / "Save for later" click did, for the clicker only. */
export function renderFromDeadline(result: FromDeadlineResult): Message {
  if (result.status === "full") return renderTrackFull(result.max);
  const a = result.application;
  const stage = STAGE_LABELS[a.stage].toLowerCase();
  const text =
    result.status === "added"
      ? `${STAGE_EMOJI[a.stage]} Added to your tracker at *${stage}*: ${nameLine(a)} (id \`${a.id}\`).`
      : result.status === "moved"
        ? `${STAGE_EMOJI[a.stage]} Moved ${nameLine(a)} from saved to *applied* (id \`${a.id}\`).`
        : `${nameLine(a)} is already in your tracker, at *${stage}* (id \`${a.id}\`).`;
  return message(stripMarkup(text), [
    section(text, stagePicker(a)),
    context("Only you can see this. `/track` shows all of yours."),
  ]);
}

export function renderDeadlineRefused(): Message {
  const text =
    "That button doesn't match a deadline in this channel any more; it may have been removed. `/deadlines list` shows the current ones.";
  return message(text.replace(/`/g, ""), [section(`:warning: ${text}`)]);
}

export function renderStageRefused(): Message {
  const text = "That isn't one of your applications, so nothing was changed. `/track` shows yours.";
  return message(text.replace(/`/g, ""), [section(`:warning: ${text}`)]);
}

/** The "I applied" and "Save for later" buttons under one deadline. */
export function deadlineTrackButtons(channelId: string, deadlineId: string): ActionsBlock {
  const value = `${channelId}:${deadlineId}`;
  const [block] = actions(
    [
      button("I applied", Actions.trackApplied, value, "primary"),
      button("Save for later", Actions.trackSave, value),
    ],
    `track:${value}`,
  );
  return block as ActionsBlock;
}

/** The one line of group momentum in the weekly nudge: counts, and names only of those who share. */
export function momentumLine(m: Momentum): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  if (m.sent + m.interviews + m.offers === 0)
    return ":chart_with_upwards_trend: The group's week: no applications logged yet. Applied somewhere? `/track add &lt;company&gt; — &lt;role&gt;` or click *I applied*.";
  const names = m.shared
    .slice(0, 5)
    .map((s) => ` :tada: <@${s.user}> got an offer at ${escapeText(s.company)}!`)
    .join("");
  return `:chart_with_upwards_trend: The group's week: ${n(m.sent, "application sent", "applications sent")}, ${n(m.interviews, "interview", "interviews")}, ${n(m.offers, "offer", "offers")}.${names}`;
}

/** The 21-day "Heard back from Acme?" DM, with a button per next stage. */
export function renderFollowUp(f: FollowUp): Message {
  const a = f.application;
  const next: Stage[] = ["oa", "interview", "offer", "rejected", "withdrawn"];
  return message(`Heard back from ${escapeText(a.company)}? You applied ${f.days} days ago.`, [
    section(
      `:wave: Heard back from ${companyOf(a)}? You applied${a.role ? ` for ${escapeText(a.role)}` : ""} ${f.days} days ago${a.dates.applied ? ` (${formatDate(a.dates.applied)})` : ""}.`,
    ),
    ...actions(
      next.map((s) => button(STAGE_LABELS[s], `${Actions.trackStage}:${s}`, `${a.id}:${s}`)),
      `track-follow-up:${a.id}`,
    ),
    context(
      "No news is fine too: this is the only reminder for it. `/track reminders off` stops these.",
    ),
  ]);
}

export interface HomeTracker {
  applications: readonly Application[];
  /** Saved applications with a deadline still ahead, soonest first. */
  savedDeadlines: ReadonlyArray<{ application: Application; daysLeft: number }>;
}

/** App Home: counts per stage, the next deadlines of saved ones, the 10 most recent with pickers. */
export function renderHomeTracker(data: HomeTracker): KnownBlock[] {
  const blocks: KnownBlock[] = [header("Your applications")];
  if (data.applications.length === 0) {
    blocks.push(
      section(
        "Nothing tracked yet. Type `/track add Acme — ML intern`, or click *I applied* or *Save for later* on a deadline.",
      ),
    );
    return blocks;
  }
  const counts = STAGES.map(
    (s) => [s, data.applications.filter((a) => a.stage === s).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${STAGE_EMOJI[s]} ${STAGE_LABELS[s]} *${n}*`);
  blocks.push(section(counts.join("   ")));
  if (data.savedDeadlines.length > 0) {
    const lines = data.savedDeadlines.slice(0, 5).map(({ application: a, daysLeft }) => {
      const when =
        daysLeft <= 0 ? "*today*" : daysLeft === 1 ? "*tomorrow*" : `in *${daysLeft} days*`;
      return `• ${nameLine(a)} — ${formatDate(a.deadline?.date ?? "")} (${when})`;
    });
    blocks.push(section(`*Saved, with deadlines coming up*\n${lines.join("\n")}`));
  }
  blocks.push(context("*Most recent*"));
  for (const a of data.applications.slice(0, 10)) blocks.push(applicationSection(a, "home"));
  blocks.push(
    context(
      `Only you see these. \`/track\` for all ${data.applications.length}; \`/track export\` for a CSV.`,
    ),
    divider(),
  );
  return blocks;
}

/** The export DM when the CSV is short enough to read in a code block. */
export function renderExportInline(csv: string, count: number): Message {
  return message(`Your ${count} application(s) as CSV`, [
    section(`*Your applications* (${count}), as CSV:`),
    section(`\`\`\`\n${escapeText(csv.replace(/\r\n/g, "\n").replace(/```/g, "'''"))}\`\`\``),
    context(
      "Only you received this. Copy it into a spreadsheet, or `/track export` again any time.",
    ),
  ]);
}

/** Comment posted with the export file. */
export function exportFileComment(count: number): string {
  return `Your ${count} tracked application(s), as CSV. Only you received this.`;
}

/** The ephemeral confirmation of `/track export`. */
export function renderExportSent(count: number, how: "file" | "inline" | "empty"): Message {
  const text =
    how === "empty"
      ? "You aren't tracking anything yet, so there is nothing to export. `/track add Acme — ML intern` to start."
      : `Sent you ${count} application(s) as CSV in our DM${how === "file" ? " (a file)" : ""}.`;
  return message(text.replace(/`/g, ""), [section(text)]);
}

export function renderExportFailed(error: string): Message {
  const text = `I couldn't send you the export (\`${escapeText(error)}\`). Please try again in a moment.`;
  return message(text.replace(/`/g, ""), [section(`:warning: ${text}`)]);
}

/** Fallback text without mrkdwn markers (entities stay, as Slack expects in text). */
function stripMarkup(text: string): string {
  return text.replace(/[*`_]/g, "");
}
