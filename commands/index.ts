import { deadlinesCommand } from "./deadlines.ts";
import { listingsCommand } from "./listings.ts";
import { nudgesCommand } from "./nudges.ts";
import { prepCommand } from "./prep.ts";
import { skillsCommand } from "./skills.ts";
import { trackCommand } from "./track.ts";
import type { SlashCommand } from "./types.ts";

/** Every slash command the app registers; manifest.yml must list exactly these. */
export const commands: readonly SlashCommand[] = [
  skillsCommand,
  prepCommand,
  deadlinesCommand,
  nudgesCommand,
  trackCommand,
  listingsCommand,
];
