-- tests/bench/trend/series.lua [sql]: the trend benchmark's vigil contestant: the monthly
-- series of processed violations by category, printed as "month<TAB>category<TAB>n" for
-- every non-zero cell (what the plain GROUP BY query gives; the gap-filled zeros are not
-- printed). "sql" makes trend group in SQLite (aggregate = false) instead of counting in C.
local s = trend.series{ from = "processed_violations", time = "disposed_on", period = "month",
                        by = "category", aggregate = arg[1] ~= "sql" }
local out = {}
for _, category in ipairs(s:categories()) do
  local column = s:column(category)
  for i, month in ipairs(s:periods()) do
    if column[i] ~= 0 then
      out[#out + 1] = ("%s\t%s\t%d"):format(month, category, column[i])
    end
  end
end
table.sort(out)
io.write(table.concat(out, "\n"), "\n")
