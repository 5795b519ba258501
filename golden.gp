# Made by vigil.plot; `gnuplot -d FILE` re-draws the chart.
# The data come from this SQL:
#   select m, d, n from t
set encoding utf8
set terminal svg size 1000,600 noenhanced background '#ffffff'
set output 'golden.svg'
set title 'Xử lý vi phạm theo hình thức'
set ylabel 'người'
set key top left
set grid ytics lc rgb '#dddddd'
set style fill solid 0.9 noborder
set xrange [18993:19024]
set xtics ('Jan 2022' 18993, 'Feb 2022' 19024)
$s1 << VIGIL_EOD
18993 3
19024 1.5
VIGIL_EOD
$s2 << VIGIL_EOD
18993 2
VIGIL_EOD
plot $s1 using 1:2 with lines lw 2 lc 1 title 'warning', \
     $s2 using 1:2 with lines lw 2 lc 2 title 'prosecution'
unset output
