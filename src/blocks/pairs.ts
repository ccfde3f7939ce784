/** `/pairs`: the sign-up post, the pairs' DMs and follow-ups, and the command's replies. */
import type { KnownBlock } from "@slack/types";
import type {
  MeetAnswer,
  PairsFollowUp,
  PairsIntro,
  PairsSchedule,
  PairsSignUp,
  PairsSkipped,
  PairsStatus,
} from "../services/pairs/rounds.ts";
import { formatInstant, weekdayName } from "../services/scheduling/time.ts";
import { Actions } from "./action-ids.ts";
import {
  actions,
  button,
  context,
  divider,
  header,
  type Message,
  message,
  section,
} from "./kit.ts";
import { encodeMeet, encodeRound } from "./values.ts";

export const PAIRS_USAGE = [
  "`/pairs on <weekday> <HH:MM> [timezone]` — every week at that time, a sign-up post here; pairs are made 24 hours later",
  "`/pairs off` — stop the weekly rounds",
  "`/pairs status` — the next round, who has joined so far, and last round's figures",
  "`/pairs now` — pair the current sign-ups right away",
  "`/pairs join` / `/pairs leave` — be in every round without clicking each week, or stop",
]
  .join("\n")
  .replace(/</g, "&lt;")
  .replace(/>/g, "&gt;");

const SIGN_UP_TITLE = "Mock interviews this week — who's in?";

const mention = (user: string) => `<@${user}>`;

/** Names listed in a status line at most; the rest are counted. */
const MAX_NAMED = 40;

/** "<@A>, <@B> and <@C>" (past 40 people: "…and 12 more"). */
function people(users: readonly string[]): string {
  const m = users.slice(0, MAX_NAMED).map(mention);
  if (users.length > MAX_NAMED) return `${m.join(", ")} and ${users.length - MAX_NAMED} more`;
  return m.length <= 1 ? (m[0] ?? "") : `${m.slice(0, -1).join(", ")} and ${m.at(-1)}`;
}

/** The weekly sign-up post, with Join and Skip this week. */
export function renderPairsSignUp(post: PairsSignUp): Message {
  const when = formatInstant(new Date(post.pairAt), post.timezone);
  return message(`${SIGN_UP_TITLE} Join by ${when} to be paired for a mock interview.`, [
    header(SIGN_UP_TITLE),
    section(
      `Join and I'll pair you with someone from this channel for a *45-minute mock interview*: one of you interviews, then you swap. Pairs are made *${when}*, each in a group DM with a practice prompt and an agenda.`,
    ),
    ...actions(
      [
        button("Join", Actions.pairsJoin, encodeRound(post.roundId), "primary"),
        button("Skip this week", Actions.pairsSkip, encodeRound(post.roundId)),
      ],
      `pairs:${post.roundId}`,
    ),
    context(
      "In every week? `/pairs join` (and `/pairs leave` to stop). `/pairs status` shows who's in.",
    ),
  ]);
}

/** Fewer than two people: the round is skipped, kindly. */
export function renderPairsSkipped(note: PairsSkipped): Message {
  const text =
    note.participants === 1
      ? "Only one person signed up for mock interviews this week, so there are no pairs this time. Thanks for joining — try again next week!"
      : "Nobody signed up for mock interviews this week, so there are no pairs this time. Next week, perhaps?";
  return message(text, [
    section(`:handshake: ${text}`),
    context("`/pairs join` puts you in every round; the more people join, the better the pairs."),
  ]);
}

