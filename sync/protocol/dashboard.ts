/**
 * The county dashboard's class-progress answer (`GET /api/v1/admin/dashboard/progress`): computed by the
 * cloud (sync/server/services/dashboard.ts), read by the dashboard page (sync/server/dashboard) — one
 * shape for both sides.
 */
export interface ClassProgress {
  /** null: events of learners who were in no class when they happened. */
  classId: string | null;
  name: string | null;
  grade: string | null;
  /** Current learners in the class (not deleted, not archived). */
  learners: number;
  events7d: number;
  events30d: number;
  /** Learners with at least one event in the last 7 days. */
  activeLearners7d: number;
  /** Exercise items answered in the last 30 days, and how many of those were right. */
  answered30d: number;
  correct30d: number;
  /** Exercise sets mastered (distinct learner × set), all time. */
  mastered: number;
  /** Learners who have mastered at least one set, all time. */
  learnersWithMastery: number;
}

export interface SchoolProgress {
  schoolId: string;
  schoolName: string;
  countyName: string;
  classes: ClassProgress[];
}
