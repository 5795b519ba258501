# table.awk — turns the samples of tests/bench/run (case, contestant, label, seconds, peak
# RSS KiB; tab-separated, one line per run) into the printed table of medians, ratios to
# each case's baseline (its first contestant) and peak RSS, followed by the goals.
# Variables: small and big (the two row-iteration case names), build_rows.

# Formats a duration in seconds for the table.
function duration(s) {
    if (s < 1) return sprintf("%.1f ms", s * 1000)
    return sprintf("%.3f s", s)
}

# Returns the median of the n samples of key k (sorted in place by insertion).
function median(k, n,    i, j, v) {
    for (i = 2; i <= n; i++) {
        v = t[k, i]
        for (j = i - 1; j >= 1 && t[k, j] > v; j--) t[k, j + 1] = t[k, j]
        t[k, j + 1] = v
    }
    if (n % 2) return t[k, (n + 1) / 2]
    return (t[k, n / 2] + t[k, n / 2 + 1]) / 2
}

# Prints one goal line: what, the measured ratio, met or MISSED (ok), and a detail.
function goal(what, ratio, ok, detail) {
    if (ratio == "") {
        printf "  %-54s %8s   (not measured)\n", what, "-"
        return
    }
    printf "  %-54s %7.2fx   %-7s %s\n", what, ratio, (ok ? "met" : "MISSED"), detail
}

{
    k = $1 SUBSEP $2
    if (!(k in count)) {
        order[++keys] = k
        label[k] = $3
        if (!($1 in base)) base[$1] = $2
    }
    count[k]++
    t[k, count[k]] = $4 + 0
    if ($5 + 0 > rss[k]) rss[k] = $5 + 0
}

END {
    for (i = 1; i <= keys; i++) med[order[i]] = median(order[i], count[order[i]])
    printf "%-16s %-38s %11s %8s %12s %5s\n", "case", "tool", "median", "ratio", "peak RSS", "runs"
    last = ""
    for (i = 1; i <= keys; i++) {
        k = order[i]
        split(k, part, SUBSEP)
        if (part[1] != last && last != "") print ""
        b = part[1] SUBSEP base[part[1]]
        printf "%-16s %-38s %11s %7.2fx %8.1f MiB %5d\n", (part[1] == last ? "" : part[1]),
            label[k], duration(med[k]), med[k] / med[b], rss[k] / 1024, count[k]
        last = part[1]
    }

    print ""
    print "goals:"
    q = big SUBSEP "query"; l = big SUBSEP "luasql"; v = big SUBSEP "values"; c = big SUBSEP "c_loop"
    r = (q in med && l in med) ? med[q] / med[l] : ""
    goal("db:query no slower than LuaSQL (" big ")", r, r != "" && r <= 1.0, "")
    lr = big SUBSEP "luasql_rows"
    r = (q in med && lr in med) ? med[q] / med[lr] : ""
    if (r != "") goal("db:query against LuaSQL row tables (" big ")", r, r <= 1.0, "(information)")
    r = (v in med && c in med) ? med[v] / med[c] : ""
    goal("db:values within 1.5x of the C loop (" big ")", r, r != "" && r <= 1.5, "")
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
    r = (s in med && sl in med) ? med[s] / med[sl] : ""
    goal("vigil -e '' within 1.5x of lua5.4 -e ''", r, r != "" && r <= 1.5, "")

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
