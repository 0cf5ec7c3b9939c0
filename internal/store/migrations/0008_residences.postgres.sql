-- Where persons lived before: see 0008_residences.sql. past_residences holds movers
-- only and is read by person key; it is not partitioned (a Citus deployment makes
-- it a reference table, or distributes it by person_key).
CREATE TABLE past_residences (
    person_key TEXT NOT NULL,
    moved_out  DATE NOT NULL,
    commune_id BIGINT NOT NULL,
    village_id BIGINT,
    PRIMARY KEY (person_key, moved_out)
);

-- record_move keeps the residence in force the day before a move dated since and
-- drops any recorded from since on (the rule of 0008_residences.sql); an import
-- calls it for the persons it moves (store/refile.go).
CREATE FUNCTION record_move(p_key TEXT, since DATE, old_commune BIGINT, old_village BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO past_residences (person_key, moved_out, commune_id, village_id)
        SELECT p_key, since, commune_id, village_id FROM (
            SELECT commune_id, village_id, moved_out AS o FROM past_residences WHERE person_key = p_key AND moved_out >= since
            UNION ALL SELECT old_commune, old_village, NULL::date) x
        ORDER BY o IS NULL, o LIMIT 1
        ON CONFLICT DO NOTHING;
    DELETE FROM past_residences WHERE person_key = p_key AND moved_out > since;
$$;
