-- A partial index of the cards that name a national ID, for the outreach lists;
-- replaced by the whole index again in 0011 (which says why).
DROP INDEX bhyt_cards_national;
CREATE INDEX bhyt_cards_national ON bhyt_cards (national_id) WHERE national_id <> '';
