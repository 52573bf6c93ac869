#!/usr/bin/env bash
# Usage: benchmarks/plot.sh [DATE]
#
# Draws the PNG plots of the reports of DATE (YYYY-MM-DD; default: the newest write-path CSV in
# benchmarks/reports/) from the CSVs the end-to-end measurements write next to their reports:
#
#   DATE-write-path.png    transactions included per block, and block fullness, per phase
#   DATE-finality.png      included per block and the finality lag, four validators at 80 %
#   DATE-read-path.png     latency distribution (CDF) of each read-path measure, one client
#
# A plot whose CSV is missing is skipped with a note. Installs gnuplot (Debian's gnuplot-nox)
# if it is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
reports="$SALUS_ROOT/benchmarks/reports"

if ! command -v gnuplot >/dev/null; then
	sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo)
	log "apt-get install gnuplot-nox"
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
		gnuplot-nox >/dev/null || die "could not install gnuplot-nox"
fi

date="${1:-}"
if [[ -z $date ]]; then
	newest="$(ls -1 "$reports"/*-write-path.csv 2>/dev/null | sort | tail -n 1)"
	[[ -n $newest ]] || die "no write-path CSV in $reports: run the write_path measurement first"
	date="$(basename "$newest" -write-path.csv)"
fi
[[ $date =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "DATE must be YYYY-MM-DD, not '$date'"

plotted=0
write="$reports/$date-write-path.csv"
if [[ -f $write ]]; then
	# One block series per phase; gnuplot reads the phases as separate data blocks.
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	phases=()
	while IFS= read -r phase; do phases+=("$phase"); done < <(tail -n +2 "$write" | cut -d, -f1 | uniq)
	plots_included=() plots_full=()
	for i in "${!phases[@]}"; do
		awk -F, -v p="${phases[$i]}" 'NR > 1 && $1 == p { print $3, $4, $5 }' "$write" >"$tmp/$i.dat"
		plots_included+=("'$tmp/$i.dat' using 1:2 with linespoints title '${phases[$i]}'")
		plots_full+=("'$tmp/$i.dat' using 1:(\$3 * 100) with linespoints title '${phases[$i]}'")
	done
	join() { local IFS=','; echo "$*"; }
	gnuplot <<-EOF
		set terminal pngcairo size 1000,800 noenhanced
		set output '$reports/$date-write-path.png'
		set multiplot layout 2,1 title 'Write path, $date'
		set grid
		set key outside right
		set xlabel 'seconds since the phase started'
		set ylabel 'transactions included per block'
		plot $(join "${plots_included[@]}")
		set ylabel 'normal-class weight used (%)'
		set yrange [0:105]
		plot $(join "${plots_full[@]}")
		unset multiplot
	EOF
	printf 'wrote %s\n' "$reports/$date-write-path.png"
	plotted=$((plotted + 1))
else
	printf 'no %s: write-path plot skipped\n' "$write"
fi

finality="$reports/$date-finality.csv"
if [[ -f $finality ]]; then
	gnuplot <<-EOF
		set terminal pngcairo size 1000,800 noenhanced
		set output '$reports/$date-finality.png'
		set datafile separator ','
		set multiplot layout 2,1 title 'Four validators at 80 % load, $date'
		set grid
		set xlabel 'seconds since the load started'
		set ylabel 'transactions included per block'
		plot '$finality' using 2:3 skip 1 with linespoints notitle
		set ylabel 'best − finalized (blocks)'
		set yrange [0:*]
		plot '$finality' using 2:6 skip 1 with linespoints notitle
		unset multiplot
	EOF
	printf 'wrote %s\n' "$reports/$date-finality.png"
	plotted=$((plotted + 1))
else
	printf 'no %s: finality plot skipped\n' "$finality"
fi

read_csv="$reports/$date-read-path.csv"
if [[ -f $read_csv ]]; then
	tmp_read="$(mktemp -d)"
	series=()
	n=0
	while IFS= read -r measure; do
		awk -F, -v m="$measure" 'NR > 1 && $1 == m && $3 == 1 && ($2 == "100" || $2 == "-") { print $5, $4 }' "$read_csv" >"$tmp_read/$n.dat"
		[[ -s $tmp_read/$n.dat ]] && series+=("'$tmp_read/$n.dat' using 1:2 with lines title '$measure'")
		n=$((n + 1))
	done < <(tail -n +2 "$read_csv" | awk -F, '$3 == 1 { print $1 }' | uniq)
	join() { local IFS=','; echo "$*"; }
	gnuplot <<-EOF
		set terminal pngcairo size 1100,600 noenhanced
		set output '$reports/$date-read-path.png'
		set title 'Read path latency, one client, ledger of 100 consents where it applies, $date'
		set grid
		set key outside below
		set logscale x
		set xlabel 'latency (ms)'
		set ylabel 'percentile'
		plot $(join "${series[@]}")
	EOF
	rm -rf "$tmp_read"
	printf 'wrote %s\n' "$reports/$date-read-path.png"
	plotted=$((plotted + 1))
else
	printf 'no %s: read-path plot skipped\n' "$read_csv"
fi
((plotted > 0)) || die "no CSV of $date in $reports"
