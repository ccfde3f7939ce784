import { ChecklistProgress } from "./checklists/progress.ts";
import { Feedback } from "./feedback/feedback.ts";
import { UnansweredQuestions } from "./feedback/gaps.ts";
import type { KnowledgeBase } from "./knowledge-base/knowledge-base.ts";
import { createSearch, type Search } from "./search/search.ts";
import { Deliveries } from "./storage/dedupe.ts";
import type { Store } from "./storage/store.ts";

/** Everything the Slack listeners need, built once at start-up and passed in explicitly. */
export interface Services {
  kb: KnowledgeBase;
  search: Search;
  store: Store;
  progress: ChecklistProgress;
  feedback: Feedback;
  gaps: UnansweredQuestions;
  deliveries: Deliveries;
}

/** Builds the services over a loaded knowledge base and an open store. */
export function createServices(
  kb: KnowledgeBase,
  store: Store,
  now: () => Date = () => new Date(),
): Services {
  return {
    kb,
    search: createSearch(kb),
    store,
    progress: new ChecklistProgress(store, now),
    feedback: new Feedback(store),
    gaps: new UnansweredQuestions(store, now),
    deliveries: new Deliveries(store, () => now().getTime()),
  };
}
