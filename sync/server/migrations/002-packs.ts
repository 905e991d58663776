/**
 * Packs on the cloud (docs/sync-protocol.md §6): published pack versions (manifest + signature
 * bytes as signed, the certificate that verified them, who uploaded them) and per-school releases.
 * Blob bytes live in the BlobStorage (local disk or S3), never in the database.
 */
export default `
CREATE TABLE pack_versions (
  pack_id text NOT NULL,
  version integer NOT NULL,
  title jsonb NOT NULL,
  manifest bytea NOT NULL,
  manifest_sha256 text NOT NULL,
  signature bytea NOT NULL,
  total_bytes bigint NOT NULL,
  blob_count integer NOT NULL,
  -- 学段/学科/版本 paths of the lesson tree: [{stage, subject, edition}] each {id, title} or null.
  facets jsonb NOT NULL,
  publisher_key_id text NOT NULL,
  certificate jsonb NOT NULL,
  uploaded_by text REFERENCES accounts(id),
  uploaded_by_name text NOT NULL,
  uploaded_county_id text REFERENCES counties(id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pack_id, version)
);

-- One row per (school, pack version). seq (change_seq, under takeChangeLock) drives the
-- packReleases pull cursor; trust_seq (taken just before seq) delivers the certificate that
-- verified the pack as a trustedKeys change, so a device learns the key before the release.
CREATE TABLE pack_releases (
  school_id text NOT NULL REFERENCES schools(id),
  pack_id text NOT NULL,
  version integer NOT NULL,
  released_by text REFERENCES accounts(id),
  released_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  seq bigint NOT NULL,
  trust_seq bigint NOT NULL,
  PRIMARY KEY (school_id, pack_id, version),
  FOREIGN KEY (pack_id, version) REFERENCES pack_versions(pack_id, version)
);
CREATE INDEX pack_releases_school_seq ON pack_releases (school_id, seq);
CREATE INDEX pack_releases_school_trust_seq ON pack_releases (school_id, trust_seq);
`;
