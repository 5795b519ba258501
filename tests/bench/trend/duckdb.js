// tests/bench/trend/duckdb.js DIR: DuckDB's figure for the trend benchmark (printed for
// information): the same monthly counts by category of processed violations, read from
// the data set's CSV files (subjects.csv, incidents.csv) by DuckDB through
// @duckdb/node-api; prints "month<TAB>category<TAB>n" sorted, like the other contestants.
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
  const dir = process.argv[2];
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const sql = `
    SELECT strftime(s.disposed_on, '%Y-%m') AS month, i.category, count(*) AS n
    FROM read_csv('${dir}/subjects.csv', header = true,
                  columns = {'id': 'BIGINT', 'incident_id': 'BIGINT', 'sex': 'VARCHAR',
                             'birth_year': 'INTEGER', 'nationality': 'VARCHAR',
                             'disposition': 'VARCHAR', 'disposed_on': 'DATE',
                             'fine_vnd': 'BIGINT'}) AS s
    JOIN read_csv('${dir}/incidents.csv', header = true,
                  columns = {'id': 'BIGINT', 'detected_on': 'DATE', 'district': 'VARCHAR',
                             'category': 'VARCHAR', 'detected_by': 'VARCHAR',
                             'source': 'VARCHAR', 'victims': 'INTEGER',
                             'summary': 'VARCHAR'}) AS i ON i.id = s.incident_id
    WHERE s.disposition <> 'verifying'
    GROUP BY 1, 2 ORDER BY 1, 2`;
  const reader = await con.runAndReadAll(sql);
  const lines = reader.getRows().map((r) => `${r[0]}\t${r[1]}\t${r[2]}`);
  lines.sort();
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
