-- Where persons lived before (M3, M4): coverage by residence on a past date counts a
-- person where they lived that day, so a move does not rewrite earlier figures.
--
-- A file of date D (the import's --date) that places a known person in another
-- commune, or in another village of their commune (a village first filled in, or
-- none named, is no move), records a move on D: the residence in force the day before D is
-- kept here, ending with moved_out = D (the first day elsewhere); a residence
-- recorded for D or later (a file dated before an earlier-imported move) is dropped.
-- A person's past residences chain: each lasts from the previous row's moved_out
-- (the first: from always) to the day before its own. Only movers have rows.
CREATE TABLE past_residences (
    person_key TEXT NOT NULL,
    moved_out  {{date}} NOT NULL,
    commune_id BIGINT NOT NULL,
    village_id BIGINT,
    PRIMARY KEY (person_key, moved_out)
);

-- record_move is a procedure: inserting (person key, date of the move, old commune,
-- old village) records the move by the rule above. PostgreSQL has it as a function.
-- An import calls it for the persons of each batch it moves, before it writes them
-- (store/refile.go): a trigger on persons would make SQLite keep a statement journal
-- for every row an import upserts, which doubled the time of a residents file.
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
