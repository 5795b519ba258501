-- vigil's data model: a border province's anti-trafficking incidents and outreach.
--
-- Dates are ISO YYYY-MM-DD text; codes are lower-case ASCII; names are Vietnamese UTF-8.
-- A date column is checked with `x IS date(x, '+0 days')`: the modifier makes SQLite normalise the
-- day, so impossible dates such as 2022-02-30 are refused, not only malformed ones.
-- Tables are STRICT (types are checked) and created parents first: `vigil init` loads
-- datasets/TABLE.csv for each table in the order the tables are created here.
-- Every record except published_figures is synthetic (see dataset_info and docs/dataset.md).

-- What the shipped records are and how they were made: one key/value pair per row.
CREATE TABLE dataset_info (
  key   TEXT PRIMARY KEY NOT NULL,  -- e.g. generator, seed, scale, cases, synthetic, note
  value TEXT NOT NULL               -- the value, as text
) STRICT;

-- The agencies that detect cases or run awareness work.
CREATE TABLE agencies (
  code    TEXT PRIMARY KEY NOT NULL    -- short code, e.g. police, border_guard, justice
          CHECK (code GLOB '[a-z]*' AND code NOT GLOB '*[^a-z_]*'),
  name_vi TEXT NOT NULL,               -- Vietnamese name, e.g. Công an tỉnh
  name_en TEXT NOT NULL,               -- English name, e.g. Provincial Police
  kind    TEXT NOT NULL                -- enforcement, department (of the provincial
          CHECK (kind IN ('enforcement', 'department', 'mass_organisation'))
                                       -- people's committee) or mass_organisation
) STRICT;

-- The province's districts, towns and city.
CREATE TABLE districts (
  code             TEXT PRIMARY KEY NOT NULL  -- ASCII code, e.g. duc_hue
                   CHECK (code GLOB '[a-z]*' AND code NOT GLOB '*[^a-z_]*'),
  name             TEXT NOT NULL,             -- Vietnamese name, e.g. Đức Huệ
  borders_cambodia INTEGER NOT NULL           -- 1 when it lies on the Cambodian border, else 0
                   CHECK (borders_cambodia IN (0, 1))
) STRICT;

-- One case: an event of trafficking or of illegal border crossing found by an agency.
CREATE TABLE incidents (
  id          INTEGER PRIMARY KEY,            -- case number
  detected_on TEXT NOT NULL                   -- the day the case was detected
              CHECK (detected_on IS date(detected_on, '+0 days')),
  district    TEXT NOT NULL REFERENCES districts (code),  -- where it was detected
  category    TEXT NOT NULL                   -- what the case is about
              CHECK (category IN ('human_trafficking', 'illegal_exit', 'illegal_entry',
                                  'illegal_stay', 'organizing_illegal_migration')),
  detected_by TEXT NOT NULL REFERENCES agencies (code),   -- the agency that found it
  source      TEXT NOT NULL                   -- how it was found
              CHECK (source IN ('patrol', 'tip_off', 'hotline', 'cyberspace',
                                'inspection', 'handover')),
  victims     INTEGER NOT NULL DEFAULT 0      -- trafficking victims received or supported;
              CHECK (victims >= 0 AND (victims = 0 OR category = 'human_trafficking')),
                                              -- 0 for every other category
  summary     TEXT NOT NULL                   -- a one-line description in Vietnamese
) STRICT;

-- One person (subject) in a case and how that person was handled.
CREATE TABLE subjects (
  id          INTEGER PRIMARY KEY,            -- person-in-case number
  incident_id INTEGER NOT NULL REFERENCES incidents (id),  -- the case
  sex         TEXT NOT NULL                   -- male or female
              CHECK (sex IN ('male', 'female')),
  birth_year  INTEGER                         -- year of birth, NULL when unknown
              CHECK (birth_year IS NULL OR birth_year BETWEEN 1920 AND 2025),
  nationality TEXT NOT NULL                   -- ISO 3166 alpha-2 in lower case: vn, kh, cn, ...
              CHECK (length(nationality) = 2 AND nationality GLOB '[a-z][a-z]'),
  disposition TEXT NOT NULL                   -- verifying (not yet decided), administrative
              CHECK (disposition IN ('verifying', 'administrative', 'warning',
                                     'deportation', 'prosecution')),
                                              -- (fined), warning (warned and educated),
                                              -- deportation (a foreigner expelled) or
                                              -- prosecution (criminal proceedings)
  disposed_on TEXT                            -- the day of the decision; NULL while verifying
              CHECK (disposed_on IS date(disposed_on, '+0 days')),
  fine_vnd    INTEGER                         -- the administrative fine in dong; NULL otherwise
              CHECK (fine_vnd IS NULL OR fine_vnd > 0),
  CHECK ((disposition = 'verifying') = (disposed_on IS NULL)),
  CHECK ((disposition = 'administrative') = (fine_vnd IS NOT NULL)),
  CHECK (disposition <> 'deportation' OR nationality <> 'vn')
) STRICT;

-- One awareness activity (or a batch of alike activities on one day), with its measures.
-- A measure that does not apply is NULL.
CREATE TABLE outreach (
  id           INTEGER PRIMARY KEY,           -- activity number
  held_on      TEXT NOT NULL                  -- the day it took place (or was reported)
               CHECK (held_on IS date(held_on, '+0 days')),
  agency       TEXT NOT NULL REFERENCES agencies (code),   -- who ran it
  district     TEXT REFERENCES districts (code),           -- where; NULL when province-wide
  activity     TEXT NOT NULL                  -- what kind of work it was
               CHECK (activity IN ('broadcast', 'conference', 'publication', 'session',
                                   'leaflet', 'training', 'job_counselling', 'social_media',
                                   'volunteer_network', 'banner')),
  channel      TEXT NOT NULL                  -- how it reached people
               CHECK (channel IN ('radio', 'online', 'print', 'in_person', 'zalo',
                                  'facebook', 'outdoor')),
  audience     TEXT NOT NULL                  -- whom it was for
               CHECK (audience IN ('public', 'students', 'officials', 'workers', 'women',
                                   'youth', 'border_residents', 'at_risk', 'members')),
  events       INTEGER CHECK (events IS NULL OR events >= 0),
                                              -- sessions, items broadcast, classes held
  participants INTEGER CHECK (participants IS NULL OR participants >= 0),
                                              -- people attending, trained or served
  materials    INTEGER CHECK (materials IS NULL OR materials >= 0),
                                              -- copies handed out (books, leaflets, banners)
  sites        INTEGER CHECK (sites IS NULL OR sites >= 0),
                                              -- connected sites, groups or pages used
  reach        INTEGER CHECK (reach IS NULL OR reach >= 0)
                                              -- people reached online
) STRICT;

-- The figures the source article publishes (the only real data of the project).
CREATE TABLE published_figures (
  id           INTEGER PRIMARY KEY,           -- figure number
  source       TEXT NOT NULL,                 -- the publication: author, title, date
  published_on TEXT NOT NULL                  -- the publication's date
               CHECK (published_on IS date(published_on, '+0 days')),
  period_start TEXT NOT NULL                  -- first day the figure covers
               CHECK (period_start IS date(period_start, '+0 days')),
  period_end   TEXT NOT NULL                  -- last day the figure covers (inclusive)
               CHECK (period_end IS date(period_end, '+0 days') AND period_end >= period_start),
  topic        TEXT NOT NULL                  -- a case category, illegal_migration (the four
               CHECK (topic IN ('human_trafficking', 'illegal_migration', 'administrative',
                                'warning', 'deportation', 'prosecution', 'verifying',
                                'broadcast', 'conference', 'publication', 'session',
                                'leaflet', 'training', 'job_counselling', 'social_media',
                                'volunteer_network', 'banner')),
                                              -- non-trafficking categories), a disposition
                                              -- or an outreach activity
  agency       TEXT NOT NULL REFERENCES agencies (code),  -- the agency the figure is about
  metric       TEXT NOT NULL                  -- cases, victims or subjects (incident
               CHECK (metric IN ('cases', 'victims', 'subjects', 'events', 'participants',
                                 'materials', 'sites', 'reach')),
                                              -- figures) or an outreach measure column
  value        INTEGER NOT NULL CHECK (value >= 0),  -- the published number
  qualifier    TEXT NOT NULL                  -- exact, or more_than ("hơn 300.000")
               CHECK (qualifier IN ('exact', 'more_than'))
) STRICT;

-- The indexes the trend queries need.
CREATE INDEX incidents_detected_on ON incidents (detected_on);
CREATE INDEX subjects_incident_id ON subjects (incident_id);
CREATE INDEX subjects_disposed_on ON subjects (disposed_on);
CREATE INDEX subjects_disposition ON subjects (disposition);
CREATE INDEX outreach_held_on ON outreach (held_on);
CREATE INDEX outreach_agency_activity ON outreach (agency, activity);

-- Processed violations: every subject whose case has been decided (disposition other than
-- verifying), with the month of the decision and the case's category and district; the base
-- of "processed violations by category".
CREATE VIEW processed_violations AS
SELECT s.id          AS id,           -- the subject
       s.incident_id AS incident_id,  -- the case
       s.disposition AS disposition,
       s.disposed_on AS disposed_on,
       strftime('%Y-%m', s.disposed_on) AS month,
       i.category    AS category,
       i.district    AS district,
       i.detected_on AS detected_on,
       s.sex         AS sex,
       s.nationality AS nationality,
       s.fine_vnd    AS fine_vnd
FROM subjects AS s
JOIN incidents AS i ON i.id = s.incident_id
WHERE s.disposition <> 'verifying';
