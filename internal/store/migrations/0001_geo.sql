-- Dated geography (M1). Units are identities with a lifespan; names and parents are
-- periods; links carry lineage with shares. Nothing here is ever updated in place
-- except closing a period (valid_to) and re-sharing a link.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE units (
    id         BIGINT PRIMARY KEY,
    code       TEXT NOT NULL,
    level      TEXT NOT NULL,
    valid_from {{date}} NOT NULL,
    valid_to   {{date}}
);
CREATE INDEX units_code ON units (code, valid_from);

CREATE TABLE unit_names (
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    valid_from {{date}} NOT NULL,
    valid_to   {{date}},
    name       TEXT NOT NULL,
    full_name  TEXT NOT NULL,
    unit_type  TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (unit_id, valid_from)
);

CREATE TABLE unit_parents (
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    valid_from {{date}} NOT NULL,
    valid_to   {{date}},
    parent_id  BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (unit_id, valid_from)
);
CREATE INDEX unit_parents_parent ON unit_parents (parent_id);

CREATE TABLE unit_links (
    from_id      BIGINT NOT NULL REFERENCES units (id),
    to_id        BIGINT NOT NULL REFERENCES units (id),
    share_ppm    BIGINT NOT NULL,
    event_date   {{date}} NOT NULL,
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    share_set_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX unit_links_to ON unit_links (to_id);

-- Every (ancestor, descendant) pair over all time, so SQL can filter by subtree
-- without recursion. Rebuilt whenever the geography changes.
CREATE TABLE unit_closure (
    ancestor_id   BIGINT NOT NULL,
    descendant_id BIGINT NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX unit_closure_descendant ON unit_closure (descendant_id);
