/**
 * USB progress bundles the cloud has ingested (services/bundles.ts): one row per bundle id. Tells a
 * re-import that it is a replay (its batches are all duplicates; the device status it carries is
 * old and is not saved again), and lists what inbound bundles acknowledge to the school's devices.
 */
export default `
CREATE TABLE bundle_ingests (
  bundle_id text PRIMARY KEY,
  device_id text NOT NULL REFERENCES devices(id),
  school_id text NOT NULL REFERENCES schools(id),
  bundle_created_at timestamptz NOT NULL,
  first_ingested_at timestamptz NOT NULL,
  last_ingested_at timestamptz NOT NULL,
  ingest_count integer NOT NULL DEFAULT 1,
  ingested_by text NOT NULL,
  batches integer NOT NULL,
  stored integer NOT NULL,
  duplicates integer NOT NULL,
  rejected integer NOT NULL
);
CREATE INDEX bundle_ingests_school ON bundle_ingests (school_id, first_ingested_at);
`;
