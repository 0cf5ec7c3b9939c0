-- Accounts, grants (role × unit subtree), sessions, API tokens and the audit log (M15).
CREATE TABLE users (
    id            {{id}},
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    {{timestamp}} NOT NULL
);

CREATE TABLE grants (
    id         {{id}},
    user_id    BIGINT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    unit_id    BIGINT REFERENCES units (id),
    created_at {{timestamp}} NOT NULL,
    UNIQUE (user_id, role, unit_id)
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    expires_at {{timestamp}} NOT NULL
);

CREATE TABLE api_tokens (
    id           {{id}},
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   {{timestamp}} NOT NULL,
    expires_at   {{timestamp}},
    last_used_at {{timestamp}}
);

CREATE TABLE audit_log (
    id       {{id}},
    at       {{timestamp}} NOT NULL,
    user_id  BIGINT,
    username TEXT NOT NULL DEFAULT '',
    action   TEXT NOT NULL,
    object   TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT '',
    ip       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