/** The pair's (or trio's) group DM: who goes first, the prompt, the agenda, "Schedule it". */
export function renderPairsIntro(intro: PairsIntro): Message {
  const [a = "", b = "", c] = intro.users;
  const trio = c !== undefined;
  const turns = trio
    ? [
        `• *0:05 Turn 1 (20 min):* ${mention(a)} interviews ${mention(b)} for 15 minutes, ${mention(c)} keeps notes; 5 minutes of feedback.`,
        `• *0:25 Turn 2 (20 min):* ${mention(c)} interviews ${mention(a)} for 15 minutes, ${mention(b)} keeps notes; 5 minutes of feedback.`,
      ]
    : [
        `• *0:05 Turn 1 (20 min):* ${mention(a)} interviews ${mention(b)} for 15 minutes, then 5 minutes of feedback.`,
        `• *0:25 Turn 2 (20 min):* ${mention(b)} interviews ${mention(a)}, the same way.`,
      ];
  const blocks: KnownBlock[] = [
    header(trio ? "Your mock interview trio this week" : "Your mock interview pair this week"),
    section(
      `:wave: ${people(intro.users)}: you're ${trio ? "a trio" : "paired"} from <#${intro.homeChannelId}> for a mock interview this week. *${mention(a)} interviews first.*`,
    ),
  ];
  if (intro.prompt) {
    const forRoles =
      intro.roles.length > 0
        ? `Practice prompt for ${intro.roles.join(" / ")}`
        : "This week's practice prompt";
    blocks.push(section(`*${forRoles}: ${intro.prompt.title}*\n${intro.prompt.prompt}`));
  }
  blocks.push(
    section(
      [
        "*Agenda (45 minutes)*",
        "• *0:00 Warm-up (5 min):* what each of you is interviewing for, and what you want to practise.",
        ...turns,
        "• *Feedback:* one thing that went well and one to work on, for each of you, in the last minutes of each turn.",
      ].join("\n"),
    ),
    divider(),
    section(
      ":calendar: *Schedule it:* reply here with two or three times that suit you this week (with your timezone); the first to see a time that works says “booked”. I'll ask in three days whether you met.",
    ),
  );
  return message(
    `Mock interview this week: ${trio ? "a trio" : "a pair"} from the channel. ${a ? "The first named interviews first." : ""} Schedule 45 minutes.`,
    blocks,
  );
}

/** Three days on: "Did you meet?" with Yes / Not yet / Can't this week. */
export function renderPairsFollowUp(followUp: PairsFollowUp): Message {
  const value = encodeMeet({
    channelId: followUp.homeChannelId,
    roundId: followUp.roundId,
    index: followUp.index,
  });
  return message("Did you meet for your mock interview?", [
    section(`${people(followUp.users)}: *did you meet for your mock interview?*`),
    ...actions(
      [
        button("Yes", Actions.pairsMetYes, value, "primary"),
        button("Not yet", Actions.pairsMetNotYet, value),
        button("Can't this week", Actions.pairsMetCant, value),
      ],
      `pairs-met:${followUp.roundId}:${followUp.index}`,
    ),
    context("Only counts are shown in `/pairs status`: how many pairs met."),
  ]);
}

/** The follow-up after someone answered (it replaces the buttons). */
export function renderPairsAnswered(user: string, answer: MeetAnswer): Message {
  const words = {
    yes: "yes, we met — nice work! Swap who interviews first next time.",
    not_yet: "not yet — there's still time this week. Pick a slot above.",
    cant: "can't this week — no problem, join the next round when it suits you.",
  }[answer];
  return message(`Did you meet? ${mention(user)}: ${words}`, [
    section(`*Did you meet for your mock interview?* ${mention(user)}: ${words}`),
  ]);
}

/** An answer from someone not in that pair, or for a round that is gone. */
export function renderPairsNotYours(): Message {
  const text = "That question is for the pair it was sent to; your answer wasn't recorded.";
  return message(text, [section(text)]);
}

export type SignUpReply =
  | { kind: "joined"; pairAt: Date; timezone: string; already: boolean }
  | { kind: "skipped" }
  | { kind: "closed" }
  | { kind: "unknown" };

/** What only the clicker sees after Join / Skip this week. */
export function renderPairsSignUpReply(reply: SignUpReply): Message {
  const text = {
    joined:
      reply.kind === "joined"
        ? `${reply.already ? "You're already in" : "You're in"} for this week's mock interviews. Pairs are made ${formatInstant(reply.pairAt, reply.timezone)}; your pair's DM will appear then.`
        : "",
    skipped:
      "Skipping this week — you won't be paired this round (a `/pairs join` standing opt-in included).",
    closed: "This round's pairs are already made. The next sign-up comes next week.",
    unknown: "I can't find that round any more; wait for the next sign-up post.",
  }[reply.kind];
  return message(text.replace(/`/g, ""), [section(text)]);
}

/** `/pairs on`: said in the channel. */
export function renderPairsOn(schedule: PairsSchedule, next: Date, by: string): Message {
  const when = `every ${weekdayName(schedule.weekday)} at ${schedule.time} (${schedule.timezone})`;
  return message(`Mock interview pairs on: sign-up ${when}`, [
    section(
      `:handshake: ${mention(by)} turned on weekly mock-interview pairs: a sign-up post *${when}*, pairs made 24 hours later.\nNext sign-up: ${formatInstant(next, schedule.timezone)}.`,
    ),
    context("`/pairs join` to be in every round; `/pairs off` stops them."),
  ]);
}

export function renderPairsOff(wasOn: boolean, by: string): Message {
  const text = wasOn
    ? `${mention(by)} turned off weekly mock-interview pairs in this channel. Pairs already made still get their follow-up.`
    : "Weekly mock-interview pairs were not on in this channel.";
  return message(text, [section(text)]);
}

/** `/pairs join` / `/pairs leave`. */
export function renderPairsStanding(kind: "join" | "leave", changed: boolean): Message {
  const text =
    kind === "join"
      ? changed
        ? "You're in every mock-interview round in this channel until `/pairs leave`. Skip a week with the sign-up post's *Skip this week*."
        : "You're already in every round here. `/pairs leave` to stop."
      : changed
        ? "Done: you're out of the weekly rounds here (this week's sign-up included). Join again any time with `/pairs join`."
        : "You weren't in the rounds here; nothing to change.";
  return message(text.replace(/[`*]/g, ""), [section(text)]);
}

