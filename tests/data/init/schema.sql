-- A tiny schema for tests/init.t (not the shipped one): parents before children,
-- STRICT tables, CHECK and foreign key constraints, and a table without a CSV.
CREATE TABLE districts(
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE incidents(
    id          INTEGER PRIMARY KEY,
    detected_on TEXT NOT NULL CHECK (detected_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    district    TEXT NOT NULL REFERENCES districts(code),
    category    TEXT NOT NULL CHECK (category IN ('human_trafficking', 'illegal_exit')),
    victims     INTEGER,
    summary     TEXT
) STRICT;

CREATE TABLE subjects(
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    disposition TEXT NOT NULL CHECK (disposition IN ('verifying', 'warning', 'prosecution')),
    fine_vnd    INTEGER
) STRICT;

CREATE TABLE notes(
    id   INTEGER PRIMARY KEY,
    body TEXT
) STRICT;
