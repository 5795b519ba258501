# tests/bench/trend/table.awk: the table of tests/bench/trend/run from its samples (tool,
# then timeit's "median min max rss cpu" of one run): median wall and CPU time per tool,
# ratios to the sqlite3 shell, peak RSS, and the goal of issue 5.

# The median of the n values in a[1..n] (sorted here).
function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

{
    split($2, f, " ")
    n[$1]++
    wall[$1, n[$1]] = f[1]
    cpu[$1, n[$1]] = f[5]
    if (f[4] > rss[$1]) rss[$1] = f[4]
}

END {
    label["shell"] = "sqlite3 shell, plain GROUP BY (baseline)"
    label["trend"] = "vigil trend.series (count in C)"
    label["trend_sql"] = "vigil trend.series, aggregate = false"
    label["duckdb"] = "DuckDB (node-api) from the CSV files"
    label["duckdb_table"] = "DuckDB (node-api) on its own tables"
    printf "trend: monthly processed violations by category, %d cases (%d rows of the view)\n", cases, rows
    printf "%-42s %9s %8s %9s %8s %9s %5s\n", "tool", "wall s", "ratio", "CPU s", "ratio", "RSS MiB", "runs"
    nt = split("shell trend trend_sql duckdb duckdb_table", tools, " ")
    for (j = 1; j <= nt; j++) {
        t = tools[j]
        if (!n[t]) continue
        for (k = 1; k <= n[t]; k++) { w[k] = wall[t, k]; c[k] = cpu[t, k] }
        mw[t] = median(w, n[t]); mc[t] = median(c, n[t])
    }
    for (j = 1; j <= nt; j++) {
        t = tools[j]
        if (!n[t]) continue
        printf "%-42s %9.3f %7.2fx %9.3f %7.2fx %9.1f %5d\n", label[t], mw[t], mw[t] / mw["shell"], mc[t], mc[t] / mc["shell"], rss[t] / 1024, n[t]
    }
    print ""
    speed = mw["shell"] / mw["trend"]
    printf "goal: trend.series at least 4x faster than the plain query: %.1fx %s (CPU: %.1fx)\n", speed, (speed >= 4 ? "met" : "MISSED"), mc["shell"] / mc["trend"]
}
