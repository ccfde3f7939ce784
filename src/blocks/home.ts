import type { KnownBlock, View } from "@slack/types";
import type { RoleProgress } from "../services/checklists/progress.ts";
import type { Role, Topic } from "../services/knowledge-base/schema.ts";
import { Actions } from "./action-ids.ts";
import { button, context, divider, header, homeView, section } from "./kit.ts";
import { topicButtons } from "./prep.ts";
import { progressLine } from "./skills.ts";

export interface HomeData {
  userId: string;
  /** Roles the user has started, with progress, in the order they started them. */
  started: ReadonlyArray<{ role: Role; progress: RoleProgress }>;
  roles: readonly Role[];
  topics: readonly Topic[];
  /** Extra sections other features add (e.g. upcoming deadlines). */
  extra?: readonly KnownBlock[];
}

/**
 * The App Home tab: checklist progress for each started role, and quick buttons for checklists and
 * prep topics. Capped at Slack's 100 blocks.
 */
export function renderHome(data: HomeData): View {
  const blocks: KnownBlock[] = [
    header("InternPrep"),
    context(`Your internship prep, <@${data.userId}>.`),
    divider(),
    header("Your checklists"),
  ];
  if (data.started.length === 0) {
    blocks.push(
      section(
        "You haven't ticked anything yet. Open a checklist below, or type `/skills` in any channel.",
      ),
    );
  }
  for (const { role, progress } of data.started) {
    blocks.push(
      section(
        `*${role.title}*\n${progressLine(progress)}`,
        button("Open", Actions.openRole, role.id),
      ),
    );
  }
  const startedIds = new Set(data.started.map((s) => s.role.id));
  const others = data.roles.filter((r) => !startedIds.has(r.id));
  if (others.length > 0) {
    blocks.push(context("Start another checklist:"));
    for (const role of others)
      blocks.push(section(role.title, button("Open", Actions.openRole, role.id)));
  }
  blocks.push(divider(), header("Interview prep"), ...topicButtons(data.topics, "home-topics"));
  if (data.extra && data.extra.length > 0) blocks.push(divider(), ...data.extra);
  blocks.push(context("Ask me anything in the Messages tab, e.g. _how early should I apply?_"));
  return homeView(blocks);
}
