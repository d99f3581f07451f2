#!/usr/bin/env bash
# screenshots/make.sh: makes the PNGs in this folder from real runs of
# `tokenscope --demo` in tmux. It builds tokenscope, starts it against the
# embedded demo server, presses keys as a user would, captures each screen
# with its colours (tmux capture-pane -e), renders the capture as SVG with
# freeze (github.com/charmbracelet/freeze, installed pinned when missing) and
# the SVG as PNG with rsvg-convert (Debian's librsvg2-bin). freeze's own PNG
# output crashes when built with Go 1.26 ("unsafe.Slice: len out of range").
#
#   bash screenshots/make.sh
#
# The times and countdowns on them are those of the run that made them.
set -euo pipefail

FREEZE_VERSION=v0.2.2

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$repo/screenshots"
work=$(mktemp -d)
sock="tokenscope-shots-$$"
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

command -v tmux >/dev/null || { echo "make.sh: tmux is needed (apt-get install tmux)" >&2; exit 1; }
freeze=$(command -v freeze || true)
if [ -z "$freeze" ]; then
	GOBIN="$work/bin" go install "github.com/charmbracelet/freeze@$FREEZE_VERSION"
	freeze="$work/bin/freeze"
fi

command -v rsvg-convert >/dev/null || { echo "make.sh: rsvg-convert is needed (apt-get install librsvg2-bin)" >&2; exit 1; }
fc-list | grep -q "DejaVu Sans Mono" || { echo "make.sh: the DejaVu Sans Mono font is needed (apt-get install fonts-dejavu-core)" >&2; exit 1; }

(cd "$repo" && go build -o "$work/tokenscope" .)

# start runs tokenscope --demo ARGS in a fresh tmux window of W×H and waits
# for the first tokens.
start() {
	local w=$1 h=$2
	shift 2
	tmux -L "$sock" kill-server 2>/dev/null || true
	tmux -L "$sock" -f /dev/null new-session -d -s shot -x "$w" -y "$h" \
		-e COLORTERM=truecolor \
		"$work/tokenscope --demo $*"
	tmux -L "$sock" set-option -g default-terminal tmux-256color >/dev/null
	wait_for "fetched"
}

# wait_for waits until the screen shows TEXT.
wait_for() {
	for _ in $(seq 100); do
		if tmux -L "$sock" capture-pane -t shot -p | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "make.sh: the screen never showed: $1" >&2
	tmux -L "$sock" capture-pane -t shot -p >&2
	exit 1
}

# keys presses each key on its own, as a person types.
keys() {
	for k in "$@"; do
		tmux -L "$sock" send-keys -t shot "$k"
		sleep 0.15
	done
	sleep 0.4
}

# shot renders the screen as it is now into NAME.png, on the terminal
# background BG (default: freeze's dark one).
shot() {
	local bg=${2:-#171717}
	# freeze ignores SGR 49 (default background), so a badge's colour would
	# run on to the end of its line; SGR 0 ends it as the terminal does
	# (Lip Gloss sets the foreground again after every reset it needs).
	tmux -L "$sock" capture-pane -t shot -p -e | sed 's/\x1b\[49m/\x1b[0m/g' >"$work/$1.ansi"
	"$freeze" --language ansi --window --padding 20 --margin 0 --background "$bg" \
		--font.family "DejaVu Sans Mono" --font.size 14 --line-height 1.0 \
		--output "$work/$1.svg" "$work/$1.ansi" >/dev/null
	rsvg-convert --zoom 1.5 --output "$out/$1.png" "$work/$1.svg"
	echo "screenshots/$1.png"
}

# The providers and a JWT's claims, on the default theme.
start 120 36
keys j j j j
shot explorer

# A JWT verified against the provider's JWKS.
keys j
wait_for "verified"
shot jwt-verified

# An HTML gateway page in the server's own words, with its hint.
keys j
wait_for "hint:"
shot error

# Full help, built from the live key bindings.
keys g '?'
shot help

# The add form with a preset's defaults.
keys '?' a
wait_for "Add a provider"
keys Right Right Right
shot add-form

# The light theme on a narrow terminal: the panes stack.
start 80 30 --theme light
keys j
shot narrow-light "#fafafa"

tmux -L "$sock" kill-server 2>/dev/null || true
