/** Core schema: counties, schools, staff accounts and sessions, devices, enrollment, events, records. */
export default `
CREATE SEQUENCE change_seq;

CREATE TABLE counties (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE schools (
  id text PRIMARY KEY,
  county_id text NOT NULL REFERENCES counties(id),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (county_id, name)
);

CREATE TABLE accounts (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL DEFAULT '',
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('province-admin', 'county-admin')),
  county_id text REFERENCES counties(id),
  disabled boolean NOT NULL DEFAULT false,
  failed_count integer NOT NULL DEFAULT 0,
  failed_window_start timestamptz,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'county-admin') = (county_id IS NOT NULL))
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE TABLE devices (
  id text PRIMARY KEY,
  school_id text NOT NULL REFERENCES schools(id),
  name text NOT NULL,
  platform text,
  app_version text,
  token_hash text NOT NULL UNIQUE,
  enrolled_via text NOT NULL CHECK (enrolled_via IN ('code', 'file')),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_seen_at timestamptz,
  last_push_at timestamptz,
  last_pull_at timestamptz,
  queued_events integer,
  queued_records integer,
  bytes_to_download bigint,
  installed_packs jsonb,
  status_at timestamptz
);
CREATE INDEX devices_school ON devices (school_id);

CREATE TABLE enrollment_codes (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  school_id text NOT NULL REFERENCES schools(id),
  created_by text REFERENCES accounts(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by_device text REFERENCES devices(id),
  revoked_at timestamptz
);
CREATE INDEX enrollment_codes_school ON enrollment_codes (school_id);

-- Fixed-window request counters (per device, per client address for sign-in/enroll): in the
-- database so every cloud instance enforces the same limit.
CREATE TABLE rate_windows (
  key text NOT NULL,
  window_start bigint NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (key, window_start)
);

-- Append-only progress events (DESIGN §5.1). id = the client's UUIDv7 = the xAPI statement id.
CREATE TABLE events (
  id uuid PRIMARY KEY,
  school_id text NOT NULL,
  device_id text NOT NULL,
  learner_id text NOT NULL,
  class_id text,
  verb text NOT NULL,
  object_id text NOT NULL,
  pack_id text,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  result jsonb
);
CREATE INDEX events_school_created ON events (school_id, created_at);

-- Mutable LWW records (classes, learners, assignments), one row per record, its latest version in
-- data. seq comes from change_seq (see db.ts takeChangeLock) and drives pull cursors.
CREATE TABLE records (
  kind text NOT NULL CHECK (kind IN ('classes', 'learners', 'assignments')),
  id text NOT NULL,
  school_id text NOT NULL REFERENCES schools(id),
  data jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  deleted boolean NOT NULL,
  seq bigint NOT NULL,
  last_writer_device text,
  PRIMARY KEY (kind, id)
);
CREATE INDEX records_school_seq ON records (school_id, seq);
`;
