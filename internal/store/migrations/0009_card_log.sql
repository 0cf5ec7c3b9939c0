-- card_log holds the rows of a BHYT card file imported into a registry that already
-- has cards, in file order, until they are merged into bhyt_cards (store/cardlog.go).
-- The import commits its rows here: a few thousand contiguous pages, where an upsert
-- of 100,000 changed cards dirties a page of bhyt_cards and of its key for nearly
-- every row. The merge follows in the same process right after the commit, in a
-- transaction of its own; every read of bhyt_cards waits for it, and a store opened
-- with rows left here merges them first.
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

-- An import reads the stored cards of the holders it changes (app/prefetch.go), by
-- BHXH code. The index now holds every column that read takes, so that it walks the
-- index alone instead of fetching each card's row from a page of its own (on a 1M
-- registry, 300,000 rows for a daily file). PostgreSQL keeps its narrow index: a
-- wider one would turn the in-place (HOT) updates of valid_to into new index entries.
DROP INDEX bhyt_cards_bhxh;
CREATE INDEX bhyt_cards_bhxh ON bhyt_cards (bhxh_code, card_no, valid_from, valid_to, issuing_province, payer_group, province_code);
