-- Few cards name a national ID (a card is filed under its BHXH code), and an
-- outreach list looks up every national ID of its commune in this index, in each
-- province's partition on PostgreSQL: 24,000 IDs in 35 partitions took 1.3 s of a
-- list at 10M persons. Indexing only the cards that name one makes those lookups
-- nearly free where none do. The lists ask with national_id <> '', so both
-- databases use it.
DROP INDEX bhyt_cards_national;
CREATE INDEX bhyt_cards_national ON bhyt_cards (national_id) WHERE national_id <> '';
