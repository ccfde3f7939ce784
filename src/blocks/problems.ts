import type { Problem } from "../services/scheduling/time.ts";
import { formatDate } from "../services/scheduling/time.ts";
import { escapeText } from "./kit.ts";

const ADD_USAGE =
  "Write it as `/deadlines add &lt;date&gt; &lt;title&gt; [link]`, e.g. `/deadlines add 2026-12-15 Acme ML intern https://acme.example/apply`.";

/**
 * What is wrong with what a user typed, in words (mrkdwn), with their text escaped exactly once.
 *
 * @example
 * problemText({ code: "not_time", text: "9am" }); // "“9am” is not a time. Use the 24-hour clock, …"
 */
export function problemText(problem: Problem): string {
  switch (problem.code) {
    case "not_weekday":
      return `“${escapeText(problem.text)}” is not a weekday. Use monday, tuesday, … sunday (or mon, tue…).`;
    case "not_time":
      return `“${escapeText(problem.text)}” is not a time. Use the 24-hour clock, like 09:00 or 17:30.`;
    case "not_timezone":
      return `“${escapeText(problem.text)}” is not a timezone I know. Use an IANA name like America/New_York, Europe/London or Asia/Kolkata.`;
    case "not_real_date":
      return `${escapeText(problem.text)} is not a real date. Write it as YYYY-MM-DD, like 2026-12-15.`;
    case "unreadable_date":
      return `I can't read “${escapeText(problem.text)}” as a date. Use 2026-12-15, 2026-12-15 17:00, Dec 5, 5 Dec or December 5 2026.`;
    case "past_date":
      return `${formatDate(problem.date, problem.time)} is in the past. Deadlines must be today or later.`;
    case "empty":
      return `Tell me the date and what is due. ${ADD_USAGE}`;
    case "no_date":
      return `I can't find a date at the start of “${escapeText(problem.text)}”. ${ADD_USAGE}`;
    case "one_link":
      return `Put one link, at the end. ${ADD_USAGE}`;
    case "bad_link":
      return `“${escapeText(problem.link)}” doesn't look like a web link. Use a full http(s) link like https://acme.example/apply, or leave it out.`;
    case "no_title":
      return `What is due on that date? Add a title after the date. ${ADD_USAGE}`;
    case "title_too_long":
      return `That title is ${problem.length} characters; keep it under ${problem.max}.`;
    case "unknown_subcommand":
      return `I don't know \`${problem.command} ${escapeText(problem.sub)}\`.`;
    case "which_deadline":
      return "Which one? Write `/deadlines remove &lt;id&gt;`; `/deadlines list` shows the ids.";
    case "no_such_deadline":
      return `There is no deadline with id \`${escapeText(problem.id)}\` in this channel. \`/deadlines list\` shows the ids.`;
    case "nudges_on_usage":
      return "Write it as `/nudges on &lt;weekday&gt; &lt;HH:MM&gt; [timezone]`, e.g. `/nudges on monday 09:00 America/New_York`.";
  }
}
