-- The registry (M3), denominators (M2) and targets (M5). The large tables carry the
-- province code of the person's residence (cards and periods of a person not yet in
-- the registry: the card's issuing province, or '00'), so PostgreSQL partitions them
-- by province and a national deployment can distribute them by it (Citus) without
-- schema changes.
CREATE TABLE persons (
    province_code   TEXT NOT NULL,
    person_key      TEXT NOT NULL, -- the national ID, or 'bhxh:' + BHXH code when none is known
    national_id     TEXT NOT NULL DEFAULT '',
    bhxh_code       TEXT NOT NULL DEFAULT '',
    full_name       TEXT NOT NULL,
    birth_date      {{date}} NOT NULL,
    birth_precision TEXT NOT NULL DEFAULT '',
    sex             TEXT NOT NULL DEFAULT '',
    commune_id      BIGINT NOT NULL,
    village_id      BIGINT,
    household_id    TEXT NOT NULL DEFAULT '',
    resident        INTEGER NOT NULL DEFAULT 0, -- in the population register
    insured         INTEGER NOT NULL DEFAULT 0, -- in a BHXH list
    source          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (province_code, person_key)
) {{partition_by_province}};
CREATE INDEX persons_bhxh ON persons (bhxh_code);
CREATE INDEX persons_national ON persons (national_id);
CREATE INDEX persons_commune ON persons (commune_id);

CREATE TABLE bhyt_cards (
    province_code    TEXT NOT NULL,
    card_no          TEXT NOT NULL,
    bhxh_code        TEXT NOT NULL DEFAULT '',
    national_id      TEXT NOT NULL DEFAULT '',
    group_code       TEXT NOT NULL,
    payer_group      TEXT NOT NULL,
    benefit_level    INTEGER NOT NULL DEFAULT 0,
    valid_from       {{date}} NOT NULL,
    valid_to         {{date}},
    issuing_province TEXT NOT NULL DEFAULT '',
    initial_facility TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (province_code, card_no, valid_from)
) {{partition_by_province}};
CREATE INDEX bhyt_cards_bhxh ON bhyt_cards (bhxh_code);

CREATE TABLE periods (
    province_code TEXT NOT NULL,
    scheme        TEXT NOT NULL, -- bhxh_compulsory, bhxh_voluntary, bhtn, bhyt_compulsory
    holder        TEXT NOT NULL, -- BHXH code, or 'id:' + national ID
    employer_code TEXT NOT NULL DEFAULT '',
    valid_from    {{date}} NOT NULL,
    valid_to      {{date}},
    salary        BIGINT NOT NULL DEFAULT 0,
    source        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (province_code, scheme, holder, employer_code, valid_from)
) {{partition_by_province}};
CREATE INDEX periods_holder ON periods (holder);

CREATE TABLE denominators (
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    year         INTEGER NOT NULL,
    population   BIGINT NOT NULL,
    labour_force BIGINT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE targets (
    unit_id   BIGINT NOT NULL REFERENCES units (id),
    indicator TEXT NOT NULL,
    deadline  {{date}} NOT NULL,
    value     TEXT NOT NULL,
    document  TEXT NOT NULL DEFAULT '',
    set_by    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (unit_id, indicator, deadline)
);
