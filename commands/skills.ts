import { renderChecklist, renderRoleList, renderSkillsHelp } from "../src/blocks/skills.ts";
import type { SlashCommand } from "./types.ts";

/**
 * `/skills` lists the roles; `/skills <role words>` opens that role's checklist (matched leniently:
 * "ml", "machine learning", "cv engineer", "data sci"); `/skills help` explains.
 */
export const skillsCommand: SlashCommand = {
  name: "/skills",
  description: "Role skill checklists you tick off, with your progress saved",
  usageHint: "[role, e.g. ml, data science, swe, cv engineer | help]",
  create:
    ({ kb, search, progress }) =>
    async ({ command, respond }) => {
      // Every reply is ready within milliseconds (search and one store read): it goes in the ack.
      const text = command.text.trim();
      const { team_id: team, user_id: user } = command;
      if (text === "") {
        const mine = new Map(
          (await progress.started(team, user, kb.roles)).map((p) => [p.roleId, p]),
        );
        await respond({ response_type: "ephemeral", ...renderRoleList(kb.roles, mine) });
        return;
      }
      if (/^(help|\?)$/i.test(text)) {
        await respond({ response_type: "ephemeral", ...renderSkillsHelp(kb.roles) });
        return;
      }
      const role = search.match(text, "role");
      if (!role) {
        await respond({ response_type: "ephemeral", ...renderSkillsHelp(kb.roles, text) });
        return;
      }
      await respond({
        response_type: "ephemeral",
        ...renderChecklist(role, await progress.forRole(team, user, role)),
      });
    },
};
