/** The action ids the renderers put on buttons and checkboxes, and the listeners handle. */
export const Actions = {
  /** value: role id */
  openRole: "skills_open",
  /** value: role id */
  roleWhy: "skills_why",
  /** action_id prefix; block_id `skills:<role id>:<group>` */
  tick: "skills_tick",
  /** value: topic id */
  openTopic: "prep_open",
  /** value: entry id */
  openEntry: "entry_open",
  /** value: entry id */
  share: "share",
  /** value: entry id */
  helpful: "feedback_helpful",
  /** value: entry id */
  notHelpful: "feedback_not_helpful",
  /** value: `<channel id>:<deadline id>`; adds the deadline to the clicker's tracker at applied */
  trackApplied: "track_applied",
  /** value: `<channel id>:<deadline id>`; adds it at saved */
  trackSave: "track_save",
  /** select option value: `<application id>:<stage>`; also the prefix of stage buttons */
  trackStage: "track_stage",
} as const;

/** Stage buttons in a follow-up DM: `track_stage:<stage>` (one action id per button in a block). */
export const TRACK_STAGE_ACTION = /^track_stage(:[a-z]+)?$/;

/** Matches every checkbox group's action id: `skills_tick:<group>`. */
export const TICK_ACTION = /^skills_tick:\d+$/;
