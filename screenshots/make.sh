#!/usr/bin/env bash
# screenshots/make.sh: makes the images in this folder from real runs of
# tokenscope in tmux. It builds tokenscope, starts it against the embedded
# demo server, presses keys as a user would, captures each screen with its
# colours (tmux capture-pane -e), renders the capture as SVG with freeze
# and the SVG as PNG with rsvg-convert; explorer.gif is frames of one run,
# put together by ImageMagick; cli.png is a shell running commands against
# the same demo server (screenshots/demoserver.go).
#
# It needs: tmux; rsvg-convert (apt-get install librsvg2-bin); the DejaVu
# Sans Mono font (apt-get install fonts-dejavu-core); ImageMagick's convert
# or magick (apt-get install imagemagick); perl; Go. freeze
# (github.com/charmbracelet/freeze) is installed, pinned, when missing:
# freeze's own PNG output crashes when built with Go 1.26 ("unsafe.Slice:
# len out of range"), hence rsvg-convert.
#
#   bash screenshots/make.sh
#
# The times and countdowns on them are those of the run that made them.
set -euo pipefail

FREEZE_VERSION=v0.2.2
FONT_SIZE=14
# DejaVu Sans Mono's ascent plus descent is 1.164 em: at this line height
# the block glyphs of the progress bar fill their cell and no more (at 1.0
# they ran into the line below), and box lines stay unbroken.
LINE_HEIGHT=1.17
PADDING=20

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$repo/screenshots"
work=$(mktemp -d)
sock="tokenscope-shots-$$-0"
runs=0
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

need() { echo "make.sh: $1 is needed ($2)" >&2; exit 1; }
command -v tmux >/dev/null || need tmux "apt-get install tmux"
command -v perl >/dev/null || need perl "apt-get install perl"
command -v rsvg-convert >/dev/null || need rsvg-convert "apt-get install librsvg2-bin"
# (no pipes into grep -q: under pipefail the writer's SIGPIPE fails them)
grep -q "DejaVu Sans Mono" <<<"$(fc-list)" || need "the DejaVu Sans Mono font" "apt-get install fonts-dejavu-core"
# ImageMagick 7 is magick, 6 is convert; a convert that is not
# ImageMagick's (a stand-in earlier on PATH) does not count.
magick=
for c in magick $(type -aP convert); do
	if grep -q "^Version: ImageMagick" <<<"$("$c" -version 2>/dev/null)"; then
		magick=$c
		break
	fi
done
[ -n "$magick" ] || need "ImageMagick" "apt-get install imagemagick"
freeze=$(command -v freeze || true)
if [ -z "$freeze" ]; then
	GOBIN="$work/bin" go install "github.com/charmbracelet/freeze@$FREEZE_VERSION"
	freeze="$work/bin/freeze"
fi

(cd "$repo" && go build -o "$work/tokenscope" . && go build -o "$work/demoserver" screenshots/demoserver.go)

