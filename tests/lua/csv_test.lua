-- Tests of the vigil.csv module (run by tests/csv.t inside a temporary folder).
package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "tap"
local fixture = require "fixture"
local vcsv = require "vigil.csv"

-- Writes text to a file.
local function put(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local get = fixture.read

T.ok(csv == vcsv, "the global csv is require 'vigil.csv'")

-- csv.rows: named fields, quoting, BOM, CRLF, multi-line fields
put("a.csv", '\xEF\xBB\xBFcode,name\r\nduc_hue,"Đức Huệ"\r\nx,"a,b ""q""\nline"\r\n\r\nlast,\r\n')
local got = {}
for row in csv.rows("a.csv") do got[#got + 1] = row end
T.is(got, { { code = "duc_hue", name = "Đức Huệ" }, { code = "x", name = 'a,b "q"\nline' },
            { code = "last", name = "" } }, "csv.rows: named fields, quotes, BOM, CRLF, blank line")

got = {}
for row in csv.rows("a.csv", { header = false }) do got[#got + 1] = row end
T.is(got[1], { "code", "name" }, "csv.rows header=false: arrays, the header is a row")

put("semi.csv", "a;b\n1;2\n")
T.is(csv.read("semi.csv", { delimiter = ";" }), { { a = "1", b = "2" } }, "csv.read with a delimiter")

-- Closed on break: the reader given as the to-be-closed value is closed.
local reader
do
  local iter, s, c, r = csv.rows("a.csv")
  reader = r
  for _ in iter, s, c, r do break end
end
T.ok(tostring(reader):find("vigil.csv.Reader") ~= nil and select(2, pcall(reader.close, reader)),
     "csv.rows returns a Reader as its fourth value; close after break is harmless")

-- Errors carry file and line.
put("bad.csv", "a,b\n1,2\n3\n")
local seen = 0
local ok, err = pcall(function() for _ in csv.rows("bad.csv") do seen = seen + 1 end end)
T.ok(not ok and seen == 1, "rows before a broken record are delivered, then it raises")
T.like(err, "^bad%.csv:3: record has 1 field, the header has 2", "the error names file and line")
put("quote.csv", 'a\n"open\n')
local rows, msg = csv.read("quote.csv")
T.ok(rows == nil, "csv.read of a broken file returns nil")
T.is(msg, "quote.csv:2: a quoted field is never closed (a quote is missing)", "... and the message")
rows, msg = csv.read("missing.csv")
T.like(msg, "^missing%.csv: ", "csv.read of a missing file: nil, message")
T.raises(function() csv.rows("missing.csv") end, "missing%.csv", "csv.rows of a missing file raises")
put("nul.csv", "a\nx\0y\n")
T.like(select(2, csv.read("nul.csv")), "nul%.csv:2: byte 2: NUL byte", "a NUL byte is an error")
put("wide.csv", "a,b,c\n")
T.like(select(2, csv.read("wide.csv", { max_columns = 2 })), "more than 2 fields", "max_columns")
put("long.csv", "a\n12345\n")
T.like(select(2, csv.read("long.csv", { max_field = 4 })), "long%.csv:2:1: field 1 is longer than 4 bytes",
       "max_field")

-- Writing: columns, named and positional rows, numbers, nil, safe mode, <close>.
do
  local w <close> = assert(csv.writer("w.csv", { columns = { "name", "n" } }))
  w:write({ name = "=cmd|' /C calc'!A0", n = 1 }):write({ name = "Hà Nội", n = 2.5 })
  w:write({ "-5", nil })
end
T.is(get("w.csv"), "name,n\r\n\"'=cmd|' /C calc'!A0\",1\r\nHà Nội,2.5\r\n\"'-5\",\r\n",
     "csv.writer: header, named and positional rows, spreadsheet-safe text, numbers as numbers")
T.ok(csv.write("raw.csv", { { "=1", -1 }, { "", false } }, { raw = true }), "csv.write returns true")
T.is(get("raw.csv"), '=1,-1\r\n"",false\r\n', "csv.write raw: cells as they are, '' quoted")
local w = assert(csv.writer("c.csv"))
T.ok(w:close() and w:close(), "writer:close() is idempotent")
T.raises(function() w:write({ 1 }) end, "closed writer", "writing to a closed writer raises")
T.raises(function() csv.write("t.csv", { { {} } }) end, "cannot write a table", "a table value raises")
T.is({ csv.writer("no/such/dir/x.csv") }, { nil, "no/such/dir/x.csv: No such file or directory", 2 },
     "csv.writer on a bad path: nil, message, code")

-- Round trip: what the writer writes, the reader reads back.
local data = { { id = "1", text = 'quote " and, comma\nnewline' }, { id = "2", text = " spaces " } }
csv.write("rt.csv", data, { columns = { "id", "text" }, raw = true })
T.is(csv.read("rt.csv"), data, "round trip through csv.write and csv.read")

-- csv.export: a Db, or the global db stand-in; parameters; atomic file.
local vdb = require "vigil.db"
local conn = assert(vdb.open("e.db"))
conn:exec("CREATE TABLE t(id INTEGER, s TEXT); INSERT INTO t VALUES (1, '@x'), (2, 'b'), (3, NULL)")
T.is(csv.export(conn, "SELECT id, s FROM t WHERE id >= ? ORDER BY id", "e.csv", { 2 }), 2,
     "csv.export returns the rows written")
T.is(get("e.csv"), "id,s\r\n2,b\r\n3,\r\n", "csv.export writes a header and rows")
T.is(csv.export(conn, "SELECT s FROM t WHERE id = :id", "n.csv", { id = 1 }), 1, "named parameter")
T.is(get("n.csv"), "s\r\n\"'@x\"\r\n", "csv.export is spreadsheet-safe by default")
csv.export(conn, "SELECT s FROM t WHERE id = 1", "r.csv", nil, { raw = true, header = false })
T.is(get("r.csv"), "@x\r\n", "csv.export raw, no header")
T.raises(function() csv.export(conn, "DELETE FROM t", "x.csv") end, "only a query",
         "csv.export refuses a statement that writes")
conn:close()
T.raises(function() csv.export(conn, "SELECT 1", "x.csv") end, "closed", "a closed Db raises")
T.done()
