// tests/bench/trend/duckdb.js: DuckDB's figures for the trend benchmark (printed for
// information): the same monthly counts by category of processed violations, through
// @duckdb/node-api; prints "month<TAB>category<TAB>n" sorted, like the other contestants.
//   node duckdb.js csv DIR          reads the data set's CSV files (subjects.csv,
//                                   incidents.csv) and counts, all timed
//   node duckdb.js load DIR FILE    makes DuckDB database FILE holding the two tables
//                                   (done once, untimed, by the run script)
//   node duckdb.js table FILE       counts from FILE's own tables (what the issue calls
//                                   "DuckDB on its own table")
const { DuckDBInstance } = require('@duckdb/node-api');

// The SELECT list and FROM of the two sources, from CSV files in dir.
function csvSources(dir) {
  return {
    subjects: `read_csv('${dir}/subjects.csv', header = true,
                  columns = {'id': 'BIGINT', 'incident_id': 'BIGINT', 'sex': 'VARCHAR',
                             'birth_year': 'INTEGER', 'nationality': 'VARCHAR',
                             'disposition': 'VARCHAR', 'disposed_on': 'DATE',
                             'fine_vnd': 'BIGINT'})`,
    incidents: `read_csv('${dir}/incidents.csv', header = true,
                  columns = {'id': 'BIGINT', 'detected_on': 'DATE', 'district': 'VARCHAR',
                             'category': 'VARCHAR', 'detected_by': 'VARCHAR',
                             'source': 'VARCHAR', 'victims': 'INTEGER',
                             'summary': 'VARCHAR'})`,
  };
}

// The counting query over the sources subjects and incidents (table names or read_csv).
function countSql(subjects, incidents) {
  return `
    SELECT strftime(s.disposed_on, '%Y-%m') AS month, i.category, count(*) AS n
    FROM ${subjects} AS s JOIN ${incidents} AS i ON i.id = s.incident_id
    WHERE s.disposition <> 'verifying'
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  let sql;
  let db;
  if (mode === 'csv') {
    db = await DuckDBInstance.create(':memory:');
    const src = csvSources(a);
    sql = countSql(src.subjects, src.incidents);
  } else if (mode === 'load') {
    db = await DuckDBInstance.create(b);
    const con = await db.connect();
    const src = csvSources(a);
    await con.run(`CREATE TABLE subjects AS SELECT * FROM ${src.subjects}`);
    await con.run(`CREATE TABLE incidents AS SELECT * FROM ${src.incidents}`);
    await con.run('CHECKPOINT');
    return;
  } else if (mode === 'table') {
    db = await DuckDBInstance.create(a, { access_mode: 'READ_ONLY' });
    sql = countSql('subjects', 'incidents');
  } else {
    throw new Error('usage: node duckdb.js csv DIR | load DIR FILE | table FILE');
  }
  const con = await db.connect();
  const reader = await con.runAndReadAll(sql);
  const lines = reader.getRows().map((r) => `${r[0]}\t${r[1]}\t${r[2]}`);
  lines.sort();
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
