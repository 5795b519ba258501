-- vigil.repl: what the terminal REPL does with a line once engine/repl.c has read it.
-- Lua input as in `lua -i` (expressions print, incomplete input asks for more), SQL
-- straight in after a prefix, dot-commands from one table, readable values (query results
-- as aligned tables, other tables as constructors with cycles marked) and the candidates
-- of tab completion.  engine/repl.c calls repl.start(native) once, then repl.feed(text,
-- first) for every line and repl.complete(text) for the Tab key.
local repl = {}

-- Settings changed by dot-commands.
repl.settings = {
  mode = "box",     -- .mode: table, box, csv, json, markdown
  rows = 25,        -- .rows: rows shown of a result
  timer = false,    -- .timer: wall time after each input
  prefix = "\\",    -- .prefix: a line starting with it is SQL
}

local MODES = { table = true, box = true, csv = true, json = true, markdown = true }

-- The functions engine/repl.c gives (see repl.start); stand-ins until then, so that
-- require "vigil.repl" works in scripts and tests (dump, is_result).
local native = {
  format = nil,                                   -- format(spec) -> text
  width = function(s) return utf8.len(s) or #s end, -- display width of a string
  columns = function() return 80 end,             -- terminal width
  now = os.clock,                                 -- wall-clock seconds
  sql_complete = function() return true end,      -- whether SQL text is a whole statement
}

local out = io.stdout

-- Writes the pieces on stdout.
local function say(...)
  out:write(...)
end

-- Writes "vigil: msg" on stderr (as the host reports errors).
local function complain(msg)
  io.stderr:write("vigil: ", tostring(msg), "\n")
  io.stderr:flush()
end

---------------------------------------------------------------------------------------
-- Values as Lua constructors
---------------------------------------------------------------------------------------