# sgr.pl rewrites tmux's SGR stream into the one form freeze draws right:
# before each change of colour, a reset and then the whole state
# (background, then foreground). freeze keeps one attribute per span (a
# bold or an italic loses the colour), ignores SGR 39 and 49 (a badge's
# colour ran on to the end of its line; ending it with SGR 0 as before lost
# the foreground too, so the border after a coloured row was drawn
# half in the default colour); it cannot draw bold or italic, so they are
# dropped. Reverse video swaps the colours, the terminal's own being
# DEFAULT_FG and DEFAULT_BG (r;g;b).
cat >"$work/sgr.pl" <<'PERL'
use strict;
use warnings;
my ($dfg, $dbg) = ($ENV{DEFAULT_FG}, $ENV{DEFAULT_BG});
my ($fg, $bg, $rev) = ('', '', 0);
my $shown = '';
local $/;
my $in = <STDIN>;
my $out = '';
while ($in =~ /\G(?:\e\[([0-9;:]*)m|(\n)|(\e\[[0-9;?]*[A-Za-z])|(.))/gcs) {
	if (defined $1) {
		my @p = split /[;:]/, $1, -1;
		@p = (0) unless @p;
		while (@p) {
			my $v = shift @p;
			$v = 0 if $v eq '';
			if ($v == 0) { ($fg, $bg, $rev) = ('', '', 0) }
			elsif ($v == 7) { $rev = 1 }
			elsif ($v == 27) { $rev = 0 }
			elsif (($v >= 30 && $v <= 37) || ($v >= 90 && $v <= 97)) { $fg = $v }
			elsif ($v == 39) { $fg = '' }
			elsif ($v >= 40 && $v <= 47) { $bg = '48;5;' . ($v - 40) }
			elsif ($v >= 100 && $v <= 107) { $bg = $v }
			elsif ($v == 49) { $bg = '' }
			elsif ($v == 38 || $v == 48) {
				my $c = shift(@p) // '';
				my $spec = $c eq '5' ? '5;' . (shift(@p) // 0)
					: $c eq '2' ? join(';', 2, map { shift(@p) // 0 } 1 .. 3) : '';
				next if $spec eq '';
				if ($v == 38) { $fg = "38;$spec" } else { $bg = "48;$spec" }
			}
		}
	} elsif (defined $2) {
		# freeze starts every line afresh
		$out .= "\n";
		$shown = '';
	} elsif (defined $3) {
		# not SGR: nothing freeze draws
	} else {
		my ($f, $b) = ($fg, $bg);
		if ($rev) {
			$f = $bg eq '' ? "38;2;$dbg" : $bg =~ /^48/ ? ($bg =~ s/^48/38/r) : $bg - 10;
			$b = $fg eq '' ? "48;2;$dfg" : $fg =~ /^38/ ? ($fg =~ s/^38/48/r)
				: $fg >= 90 ? $fg + 10 : '48;5;' . ($fg - 30);
		}
		if ("$b|$f" ne $shown) {
			$out .= "\e[0m";
			$out .= "\e[${b}m" if $b ne '';
			$out .= "\e[${f}m" if $f ne '';
			$shown = "$b|$f";
		}
		$out .= $4;
	}
}
# The blank rows at the bottom of a screen are cropped.
$out =~ s/(?:\n(?:\e\[[0-9;]*m| )*)+\z/\n/;
print $out;
PERL

# cells.pl puts freeze's background rectangles on their cells: freeze
# takes a cell to be FONT_SIZE/1.68 wide, DejaVu Sans Mono's is 1233/2048
# em, and draws each rectangle half a cell too wide (a badge's colour ran
# into the next cell). A quarter pixel more hides the seams between them.
cat >"$work/cells.pl" <<'PERL'
use strict;
use warnings;
my ($pad, $size) = @ARGV;
my ($freeze, $cell) = ($size / 1.68, $size * 1233 / 2048);
local $/;
my $svg = <STDIN>;
$svg =~ s{<rect fill="([^"]+)" x="([\d.]+)px" y="([\d.]+)px" height="([\d.]+)px" width="([\d.]+)px"/>}{
	my ($fill, $x, $y, $h, $w) = ($1, $2, $3, $4, $5);
	my $n = $w == 0 ? 0 : $w / $freeze - 0.5;
	sprintf('<rect fill="%s" x="%.2fpx" y="%spx" height="%spx" width="%.2fpx"/>',
		$fill, $pad + ($x - $pad) / $freeze * $cell, $y, $h, $n == 0 ? 0 : $n * $cell + 0.25)
}ge;
print $svg;
PERL

# start runs COMMAND in a fresh tmux window of W×H.
start() {
	local w=$1 h=$2
	shift 2
	# A new server for each run: one just killed may take a new session
	# with it as it goes.
	tmux -L "$sock" kill-server 2>/dev/null || true
	runs=$((runs + 1))
	sock="tokenscope-shots-$$-$runs"
	tmux -L "$sock" -f /dev/null new-session -d -s shot -x "$w" -y "$h" \
		-e COLORTERM=truecolor "$@"
	tmux -L "$sock" set-option -g default-terminal tmux-256color >/dev/null
}

# explorer runs tokenscope --demo ARGS in a W×H window and waits for the
# first tokens.
explorer() {
	local w=$1 h=$2
	shift 2
	start "$w" "$h" "$work/tokenscope --demo $*"
	wait_for "fetched"
}

# wait_for waits until the screen shows TEXT.
wait_for() {
	for _ in $(seq 300); do
		if grep -qF -- "$1" <<<"$(tmux -L "$sock" capture-pane -t shot -p)"; then
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

# render FILE.png ZOOM [BG FG] renders the screen as it is now into
# FILE.png, on the terminal background BG with the default foreground FG
# (default: freeze's dark ones).
render() {
	local png=$1 zoom=$2 bg=${3:-#171717} fg=${4:-#c4c4c4}
	local rgb='s/#\(..\)\(..\)\(..\)/printf "%d;%d;%d" 0x\1 0x\2 0x\3/e'
	tmux -L "$sock" capture-pane -t shot -p -e |
		DEFAULT_BG=$(echo "$bg" | sed "$rgb") DEFAULT_FG=$(echo "$fg" | sed "$rgb") perl "$work/sgr.pl" >"$work/shot.ansi"
	"$freeze" --language ansi --window --padding "$PADDING" --margin 0 --background "$bg" \
		--font.family "DejaVu Sans Mono" --font.size "$FONT_SIZE" --line-height "$LINE_HEIGHT" \
		--output "$work/shot.svg" "$work/shot.ansi" >/dev/null
	perl "$work/cells.pl" "$PADDING" "$FONT_SIZE" <"$work/shot.svg" >"$work/cells.svg"
	rsvg-convert --zoom "$zoom" --output "$png" "$work/cells.svg"
}

# shot renders the screen into screenshots/NAME.png.
shot() {
	render "$out/$1.png" 1.5 "${@:2}"
	echo "screenshots/$1.png"
}

# The animation: one run, frames as they came. frame captures the screen
# now, to be shown for CENTISECONDS.
frames=()
frame() {
	local f
	f="$work/frame-$(printf %03d ${#frames[@]}).png"
	render "$f" 1
	frames+=(-delay "$1" "$f")
}
explorer 120 34
sleep 1
# Countdowns ticking.
for _ in 1 2 3; do
	frame 100
	sleep 1
done
# A refresh landing.
keys r
wait_for "refreshed mtn-sandbox"
frame 120
sleep 1.2
frame 100
# Down to the RS256 JWT: its claims, its signature verified.
for _ in 1 2 3 4 5; do
	tmux -L "$sock" send-keys -t shot j
	sleep 0.25
	frame 30
done
wait_for "verified"
sleep 0.5
frame 120
sleep 1.2
frame 100
# A copy.
keys c
wait_for "copied"
frame 250
sleep 2.5
frame 150
"$magick" -loop 0 "${frames[@]}" -layers Optimize "$out/explorer.gif"
echo "screenshots/explorer.gif"

# The providers and a JWT's claims, on the default theme.
explorer 120 36
keys j j j j
shot explorer

# A JWT verified against the provider's JWKS.
keys j
wait_for "verified"
shot jwt-verified

# An HTML gateway page in the server's own words, with its hint, in a
# window no taller than it needs.
explorer 120 24
keys j j j j j j j j j j j
wait_for "hint:"
shot error

# A try request's answer in the response view, with the exchange log.
explorer 120 40
keys t
wait_for "esc/q close"
keys L
wait_for "HTTP/1.1"
shot response

# The device grant's sign-in pane: the user code, the page and its QR code.
explorer 120 40
keys j j j j j j j j j j j j j f
wait_for "enter the code"
shot signin

# Full help, built from the live key bindings.
explorer 120 23
keys '?'
wait_for "Keys"
shot help

# The add form with a preset's defaults.
explorer 120 26
keys a
wait_for "Add a provider"
keys Right Right Right
shot add-form

# The light theme on a narrow terminal: the panes stack.
explorer 80 30 --theme light
keys j
shot narrow-light "#fafafa" "#24292f"

# The command line: a shell with a store of the demo's providers.
mkdir -p "$work/cli"
start 120 40 env -i HOME="$work/cli" PATH="$work:/usr/bin:/bin" TERM=tmux-256color \
	TOKENSCOPE_HOME="$work/cli/store" TOKENSCOPE_PASSPHRASE=demo \
	PS1='\[\e[38;2;167;139;250m\]$\[\e[0m\] ' \
	"$work/demoserver" "$work/cli" bash --norc --noprofile
sleep 0.5
tmux -L "$sock" send-keys -t shot "cd $work/cli && tokenscope init --work-factor 10 && tokenscope import demo.toml" Enter
wait_for "added broken-gateway"
tmux -L "$sock" send-keys -t shot clear Enter
sleep 1
# type runs a command as a person would and waits until its prompt is back.
type_cmd() {
	tmux -L "$sock" send-keys -t shot -l "$1"
	sleep 0.3
	tmux -L "$sock" send-keys -t shot Enter
	for _ in $(seq 300); do
		if [ "$(tmux -L "$sock" capture-pane -t shot -p | grep -cE '^\$( |$)')" -gt "$2" ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "make.sh: no prompt after: $1" >&2
	exit 1
}
type_cmd "tokenscope header mtn-sandbox" 1
type_cmd "tokenscope token oauth2-local | tokenscope decode" 2
type_cmd "tokenscope header broken-gateway" 3
type_cmd "tokenscope list" 4
shot cli

tmux -L "$sock" kill-server 2>/dev/null || true
