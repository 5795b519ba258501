-- vigil.report.suppress: disclosure control of small counts of people.
--
-- A grid of counts (rows x columns), optionally closed by a total column and/or a total
-- row, is marked: a count 0 < v < min is suppressed ("primary", shown "<min"); then, as
-- long as a line (a row with its total, a column with its total) holds exactly one
-- suppressed member, its smallest other non-zero member is suppressed too ("secondary",
-- shown "×") — else its smallest other member, else its total — so that no total gives
-- a hidden count away by subtraction.
local suppress = {}

-- suppress.mark(grid, opts) -> marks, counts: grid[i][j] are numbers (the totals
-- included as the last column / row when opts.total_column / opts.total_row); marks[i][j]
-- is nil, "primary" or "secondary"; counts = {primary = n, secondary = m}.
function suppress.mark(grid, opts)
  local min = opts.min or 0
  local R, C = #grid, grid[1] and #grid[1] or 0
  local marks, counts = {}, { primary = 0, secondary = 0 }
  for i = 1, R do
    marks[i] = {}
    for j = 1, C do
      local v = grid[i][j]
      if type(v) == "number" and v > 0 and v < min then
        marks[i][j] = "primary"
        counts.primary = counts.primary + 1
      end
    end
  end
  if min <= 1 then return marks, counts end
  -- lines: lists of {i, j}, the last member being the total
  local lines = {}
  if opts.total_column then
    for i = 1, R do
      local line = {}
      for j = 1, C do line[#line + 1] = { i, j } end
      lines[#lines + 1] = line
    end
  end
  if opts.total_row then
    for j = 1, C do
      local line = {}
      for i = 1, R do line[#line + 1] = { i, j } end
      lines[#lines + 1] = line
    end
  end
  local changed = true
  while changed do
    changed = false
    for _, line in ipairs(lines) do
      local hidden = 0
      for _, p in ipairs(line) do
        if marks[p[1]][p[2]] then hidden = hidden + 1 end
      end
      if hidden == 1 then
        local best, best_value, best_zero
        for k = 1, #line - 1 do
          local p = line[k]
          local v = grid[p[1]][p[2]]
          if not marks[p[1]][p[2]] and type(v) == "number" then
            local zero = v == 0
            if best == nil or (best_zero and not zero) or (zero == best_zero and v < best_value) then
              best, best_value, best_zero = p, v, zero
            end
          end
        end
        best = best or line[#line]
        if not marks[best[1]][best[2]] then
          marks[best[1]][best[2]] = "secondary"
          counts.secondary = counts.secondary + 1
          changed = true
        end
      end
    end
  end
  return marks, counts
end

return suppress
