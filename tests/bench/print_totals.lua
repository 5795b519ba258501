-- Shared by the Lua contestants of the row-iteration benchmark: returns a function that
-- prints per-category totals as "category<TAB>victims<TAB>rows" lines sorted by category,
-- the format c_loop and the sqlite3 shell print too.

-- print_totals(sums, rows): sums and rows are tables keyed by category.
return function(sums, rows)
  local names = {}
  for name in pairs(sums) do
    names[#names + 1] = name
  end
  table.sort(names)
  local out = {}
  for i, name in ipairs(names) do
    out[i] = string.format("%s\t%d\t%d\n", name, sums[name], rows[name])
  end
  io.write(table.concat(out))
end
