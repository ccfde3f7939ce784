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
  /** value: a pending deadline (JSON), added when its adder confirms a far-off date */
  confirmDeadline: "deadline_confirm",
} as const;

/** Matches every checkbox group's action id: `skills_tick:<group>`. */
export const TICK_ACTION = /^skills_tick:\d+$/;
