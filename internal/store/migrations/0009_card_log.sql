-- card_log holds the rows of a BHYT card file imported into a registry that already
-- has cards, in file order, until they are merged into bhyt_cards (store/cardlog.go).
-- The import commits its rows here: a few thousand contiguous pages, where an upsert
-- of 100,000 changed cards dirties a page of bhyt_cards and of its key for nearly
-- every row. The merge follows in the same process once the import is done, in a
-- transaction of its own; every read of bhyt_cards waits for it, and a store opened
-- with rows left here merges them first. The application uses it for card files on
-- both stores (app/registry.go says why). On PostgreSQL it is not partitioned: it
-- holds one file until its merge. Its columns are those of bhyt_cards (0004).
CREATE TABLE card_log (
    seq              {{id}},
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
    source           TEXT NOT NULL DEFAULT ''
);