local KEYWORDS = {}
for word in ([[and break do else elseif end false for function goto if in local nil not
               or repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[word] = true
end

local TYPE_ORDER = { number = 1, string = 2, boolean = 3 }

-- Orders keys: numbers, then strings, then the rest, each in their natural order.
local function key_less(a, b)
  local ta, tb = TYPE_ORDER[type(a)] or 4, TYPE_ORDER[type(b)] or 4
  if ta ~= tb then
    return ta < tb
  end
  if ta <= 2 then
    return a < b
  end
  return tostring(a) < tostring(b)
end

-- Returns a scalar as Lua source (strings quoted, numbers as Lua reads them back).
local function scalar(v)
  local t = type(v)
  if t == "string" then
    return (("%q"):format(v):gsub("\\\n", "\\n"))
  elseif t == "number" then
    if v ~= v then
      return "0/0"
    elseif v == math.huge then
      return "math.huge"
    elseif v == -math.huge then
      return "-math.huge"
    end
    return tostring(v)
  end
  return tostring(v)
end

-- repl.dump(value [, width]) -> text: a table as a Lua constructor (array part first,
-- then the other keys sorted), on one line when it fits width (80) columns, else one
-- entry a line; a table inside itself shows as <cycle>, deeper than 8 levels as {...};
-- functions, userdata and threads by tostring; a table with __tostring by it.
function repl.dump(value, width)
  width = width or 80
  local path = {} -- the tables being written, to mark cycles
  local function render(v, indent, depth)
    if type(v) ~= "table" then
      return scalar(v)
    end
    local mt = getmetatable(v)
    if mt and rawget(type(mt) == "table" and mt or {}, "__tostring") then
      local ok, s = pcall(tostring, v)
      return ok and s or "<error in __tostring>"
    end
    if path[v] then
      return "<cycle>"
    end
    if depth > 8 then
      return "{...}"
    end
    path[v] = true
    local parts = {}
    local n = #v
    for i = 1, n do
      parts[#parts + 1] = render(rawget(v, i), indent .. "  ", depth + 1)
    end
    local keys = {}
    for k in next, v do
      if not (math.type(k) == "integer" and k >= 1 and k <= n) then
        keys[#keys + 1] = k
      end
    end
    table.sort(keys, key_less)
    for _, k in ipairs(keys) do
      local name
      if type(k) == "string" and k:match("^[%a_][%w_]*$") and not KEYWORDS[k] then
        name = k
      else
        name = "[" .. render(k, indent .. "  ", depth + 1) .. "]"
      end
      parts[#parts + 1] = name .. " = " .. render(rawget(v, k), indent .. "  ", depth + 1)
    end
    path[v] = nil
    if #parts == 0 then
      return "{}"
    end
    local line = "{" .. table.concat(parts, ", ") .. "}"
    if #indent + native.width(line) <= width and not line:find("\n", 1, true) then
      return line
    end
    local inner = indent .. "  "
    return "{\n" .. inner .. table.concat(parts, ",\n" .. inner) .. "\n" .. indent .. "}"
  end
  return render(value, "", 1)
end

---------------------------------------------------------------------------------------
-- Query results
---------------------------------------------------------------------------------------

-- A query result made by the REPL: an array of row tables keyed by column name, with
-- the column names in order in `columns`, and methods (r:plot()).
local Result = {}
Result.__index = Result
Result.__name = "vigil.repl.Result"

-- Returns the names of the columns of rows that do not say them: the keys of the rows,
-- sorted (a plain Lua table does not know its column order).
local function guess_columns(rows)
  local seen, names = {}, {}
  for _, row in ipairs(rows) do
    for k in pairs(row) do
      if not seen[k] then
        seen[k] = true
        names[#names + 1] = k
      end
    end
  end
  table.sort(names)
  return names
end

-- Returns true when v is a scalar a table cell can show.
local function is_cell(v)
  local t = type(v)
  return t == "string" or t == "number" or t == "boolean"
end

-- repl.is_result(v) -> columns | nil: the column names when v reads as a query result:
-- a non-empty array of row tables whose keys are strings and values scalars (what
-- db:rows returns), or any array of rows with a `columns` array (a REPL query result,
-- Series:wide()).
function repl.is_result(v)
  if type(v) ~= "table" then
    return nil
  end
  local columns = rawget(v, "columns")
  if type(columns) == "table" and #columns > 0 then
    return columns
  end
  if #v == 0 then
    return nil
  end
  for k, row in pairs(v) do
    if math.type(k) ~= "integer" or type(row) ~= "table" or getmetatable(row) then
      return nil
    end
    for name, cell in pairs(row) do
      if type(name) ~= "string" or not is_cell(cell) then
        return nil
      end
    end
  end
  return guess_columns(v)
end

-- Writes rows (an array of row tables) under columns in the current mode, at most
-- settings.rows of them.
local function show_result(rows, columns)
  local limit = math.min(#rows, repl.settings.rows)
  local cells = {}
  local ncols = #columns
  for i = 1, limit do
    local row = rows[i]
    for j, name in ipairs(columns) do
      cells[(i - 1) * ncols + j] = row[name]
    end
  end
  if not native.format then
    say(repl.dump(rows), "\n")
    return
  end
  say(native.format {
    mode = repl.settings.mode,
    columns = columns,
    cells = cells,
    nrows = limit,
    total = #rows,
    width = native.columns(),
  })
end

-- r:plot([spec]) -> nothing: draws the result in the terminal with plot.show; x is the
-- first column and y the other columns holding numbers, unless spec says otherwise.
-- Returns no value, so that `_` keeps the result.
function Result:plot(spec)
  repl.plot(self, spec)
end

-- repl.plot(rows [, spec]) -> true: as Result:plot, for any array of rows.
function repl.plot(rows, spec)
  local columns = repl.is_result(rows)
  if not columns or #rows == 0 then
    error("nothing to plot: the last result is not a query result with rows", 2)
  end
  local chart = { rows, kind = "line", x = columns[1] }
  for k, v in pairs(spec or {}) do
    chart[k] = v
  end
  if chart.y == nil then
    local ys = {}
    for i = 2, #columns do
      local name = columns[i]
      for _, row in ipairs(rows) do
        if row[name] ~= nil then
          if type(row[name]) == "number" then
            ys[#ys + 1] = name
          end
          break
        end
      end
    end
    if #ys == 0 then
      error("nothing to plot: no column after the first holds numbers", 2)
    end
    chart.y = #ys == 1 and ys[1] or ys
  end
  return require("vigil.plot").show(chart)
end

---------------------------------------------------------------------------------------
-- Printing values
---------------------------------------------------------------------------------------

-- repl.show(...) : writes each value on its own line(s): query results as tables,
-- strings as they are (as print does), other values as Lua constructors.
function repl.show(...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    local columns = repl.is_result(v)
    if columns then
      show_result(v, columns)
    elseif type(v) == "string" then
      say(v, "\n")
    else
      say(repl.dump(v, native.columns()), "\n")
    end
  end
  out:flush()
end

---------------------------------------------------------------------------------------
-- Running input
---------------------------------------------------------------------------------------

-- Message handler of user code: the error with a traceback that ends where the REPL
-- called the code; an interrupt (Ctrl-C) without one.
local function traceback(msg)
  if type(msg) ~= "string" then
    local mt = getmetatable(msg)
    if mt and mt.__tostring then
      return tostring(msg)
    end
    msg = ("(error object is a %s value)"):format(type(msg))
  end
  if msg:find("interrupted!?$") then
    return (msg:gsub("^.-:%d+: ", ""))
  end
  local text = debug.traceback(msg, 2)
  local cut = text:find("\n[^\n]*in function 'xpcall'")
  return cut and text:sub(1, cut - 1) or text
end

-- Returns the current database connection: the global `db`.
local function current_db()
  local conn = rawget(_G, "db")
  if conn == nil then
    error("no database: the global `db` is nil (use .open PATH)", 0)
  end
  return conn
end

-- Runs one SQL statement on the current database and returns a Result.
local function query(sql)
  local st <close> = current_db():prepare(sql)
  local rows = setmetatable({ columns = st:columns() }, Result)
  while true do
    local row = st:step()
    if row == nil then
      break
    end
    rows[#rows + 1] = row
  end
  return rows
end

-- Runs one SQL statement; a statement that returns columns has its rows shown and kept
-- in `_`.
local function run_sql(text)
  local ok, err = pcall(function()
    local result = query(text)
    if #result.columns > 0 then
      _G._ = result
      show_result(result, result.columns)
    end
  end)
  if not ok then
    -- the message without the place in this file where the statement ran
    complain(type(err) == "string" and (err:gsub("^[^\n]-repl%.lua:%d+: ", "")) or err)
  end
end

-- Compiles text as Lua, first as "return text" (an expression), then as statements.
-- Returns the function, or nil and the message.
local function compile(text)
  local fn = load("return " .. text .. ";", "=stdin", "t")
  if fn then
    return fn
  end
  return load(text, "=stdin", "t")
end

-- Runs a Lua chunk: prints its values (and keeps the first in `_`) or its error.
local function run_function(fn)
  local results = table.pack(xpcall(fn, traceback))
  if not results[1] then
    complain(results[2])
    return
  end
  if results.n > 1 then
    _G._ = results[2]
    repl.show(table.unpack(results, 2, results.n))
  end
end

---------------------------------------------------------------------------------------
-- Dot-commands
---------------------------------------------------------------------------------------

-- Writes the names in columns that fit the terminal.
local function list_names(names)
  local widest = 0
  for _, name in ipairs(names) do
    widest = math.max(widest, native.width(name))
  end
  local per_line = math.max(1, (native.columns() + 2) // (widest + 2))
  for i, name in ipairs(names) do
    local last = i % per_line == 0 or i == #names
    say(name, last and "\n" or (" "):rep(widest + 2 - native.width(name)))
  end
end

-- Returns the names of the tables and views of the current database, sorted.
local function table_names()
  local names = {}
  for row in current_db():query([[select name from sqlite_schema
      where type in ('table', 'view') and name not like 'sqlite_%' order by name]]) do
    names[#names + 1] = row.name
  end
  return names
end

local commands -- the table of dot-commands, below

-- .help [topic]
local function cmd_help(topic)
  local usages, widest = {}, 0
  for i, c in ipairs(commands) do
    usages[i] = "." .. c.name .. (c.args ~= "" and " " .. c.args or "")
    widest = math.max(widest, #usages[i])
  end
  for i, c in ipairs(commands) do
    if topic == nil or c.name:sub(1, #topic) == topic or ("." .. c.name):sub(1, #topic) == topic then
      say(usages[i], (" "):rep(widest + 2 - #usages[i]), c.help, "\n")
    end
  end
  if topic == nil then
    say(("A line starting with %s is SQL on the database `db`; anything else is Lua.\n")
        :format(repl.settings.prefix))
    say("An expression prints its value, kept in `_`. Tab completes; Ctrl-C interrupts; Ctrl-D quits.\n")
  end
end

-- .tables
local function cmd_tables()
  list_names(table_names())
end

-- .schema [table]
local function cmd_schema(name)
  local sql = [[select sql from sqlite_schema where sql is not null and name not like 'sqlite_%'
                and (?1 is null or name = ?1 or tbl_name = ?1) order by tbl_name, type desc, name]]
  for row in current_db():query(sql, name) do
    say(row.sql, ";\n")
  end
end

-- .mode [table|box|csv|json|markdown]
local function cmd_mode(mode)
  if mode == nil then
    say(repl.settings.mode, "\n")
  elseif not MODES[mode] then
    complain(("unknown mode '%s' (table, box, csv, json, markdown)"):format(mode))
  else
    repl.settings.mode = mode
  end
end

-- .timer on|off
local function cmd_timer(flag)
  if flag ~= "on" and flag ~= "off" then
    complain(".timer takes on or off")
  else
    repl.settings.timer = flag == "on"
  end
end

-- .rows N
local function cmd_rows(n)
  local value = math.tointeger(tonumber(n))
  if not value or value < 1 then
    complain(".rows takes a positive number")
  else
    repl.settings.rows = value
  end
end

-- .open PATH: the global `db` becomes a connection to PATH.
local function cmd_open(path)
  if path == nil then
    complain(".open takes a path")
    return
  end
  local conn, msg = require("vigil.db").open(path)
  if not conn then
    complain(msg)
    return
  end
  _G.db = conn
end

-- .read FILE: runs a Lua file (its values are shown) or, for FILE.sql, an SQL script.
local function cmd_read(path)
  if path == nil then
    complain(".read takes a file")
    return
  end
  if path:match("%.sql$") then
    local f, msg = io.open(path, "r")
    if not f then
      complain(msg)
      return
    end
    local text = f:read("a")
    f:close()
    local ok, err = xpcall(current_db().exec, traceback, current_db(), text)
    if not ok then
      complain(err)
    end
    return
  end
  local fn, msg = loadfile(path, "t")
  if not fn then
    complain(msg)
    return
  end
  run_function(fn)
end

-- .plot [x y]: draws `_` with plot.show.
local function cmd_plot(x, y)
  local last = rawget(_G, "_")
  local ok, err = xpcall(function()
    if type(last) == "table" and type(last.plot) == "function" and not repl.is_result(last) then
      return last:plot()
    end
    return repl.plot(last, { x = x, y = y })
  end, function(m) return m end)
  if not ok then
    complain(err)
  end
end

-- .prefix TEXT: the start of an SQL line.
local function cmd_prefix(text)
  if text == nil or text == "" then
    say(repl.settings.prefix, "\n")
  else
    repl.settings.prefix = text
  end
end

-- The dot-commands: {name, args, fn, help}; fn gets the words after the name and
-- returns "quit" to end the session.
commands = {
  { name = "help", args = "[topic]", fn = cmd_help, help = "this help, or the commands starting with topic" },
  { name = "tables", args = "", fn = cmd_tables, help = "the tables and views of the database" },
  { name = "schema", args = "[table]", fn = cmd_schema, help = "the CREATE statements (of one table)" },
  { name = "mode", args = "table|box|csv|json|markdown", fn = cmd_mode, help = "how query results are shown" },
  { name = "timer", args = "on|off", fn = cmd_timer, help = "show the time each input takes" },
  { name = "rows", args = "N", fn = cmd_rows, help = "show at most N rows of a result" },
  { name = "open", args = "PATH", fn = cmd_open, help = "make `db` a connection to PATH" },
  { name = "read", args = "FILE", fn = cmd_read, help = "run a Lua file, or an SQL script (FILE.sql)" },
  { name = "plot", args = "[x y]", fn = cmd_plot, help = "draw the last result `_` in the terminal" },
  { name = "prefix", args = "[text]", fn = cmd_prefix, help = "the start of an SQL line (\\)" },
  { name = "quit", args = "", fn = function() return "quit" end, help = "leave vigil" },
}
repl.commands = commands

-- Runs a dot-command line; returns "quit" or nil.
local function run_command(line)
  local words = {}
  for word in line:gmatch("%S+") do
    words[#words + 1] = word
  end
  local name = words[1]:sub(2)
  local found
  for _, c in ipairs(commands) do
    if c.name == name then
      found = c
      break
    end
  end
  if not found then
    complain(("unknown command '.%s' (.help lists them)"):format(name))
    return nil
  end
  local ok, result = xpcall(found.fn, traceback, table.unpack(words, 2))
  if not ok then
    complain(result)
    return nil
  end
  return result
end

---------------------------------------------------------------------------------------
-- The entry points
---------------------------------------------------------------------------------------

-- repl.start(native): engine/repl.c gives its functions: format(spec) -> text,
-- width(s) -> columns, columns() -> terminal width, now() -> seconds,
-- sql_complete(text) -> boolean.
function repl.start(functions)
  for k, v in pairs(functions) do
    native[k] = v
  end
end

-- Runs the input; returns "more", "quit" or nil (see repl.feed).
local function dispatch(text, first)
  local prefix = repl.settings.prefix
  if first and text:sub(1, #prefix) == prefix then
    local sql = text:sub(#prefix + 1)
    if sql:match("^%s*$") then
      return nil
    end
    if not native.sql_complete(sql .. ";") then
      return "more"
    end
    run_sql(sql)
    return nil
  end
  if first and text:match("^%.%a") then
    return run_command(text)
  end
  if text:match("^%s*$") then
    return nil
  end
  local fn, msg = compile(text)
  if not fn then
    if msg:sub(-5) == "<eof>" then
      return "more"
    end
    complain(msg)
    return nil
  end
  run_function(fn)
  return nil
end

-- repl.feed(text, first) -> "more" | "quit" | nil
-- Runs the text read so far (lines joined with "\n"); first is true for the first line
-- of an input.  "more": the input is incomplete, read another line and call again with
-- the lines joined; "quit": end the session.
function repl.feed(text, first)
  local start = native.now()
  local status = dispatch(text, first)
  if status ~= "more" and repl.settings.timer then
    say(("Run Time: %.3f s\n"):format(native.now() - start))
  end
  out:flush()
  return status
end

---------------------------------------------------------------------------------------
-- Completion
---------------------------------------------------------------------------------------

local SQL_KEYWORDS = {}
for word in ([[select from where group by order having limit offset join left inner outer
               cross on using as and or not null is in between like glob exists case when
               then else end distinct union all except intersect insert into values update
               set delete create table view index drop with recursive asc desc count sum
               avg min max coalesce strftime date pragma explain]]):gmatch("%a+") do
  SQL_KEYWORDS[#SQL_KEYWORDS + 1] = word
end

-- Keywords after which a table name comes.
local TABLE_AFTER = { from = true, join = true, into = true, update = true, table = true }

-- Adds to list the names in words that start with prefix (once each).
local function add_matches(list, seen, words, prefix)
  for _, w in ipairs(words) do
    if type(w) == "string" and not seen[w] and w:sub(1, #prefix) == prefix then
      seen[w] = true
      list[#list + 1] = w
    end
  end
end

-- Returns the column names of table name in the current database.
local function column_names(name)
  local names = {}
  local ok = pcall(function()
    for row in current_db():query("select name from pragma_table_info(?)", name) do
      names[#names + 1] = row.name
    end
  end)
  return ok and names or {}
end

-- Completions of the word at the end of SQL text.
local function complete_sql(text)
  local word = text:match("[%w_]*$")
  local before = text:sub(1, #text - #word)
  local previous = (before:match("([%a_]+)%s+$") or ""):lower()
  local ok, tables = pcall(table_names)
  tables = ok and tables or {}
  local list, seen = {}, {}
  if TABLE_AFTER[previous] then
    add_matches(list, seen, tables, word)
  else
    local lower = text:lower()
    for _, t in ipairs(tables) do
      if lower:find("%f[%w_]" .. t:lower():gsub("%p", "%%%0") .. "%f[^%w_]") then
        add_matches(list, seen, column_names(t), word)
      end
    end
    local keywords = SQL_KEYWORDS
    if word:match("^%u") then
      keywords = {}
      for i, k in ipairs(SQL_KEYWORDS) do
        keywords[i] = k:upper()
      end
    end
    add_matches(list, seen, keywords, word)
    add_matches(list, seen, tables, word)
  end
  table.sort(list)
  return #text - #word, list
end

-- Returns the keys of value usable after "." (or, when methods, after ":"): its own
-- fields and those its metatable's __index table gives, a few levels deep.
local function field_names(value, methods)
  local names, seen = {}, {}
  local function add(t, level)
    if type(t) ~= "table" or level > 4 then
      return
    end
    for k, v in next, t do
      if type(k) == "string" and k:match("^[%a_][%w_]*$") and not seen[k]
         and (not methods or type(v) == "function") then
        seen[k] = true
        names[#names + 1] = k
      end
    end
    local mt = getmetatable(t)
    if type(mt) == "table" then
      add(rawget(mt, "__index"), level + 1)
    end
  end
  if type(value) == "string" then
    add(string, 1)
  elseif type(value) == "table" then
    add(value, 1)
    local mt = getmetatable(value)
    if type(mt) == "table" and rawget(mt, "__name") == "vigil.db" then
      -- the `db` stand-in: the methods of a connection, without opening it
      local db_meta = debug.getregistry()["vigil.db.Db"]
      add(type(db_meta) == "table" and db_meta or nil, 1)
    end
  elseif type(value) == "userdata" then
    local mt = getmetatable(value)
    if type(mt) == "table" then
      add(rawget(mt, "__index"), 1)
    end
  end
  return names
end

-- Completions of the Lua name at the end of text: globals, keywords, fields after "."
-- and methods after ":".
local function complete_lua(text)
  local chain = text:match("[%a_][%w_%.:]*$") or ""
  if chain == "" and not text:match("[%.:]$") then
    return #text, {}
  end
  local word = chain:match("[%w_]*$")
  local list, seen = {}, {}
  local path, sep = chain:sub(1, #chain - #word):match("^(.-)([%.:]?)$")
  if sep == "" then
    local names = {}
    for k in pairs(_G) do
      names[#names + 1] = k
    end
    for name in pairs(package.preload) do
      local short = name:match("^vigil%.(%a+)$")
      if short and short ~= "prelude" and short ~= "core" and short ~= "repl" then
        names[#names + 1] = short
      end
    end
    for k in pairs(KEYWORDS) do
      names[#names + 1] = k
    end
    add_matches(list, seen, names, word)
  else
    local value = _G
    for name in path:gmatch("[^%.:]+") do
      local ok, v = pcall(function() return value[name] end)
      if not ok or v == nil then
        return #text - #word, {}
      end
      value = v
    end
    add_matches(list, seen, field_names(value, sep == ":"), word)
  end
  table.sort(list)
  return #text - #word, list
end

-- repl.complete(text) -> start, {candidate, ...}: the words that may replace text from
-- byte start + 1 to its end (text is the line up to the cursor).
function repl.complete(text)
  local prefix = repl.settings.prefix
  if text:sub(1, #prefix) == prefix then
    local start, list = complete_sql(text:sub(#prefix + 1))
    return start + #prefix, list
  end
  local command, arg = text:match("^%.(%a*)%s+(.*)$")
  if command then
    if command == "mode" then
      local list = {}
      add_matches(list, {}, { "box", "csv", "json", "markdown", "table" }, arg)
      return #text - #arg, list
    elseif command == "schema" then
      local ok, names = pcall(table_names)
      local list = {}
      add_matches(list, {}, ok and names or {}, arg)
      return #text - #arg, list
    end
    return #text, {}
  end
  local partial = text:match("^%.(%a*)$")
  if partial then
    local list = {}
    for _, c in ipairs(commands) do
      if c.name:sub(1, #partial) == partial then
        list[#list + 1] = "." .. c.name
      end
    end
    return 0, list
  end
  return complete_lua(text)
end

return repl
