# table.awk — turns the samples of tests/bench/run (case, contestant, label, wall seconds,
# peak RSS KiB, CPU seconds; tab-separated, one line per run) into the printed table of
# median wall time, its ratio to the case's baseline (its first contestant), the ratio of
# median CPU times (user + system, which other load on the machine disturbs much less),
# and peak RSS; then the goals, judged on the wall-time ratios.
# Variables: small and big (the two row-iteration case names), build_rows.

# Formats a duration in seconds for the table.
function duration(s) {
    if (s < 1) return sprintf("%.1f ms", s * 1000)
    return sprintf("%.3f s", s)
}

# Returns the median of the n values a[k, 1..n] (sorting them in place by insertion).
function median(a, k, n,    i, j, v) {
    for (i = 2; i <= n; i++) {
        v = a[k, i]
        for (j = i - 1; j >= 1 && a[k, j] > v; j--) a[k, j + 1] = a[k, j]
        a[k, j + 1] = v
    }
    if (n % 2) return a[k, (n + 1) / 2]
    return (a[k, n / 2] + a[k, n / 2 + 1]) / 2
}

# Returns x / y, or 0 when y is 0.
function ratio(x, y) {
    return y > 0 ? x / y : 0
}

# Prints one goal line: what, the measured ratio, met or MISSED (ok), and a detail.
function goal(what, r, ok, detail) {
    if (r == "") {
        printf "  %-54s %8s   (not measured)\n", what, "-"
        return
    }
    printf "  %-54s %7.2fx   %-7s %s\n", what, r, (ok ? "met" : "MISSED"), detail
}

# Returns the detail of a goal comparing contestants a and b: their CPU-time ratio.
function cpu_detail(a, b) {
    return sprintf("(CPU time %.2fx)", ratio(cpu[a], cpu[b]))
}

{
    k = $1 SUBSEP $2
    if (!(k in count)) {
        order[++keys] = k
        label[k] = $3
        if (!($1 in base)) base[$1] = $2
    }
    count[k]++
    wall[k, count[k]] = $4 + 0
    cpus[k, count[k]] = $6 + 0
    if ($5 + 0 > rss[k]) rss[k] = $5 + 0
}

END {
    for (i = 1; i <= keys; i++) {
        k = order[i]
        med[k] = median(wall, k, count[k])
        cpu[k] = median(cpus, k, count[k])
    }
    printf "%-16s %-38s %11s %7s %9s %12s %5s\n", "case", "tool", "median", "ratio",
        "CPU ratio", "peak RSS", "runs"
    last = ""
    for (i = 1; i <= keys; i++) {
        k = order[i]
        split(k, part, SUBSEP)
        if (part[1] != last && last != "") print ""
        b = part[1] SUBSEP base[part[1]]
        printf "%-16s %-38s %11s %6.2fx %8.2fx %8.1f MiB %5d\n", (part[1] == last ? "" : part[1]),
            label[k], duration(med[k]), ratio(med[k], med[b]), ratio(cpu[k], cpu[b]),
            rss[k] / 1024, count[k]
        last = part[1]
    }

    print ""
    print "goals (on wall-time ratios):"
    q = big SUBSEP "query"; l = big SUBSEP "luasql"; lr = big SUBSEP "luasql_rows"
    v = big SUBSEP "values"; c = big SUBSEP "c_loop"
    r = (q in med && l in med) ? ratio(med[q], med[l]) : ""
    goal("db:query no slower than LuaSQL (" big ")", r, r != "" && r <= 1.0, cpu_detail(q, l))
    r = (q in med && lr in med) ? ratio(med[q], med[lr]) : ""
    if (r != "")
        goal("db:query against LuaSQL row tables (" big ")", r, r <= 1.0,
             cpu_detail(q, lr) " for information")
    r = (v in med && c in med) ? ratio(med[v], med[c]) : ""
    goal("db:values within 1.5x of the C loop (" big ")", r, r != "" && r <= 1.5, cpu_detail(v, c))
    split("query values luasql c_loop", flat, " ")
    for (i = 1; i <= 4; i++) {
        kb = big SUBSEP flat[i]; ks = small SUBSEP flat[i]
        if (!(kb in rss) || !(ks in rss) || rss[ks] == 0) continue
        grow = rss[kb] - rss[ks]
        goal("peak RSS flat: " label[kb], rss[kb] / rss[ks], rss[kb] <= 1.25 * rss[ks] || grow <= 4096,
             sprintf("%.1f MiB at %s, %.1f MiB at %s", rss[ks] / 1024, substr(small, 6),
                     rss[kb] / 1024, substr(big, 6)))
    }
    s = "start-up" SUBSEP "vigil_e"; sl = "start-up" SUBSEP "lua_e"
    r = (s in med && sl in med) ? ratio(med[s], med[sl]) : ""
    goal("vigil -e '' within 1.5x of lua5.4 -e ''", r, r != "" && r <= 1.5, cpu_detail(s, sl))

    for (i = 1; i <= keys; i++) {
        split(order[i], part, SUBSEP)
        if (part[1] ~ /^build / && part[2] == "import") bi = order[i]
        if (part[1] ~ /^build / && part[2] == "init") bv = order[i]
    }
    if (bi != "" && bv != "" && build_rows > 0) {
        print ""
        printf "build: %d rows in all tables; sqlite3 .import %.0f rows/s, vigil init %.0f rows/s (%.2fx the rows/s of .import)\n",
            build_rows, build_rows / med[bi], build_rows / med[bv], med[bi] / med[bv]
    }
}
