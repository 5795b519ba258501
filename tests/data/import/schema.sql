-- A small schema for the import tests: a parent with codes, a child with dates,
-- integers, reals, a code list (CHECK) and a foreign key.
CREATE TABLE districts (
  code TEXT PRIMARY KEY NOT NULL CHECK (code GLOB '[a-z]*'),
  name TEXT NOT NULL
) STRICT;
CREATE TABLE cases (
  id          INTEGER PRIMARY KEY,
  detected_on TEXT NOT NULL CHECK (detected_on IS date(detected_on, '+0 days')),
  district    TEXT NOT NULL REFERENCES districts (code),
  category    TEXT NOT NULL CHECK (category IN ('illegal_exit', 'human_trafficking')),
  victims     INTEGER NOT NULL DEFAULT 0,
  share       REAL,
  note        TEXT
) STRICT;
INSERT INTO districts VALUES ('duc_hue', 'Đức Huệ'), ('moc_hoa', 'Mộc Hóa');
