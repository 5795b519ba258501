-- A monthly line chart by disposition, 2019-2021, with the 30 July markers and a
-- Vietnamese title.  arg[1]: output file (.png, .svg or .pdf); arg[2] = "blank": the
-- same chart with every value undefined (the frame alone, to compare with).
local blank = arg[2] == "blank"
local rows = {}
for y = 2019, 2021 do
  for m = 1, 12 do
    local month = ("%d-%02d"):format(y, m)
    rows[#rows + 1] = { month = month, disposition = "administrative", n = not blank and (m * 7 + y) % 23 or nil }
    rows[#rows + 1] = { month = month, disposition = "prosecution", n = not blank and (m * 5 + y) % 11 or nil }
  end
end
print(plot.line{ rows, x = "month", y = "n", by = "disposition",
                 title = "Xử lý vi phạm theo hình thức", ylabel = "người", lang = "vi",
                 markers = { { every_year = "07-30", label = "30/7" } },
                 width = 800, height = 500, out = arg[1] })
