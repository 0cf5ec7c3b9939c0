-- The cards that name a national ID, and the periods filed under one ('id:' + ID),
-- get indexes of their own holding only them. Few rows do (the generated registry
-- has none): an import writes no index entry for the others, and an outreach list
-- reads first which province partitions hold any (one probe of each small index),
-- then looks the area's national IDs up in those alone (store/outreach.go,
-- byNationalID), instead of probing all 35 partitions' whole indexes.
DROP INDEX bhyt_cards_national;
CREATE INDEX bhyt_cards_national ON bhyt_cards (national_id) WHERE national_id <> '';
CREATE INDEX periods_id_holder ON periods (holder) WHERE holder LIKE 'id:%';
