# tests/bench/plot/table.awk: the table of tests/bench/plot/run from its samples
# (format, tool, then timeit's "median min max rss cpu" of one run): median wall and CPU
# time per format and tool (and of vigil's full-data chart less making its points,
# paired by round), ratios to gnuplot alone, peak RSS, and the goals of issue 4.

# The median of the n values in a[1..n] (sorted here).
function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

{
    split($3, f, " ")
    key = $1 SUBSEP $2
    n[key]++
    wall[key, n[key]] = f[1]
    cpu[key, n[key]] = f[5]
    if (f[4] > rss[key]) rss[key] = f[4]
}

END {
    label["gnuplot"] = "gnuplot alone, data file (baseline)"
    label["full"] = "vigil plot.line, full data"
    label["net"] = "  the same less making the points"
    label["reduced"] = "vigil plot.line, reduced (default)"
    label["data"] = "vigil making the points alone"
    label["gnuplot_inline"] = "gnuplot alone, vigil's program"
    label["gnuplot_reduced"] = "gnuplot alone, vigil's reduced prog."
    printf "plot: a line chart of %d points, 1000 x 600\n", points
    printf "%-6s %-36s %9s %7s %9s %7s %9s %5s\n", "format", "tool", "wall s", "ratio", "CPU s", "ratio", "RSS MiB", "runs"
    split("png svg", fmts, " ")
    split("gnuplot full net reduced data gnuplot_inline gnuplot_reduced", tools, " ")
    for (i = 1; i <= 2; i++) {
        for (j = 1; j <= 7; j++) {
            key = fmts[i] SUBSEP tools[j]
            if (tools[j] == "net") {
                # vigil's chart once the points exist: each round's full-data run less
                # the same round's run that only makes the points
                fk = fmts[i] SUBSEP "full"; dk = fmts[i] SUBSEP "data"
                n[key] = n[fk] < n[dk] ? n[fk] : n[dk]
                for (k = 1; k <= n[key]; k++) {
                    w[k] = wall[fk, k] - wall[dk, k]; c[k] = cpu[fk, k] - cpu[dk, k]
                }
            } else {
                for (k = 1; k <= n[key]; k++) { w[k] = wall[key, k]; c[k] = cpu[key, k] }
            }
            mw[key] = median(w, n[key]); mc[key] = median(c, n[key])
        }
        base = fmts[i] SUBSEP "gnuplot"
        for (j = 1; j <= 7; j++) {
            key = fmts[i] SUBSEP tools[j]
            if (tools[j] == "net")
                printf "%-6s %-36s %9.3f %6.2fx %9.3f %6.2fx %9s %5d\n", fmts[i], label[tools[j]], mw[key], mw[key] / mw[base], mc[key], mc[key] / mc[base], "", n[key]
            else
                printf "%-6s %-36s %9.3f %6.2fx %9.3f %6.2fx %9.1f %5d\n", fmts[i], label[tools[j]], mw[key], mw[key] / mw[base], mc[key], mc[key] / mc[base], rss[key] / 1024, n[key]
        }
    }
    print ""
    # The full-data goal compares like with like: gnuplot alone draws from a file
    # prepared beforehand, vigil from points that exist (the run less making them,
    # paired by round); the whole run, points made in Lua included, is shown beside it.
    for (i = 1; i <= 2; i++) {
        base = fmts[i] SUBSEP "gnuplot"
        full = mw[fmts[i] SUBSEP "full"] / mw[base]
        red = mw[base] / mw[fmts[i] SUBSEP "reduced"]
        net = mw[fmts[i] SUBSEP "net"] / mw[base]
        printf "goal %s: full data at most 1.10x gnuplot alone: %.2fx %s (the whole run, making the points in Lua included: %.2fx)\n", fmts[i], net, (net <= 1.10 ? "met" : "MISSED"), full
        printf "goal %s: reduced at least 5x faster than gnuplot alone: %.1fx %s\n", fmts[i], red, (red >= 5 ? "met" : "MISSED")
    }
}
