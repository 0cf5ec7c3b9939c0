-- Outreach (M6): lists handed to collectors, and the outcome of each contact.
-- A list itself is not stored: it is computed from the registry on its date.
CREATE TABLE outreach_assignments (
    id           {{id}},
    kind         TEXT NOT NULL, -- uncovered, expiring, lapsed, students
    unit_id      BIGINT NOT NULL REFERENCES units (id), -- the commune
    village_id   BIGINT REFERENCES units (id),          -- NULL: the whole commune
    list_date    {{date}} NOT NULL,
    days         INTEGER NOT NULL DEFAULT 0,            -- expiring: the horizon
    collector_id BIGINT NOT NULL REFERENCES users (id),
    assigned_by  BIGINT,                                -- user; NULL for the operator at the command line
    created_at   {{timestamp}} NOT NULL
);
CREATE INDEX outreach_assignments_collector ON outreach_assignments (collector_id, kind);

CREATE TABLE outreach_contacts (
    id            {{id}},
    assignment_id BIGINT REFERENCES outreach_assignments (id),
    person_key    TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('enrolled', 'refused', 'moved', 'deceased', 'unreachable')),
    note          TEXT NOT NULL DEFAULT '',
    contacted_on  {{date}} NOT NULL,
    recorded_by   BIGINT,                               -- user; NULL for the operator
    created_at    {{timestamp}} NOT NULL
);
CREATE INDEX outreach_contacts_person ON outreach_contacts (person_key, contacted_on);

-- The lists join cards by national ID as well as by BHXH code, find a person by key,
-- and narrow to a village.
CREATE INDEX bhyt_cards_national ON bhyt_cards (national_id);
CREATE INDEX persons_key ON persons (person_key);
CREATE INDEX persons_village ON persons (village_id);
