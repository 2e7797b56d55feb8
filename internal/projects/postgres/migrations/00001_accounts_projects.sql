-- +goose Up
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created       TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_keys (
    id        TEXT PRIMARY KEY,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    hash      BYTEA NOT NULL UNIQUE,
    created   TIMESTAMPTZ NOT NULL,
    last_used TIMESTAMPTZ,
    revoked   TIMESTAMPTZ
);
CREATE INDEX api_keys_user ON api_keys (user_id, created DESC);

CREATE TABLE sessions (
    hash    BYTEA PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created TIMESTAMPTZ NOT NULL,
    expires TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    task_id     TEXT NOT NULL,
    file_name   TEXT NOT NULL DEFAULT '',
    doc_count   INTEGER NOT NULL,
    embedder    TEXT NOT NULL,
    params      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    created     TIMESTAMPTZ NOT NULL,
    updated     TIMESTAMPTZ NOT NULL
);
CREATE INDEX projects_user_created ON projects (user_id, created DESC, id DESC);

-- result and state are zstd-compressed.
CREATE TABLE project_data (
    project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    result     BYTEA NOT NULL,
    state      BYTEA NOT NULL
);

CREATE TABLE shares (
    hash       BYTEA PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    created    TIMESTAMPTZ NOT NULL
);
CREATE INDEX shares_project ON shares (project_id);

-- +goose Down
DROP TABLE shares;
DROP TABLE project_data;
DROP TABLE projects;
DROP TABLE sessions;
DROP TABLE api_keys;
DROP TABLE users;