/** `/pairs status`. */
export function renderPairsStatus(status: PairsStatus, timezone: string): Message {
  const lines: string[] = [];
  const { schedule } = status;
  if (status.next && schedule)
    lines.push(
      `*Next round:* sign-up ${formatInstant(status.next, schedule.timezone)} (every ${weekdayName(schedule.weekday)} at ${schedule.time}, ${schedule.timezone}).`,
    );
  else
    lines.push(
      schedule?.pausedReason
        ? `*Weekly rounds are paused:* I couldn't post here (${schedule.pausedReason}). \`/pairs on\` starts them again.`
        : "*Weekly rounds are off* here. `/pairs on <weekday> <HH:MM> [timezone]` starts them.".replace(
            /<|>/g,
            (c) => (c === "<" ? "&lt;" : "&gt;"),
          ),
    );
  if (status.open) {
    const { joined } = status.open;
    lines.push(
      `*Joined so far (${joined.length}):* ${joined.length > 0 ? people(joined) : "nobody yet"}. Pairs are made ${formatInstant(status.open.pairAt, schedule?.timezone ?? timezone)}.`,
    );
  } else if (status.standing.length > 0) {
    lines.push(`*In every round (${status.standing.length}):* ${people(status.standing)}.`);
  }
  const last = status.last;
  if (last)
    lines.push(
      last.dropped
        ? `*Last round:* not paired (${last.dropped === "channel_gone" ? "I was no longer in this channel" : "I was down when it was due"}).`
        : last.pairs === 0
          ? `*Last round:* skipped (${last.participants} signed up).`
          : `*Last round:* ${last.pairs} ${last.pairs === 1 ? "group" : "groups"} from ${last.participants} people; ${last.met} of ${last.pairs} met (${last.answered} answered “Did you meet?”).`,
    );
  else lines.push("*Last round:* none yet.");
  return message(lines.join("\n").replace(/[*`]/g, ""), [section(lines.join("\n"))]);
}

export function renderPairsHelp(problem?: string): Message {
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push(section(`:warning: ${problem}`));
  blocks.push(
    section(
      `*/pairs* makes weekly mock-interview pairs in this channel: a sign-up post, then a group DM for each pair with a practice prompt and a 45-minute agenda.\n${PAIRS_USAGE}`,
    ),
  );
  if (problem) blocks.push(context("Nothing was changed."));
  return message(problem ?? "How to use /pairs", blocks);
}

/** What `/pairs now` did: the groups made (and messages not posted yet), or a skipped round. */
export function renderPairsNowResult(result: {
  groups: number;
  participants: number;
  failed: number;
}): Message {
  let text =
    result.groups === 0
      ? `Fewer than two people are in this round (${result.participants}), so there are no pairs; I said so in the channel.`
      : `Paired ${result.participants} people into ${result.groups} ${result.groups === 1 ? "group" : "groups"}; each got a group DM with a prompt and an agenda.`;
  if (result.failed > 0)
    text += ` ${result.failed} ${result.failed === 1 ? "message" : "messages"} couldn't be posted yet; I'll keep trying.`;
  return message(text, [section(text)]);
}

/** `/pairs now` with no round taking sign-ups and fewer than two standing opt-ins: nothing done. */
export function renderPairsNobodyYet(): Message {
  const text =
    "There's nobody to pair yet: no round is taking sign-ups, and fewer than two people are in every round. Ask people to `/pairs join`, or wait for the weekly sign-up post.";
  return message(text.replace(/`/g, ""), [section(text)]);
}
