# dataset_line.awk — prints one line of the "data sets" part of the bench report from a
# timeit line (median min max peak-RSS-KiB).  Variables: what (the step), size (KiB of what
# the step made) and made (what that is).
{
    printf "  %-32s %8.1f s   peak RSS %7.1f MiB   %s: %.0f MiB\n", what, $1, $4 / 1024,
        made, size / 1024
}
