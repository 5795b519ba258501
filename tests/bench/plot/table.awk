# tests/bench/plot/table.awk: the table of tests/bench/plot/run from its samples
# (format, tool, then timeit's "median min max rss cpu" of one run): median wall and CPU
# time per format and tool, ratios to gnuplot alone, peak RSS, and the goals of issue 4.

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
    label["gnuplot"] = "gnuplot -d FILE alone (baseline)"
    label["full"] = "vigil plot.line, full data"
    label["reduced"] = "vigil plot.line, reduced (default)"
    label["data"] = "vigil making the points alone"
    label["gnuplot_reduced"] = "gnuplot alone, vigil's reduced program"
    printf "plot: a line chart of %d points, 1000 x 600\n", points
    printf "%-6s %-36s %9s %7s %9s %7s %9s %5s\n", "format", "tool", "wall s", "ratio", "CPU s", "ratio", "RSS MiB", "runs"
    split("png svg", fmts, " ")
    split("gnuplot full reduced data gnuplot_reduced", tools, " ")
    for (i = 1; i <= 2; i++) {
        for (j = 1; j <= 5; j++) {
            key = fmts[i] SUBSEP tools[j]
            for (k = 1; k <= n[key]; k++) { w[k] = wall[key, k]; c[k] = cpu[key, k] }
            mw[key] = median(w, n[key]); mc[key] = median(c, n[key])
        }
        base = fmts[i] SUBSEP "gnuplot"
        for (j = 1; j <= 5; j++) {
            key = fmts[i] SUBSEP tools[j]
            printf "%-6s %-36s %9.3f %6.2fx %9.3f %6.2fx %9.1f %5d\n", fmts[i], label[tools[j]], mw[key], mw[key] / mw[base], mc[key], mc[key] / mc[base], rss[key] / 1024, n[key]
        }
    }
    print ""
    for (i = 1; i <= 2; i++) {
        base = fmts[i] SUBSEP "gnuplot"
        full = mw[fmts[i] SUBSEP "full"] / mw[base]
        red = mw[base] / mw[fmts[i] SUBSEP "reduced"]
        net = (mw[fmts[i] SUBSEP "full"] - mw[fmts[i] SUBSEP "data"]) / mw[base]
        printf "goal %s: full data at most 1.10x gnuplot alone: %.2fx %s (net of making the points: %.2fx)\n", fmts[i], full, (full <= 1.10 ? "met" : "MISSED"), net
        printf "goal %s: reduced at least 5x faster than gnuplot alone: %.1fx %s\n", fmts[i], red, (red >= 5 ? "met" : "MISSED")
    }
}
