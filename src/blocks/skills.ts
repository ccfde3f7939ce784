import type { KnownBlock } from "@slack/types";
import type { RoleProgress } from "../services/checklists/progress.ts";
import type { Role } from "../services/knowledge-base/schema.ts";
import { Actions } from "./action-ids.ts";
import {
  actions,
  button,
  checkboxGroups,
  context,
  escapeText,
  header,
  type Message,
  message,
  section,
  sections,
} from "./kit.ts";

/** "7 of 12 done" with a small bar. */
export function progressLine(progress: Pick<RoleProgress, "done" | "total">): string {
  const width = 12;
  const filled = progress.total === 0 ? 0 : Math.round((progress.done / progress.total) * width);
  return `${"▰".repeat(filled)}${"▱".repeat(width - filled)}  *${progress.done} of ${progress.total} done*`;
}

/**
 * `/skills` with no argument: every role with a button to open its checklist.
 *
 * @example
 * renderRoleList(kb.roles, new Map([["ml-intern", { done: 3, total: 12 }]]));
 */
export function renderRoleList(
  roles: readonly Role[],
  progress: ReadonlyMap<string, Pick<RoleProgress, "done" | "total">> = new Map(),
): Message {
  const blocks: KnownBlock[] = [
    header("Skill checklists"),
    context(
      "Pick a role to see what it takes, and tick off what you can already show. Your ticks are saved.",
    ),
  ];
  for (const role of roles) {
    const mine = progress.get(role.id);
    const status = mine ? `\n${progressLine(mine)}` : "";
    blocks.push(
      section(
        `*${role.title}*\n${role.summary.split("\n")[0]}${status}`,
        button("Open checklist", Actions.openRole, role.id),
      ),
    );
  }
  blocks.push(
    context(
      "Or type `/skills &lt;role&gt;`, e.g. `/skills ml`, `/skills data science`, `/skills cv engineer`.",
    ),
  );
  return message(`Skill checklists: ${roles.map((r) => r.title).join(", ")}`, blocks);
}

/** The interactive checklist of one role, with the user's ticks and a progress line. */
export function renderChecklist(role: Role, progress: RoleProgress): Message {
  const blocks: KnownBlock[] = [
    header(`${role.title}: skill checklist`),
    section(role.summary),
    context(progressLine(progress)),
    ...checkboxGroups(
      role.checklist.map((item) => ({
        value: item.id,
        text: item.skill,
        description: item.why.split(/(?<=\.)\s/)[0] ?? item.why,
      })),
      progress.ticked,
      (group) => `${Actions.tick}:${group}`,
      (group) => `skills:${role.id}:${group}`,
    ),
    ...actions([
      button("Why each skill matters", Actions.roleWhy, role.id),
      button("Share with the channel", Actions.share, role.id),
    ]),
  ];
  return message(`${role.title}: ${progress.done} of ${progress.total} skills done`, blocks);
}

/** The full "why it matters / how to show it" for every item of a role. */
export function renderChecklistWhy(role: Role): Message {
  const text = role.checklist.map((item) => `*${item.skill}*\n${item.why}`).join("\n\n");
  return message(`Why each ${role.title} skill matters`, [
    header(`${role.title}: why each skill matters`),
    ...sections(text),
  ]);
}

/** `/skills help`, or a role we could not match: how to use it, and the roles there are. */
export function renderSkillsHelp(roles: readonly Role[], unknown?: string): Message {
  const intro = unknown
    ? `I don't have a checklist for “${escapeText(unknown)}”. These are the roles I know:`
    : "*/skills* keeps a checklist of what each internship role asks for. Tick off what you can show; your progress is saved.";
  const list = roles.map((r) => `• *${r.title}* — try \`/skills ${r.aliases[0]}\``).join("\n");
  return message(
    unknown
      ? `No checklist for "${escapeText(unknown)}". Roles: ${roles.map((r) => r.title).join(", ")}`
      : "How to use /skills",
    [
      section(intro),
      section(list),
      context(
        "`/skills` lists the roles · `/skills &lt;role&gt;` opens a checklist · your progress also shows in the bot's Home tab",
      ),
    ],
  );
}
