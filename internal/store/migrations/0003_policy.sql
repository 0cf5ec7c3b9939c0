-- Policy tables (M9): every rate, cap, floor and support level with its dates and
-- legal source; provinces' own top-ups with their People's Council resolution.
CREATE TABLE policy_rules (
    parameter  TEXT NOT NULL,
    key        TEXT NOT NULL DEFAULT '',
    value      TEXT NOT NULL,
    valid_from {{date}} NOT NULL,
    valid_to   {{date}},
    source     TEXT NOT NULL,
    PRIMARY KEY (parameter, key, valid_from)
);

CREATE TABLE policy_topups (
    id            {{id}},
    province_code TEXT NOT NULL,
    scheme        TEXT NOT NULL,
    grp           TEXT NOT NULL,
    percent       TEXT NOT NULL,
    valid_from    {{date}} NOT NULL,
    valid_to      {{date}},
    resolution    TEXT NOT NULL,
    communes      TEXT NOT NULL DEFAULT '',
    UNIQUE (province_code, scheme, grp, valid_from, communes)
);
