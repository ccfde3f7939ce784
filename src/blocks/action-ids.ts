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
  /** value: `encodeVote` (entry id and question), or a plain entry id from older messages */
  helpful: "feedback_helpful",
  /** value: `encodeVote` (entry id and question), or a plain entry id from older messages */
  notHelpful: "feedback_not_helpful",
  /** value: a pending deadline (JSON), added when its adder confirms a far-off date */
  confirmDeadline: "deadline_confirm",
  /** action_id prefix `answer_pick:<n>` (unique in its block); value: `encodePick` */
  pick: "answer_pick",
  /** value: `encodeReview` */
  confirmLearned: "learned_confirm",
  /** value: `encodeReview` */
  rejectLearned: "learned_reject",
  /** action_id prefix `learned_page:<prev|next>`; value: `encodePage` */
  learnedPage: "learned_page",
  /** value: `<channel id>:<deadline id>`; adds the deadline to the clicker's tracker at applied */
  trackApplied: "track_applied",
  /** value: `<channel id>:<deadline id>`; adds it at saved */
  trackSave: "track_save",
  /** select option value: `<application id>:<stage>`; also the prefix of stage buttons */
  trackStage: "track_stage",
} as const;

/** Matches every "Did you mean…?" button's action id: `answer_pick:<n>`. */
export const PICK_ACTION = /^answer_pick:\d+$/;

/** Matches the review's page buttons: `learned_page:prev`, `learned_page:next`. */
export const LEARNED_PAGE_ACTION = /^learned_page:(prev|next)$/;

/** Stage buttons in a follow-up DM: `track_stage:<stage>` (one action id per button in a block). */
export const TRACK_STAGE_ACTION = /^track_stage(:[a-z]+)?$/;

/** Matches every checkbox group's action id: `skills_tick:<group>`. */
export const TICK_ACTION = /^skills_tick:\d+$/;
