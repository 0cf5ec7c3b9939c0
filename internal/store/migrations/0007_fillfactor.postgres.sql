-- Room on every page of the large tables for a row's next version, so that an
-- update which changes no indexed column (a resident flag, a card's end date, a
-- period's salary) stays on its page and writes no index entry (a HOT update).
-- Storage parameters live on the partitions, not on the partitioned table.
DO $$ DECLARE r record; BEGIN FOR r IN SELECT c.oid::regclass AS part, p.relname AS parent FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname IN ('persons', 'bhyt_cards', 'periods') AND p.relnamespace = current_schema()::regnamespace LOOP EXECUTE format('ALTER TABLE %s SET (fillfactor = %s)', r.part, CASE r.parent WHEN 'persons' THEN 75 ELSE 90 END); END LOOP; END $$;
