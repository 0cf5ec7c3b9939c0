-- Where persons lived before (M3, M4): coverage by residence on a past date counts a
-- person where they lived that day, so a move does not rewrite earlier figures.
--
-- persons.resident_since is the date of the file that placed the person at their
-- current residence. A file that places a known person in another commune, or in
-- another village of their commune (a village first filled in is a correction, not
-- a move), records a move on its date D: the residence in force the day before D is
-- kept here, ending with moved_out = D (the first day elsewhere); a residence
-- recorded for D or later (a file dated before an earlier-imported move) is dropped.
-- A person's past residences chain: each lasts from the previous row's moved_out
-- (the first: from always) to the day before its own. Only movers have rows.
ALTER TABLE persons ADD COLUMN resident_since {{date}};

CREATE TABLE past_residences (
    person_key TEXT NOT NULL,
    moved_out  {{date}} NOT NULL,
    commune_id BIGINT NOT NULL,
    village_id BIGINT,
    PRIMARY KEY (person_key, moved_out)
);

-- record_move is a procedure: inserting (person key, date of the move, old commune,
-- old village) records the move by the rule above. PostgreSQL has it as a function.
CREATE VIEW record_move AS SELECT person_key AS p_key, moved_out AS since, commune_id AS old_commune, village_id AS old_village FROM past_residences WHERE 0;

CREATE TRIGGER record_move_do INSTEAD OF INSERT ON record_move
BEGIN
    INSERT OR IGNORE INTO past_residences (person_key, moved_out, commune_id, village_id)
        SELECT NEW.p_key, NEW.since, commune_id, village_id FROM (
            SELECT commune_id, village_id, moved_out AS o FROM past_residences WHERE person_key = NEW.p_key AND moved_out >= NEW.since
            UNION ALL SELECT NEW.old_commune, NEW.old_village, NULL)
        ORDER BY o IS NULL, o LIMIT 1;
    DELETE FROM past_residences WHERE person_key = NEW.p_key AND moved_out > NEW.since;
END;

-- A move within a province updates the row in place; a move to another province
-- deletes and re-inserts it, and store/refile.go records the move itself.
CREATE TRIGGER persons_moved AFTER UPDATE OF commune_id, village_id ON persons
WHEN NEW.resident_since IS NOT NULL AND (OLD.commune_id <> NEW.commune_id OR (OLD.village_id IS NOT NULL AND OLD.village_id IS NOT NEW.village_id))
BEGIN
    INSERT INTO record_move VALUES (NEW.person_key, NEW.resident_since, OLD.commune_id, OLD.village_id);
END;
