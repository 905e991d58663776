/**
 * The county dashboard's class progress (services/dashboard.ts): mastery is counted over a school's
 * whole history, so it gets a partial index holding only `mastered` events — one per learner and
 * exercise set, a tiny fraction of all events, so pushes (the ingest bench) pay almost nothing for it.
 * The windowed counts use `events_school_created` from 001.
 */
export default `
CREATE INDEX events_mastered ON events (school_id, class_id) WHERE verb = 'mastered';
`;
