-- 0010 made bhyt_cards_national a partial index (national_id <> '') for lists that
-- found the cards naming a national ID before joining them to the commune's persons.
-- At 10M persons on PostgreSQL that showed no clear gain: the four lists of the
-- largest commune took 3.5–8.2 s against 3.7–4.4 s before, while runs of the earlier
-- query alone varied from 3.7 to 6.3 s (bench/README.md, session 10). The lists went
-- back to the earlier query, which needs the whole index.
DROP INDEX bhyt_cards_national;
CREATE INDEX bhyt_cards_national ON bhyt_cards (national_id);
