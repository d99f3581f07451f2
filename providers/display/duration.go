package display

import (
	"math"
	"strconv"
	"time"
)

// The program's one way of writing durations and times, for the explorer,
// the history the engine records, and the command line.

// durationUnits are the units of Duration, largest first. A year is 365
// days; months are left out, so "m" always means minutes.
var durationUnits = [...]struct {
	secs int64
	name byte
}{{365 * 86400, 'y'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}

// Duration writes d in its two largest units, whole seconds, the second
// unit dropped when it is zero: "59s", "1m 29s", "2h", "2h 13m",
// "3d 4h", "56y 334d". A negative d is written as its size; under a second
// is "0s". It allocates only the result.
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
		if d < 0 {
			d = math.MaxInt64 // -MinInt64 overflowed: as far as time goes
		}
	}
	s := int64(d / time.Second)
	var buf [24]byte
	b := buf[:0]
	for i, u := range durationUnits {
		if s < u.secs && u.secs > 1 {
			continue
		}
		b = strconv.AppendInt(b, s/u.secs, 10)
		b = append(b, u.name)
		if i+1 < len(durationUnits) {
			next := durationUnits[i+1]
			if r := s % u.secs / next.secs; r > 0 {
				b = append(b, ' ')
				b = strconv.AppendInt(b, r, 10)
				b = append(b, next.name)
			}
		}
		break
	}
	return string(b)
}

// Relative writes t as seen from now: "in 4m 12s", "3h 2m ago", and "now"
// within a second either way.
func Relative(now, t time.Time) string {
	d := t.Sub(now)
	switch {
	case d > -time.Second && d < time.Second:
		return "now"
	case d > 0:
		return "in " + Duration(d)
	}
	return Duration(d) + " ago"
}

// Latency writes how long a request took: whole milliseconds under a
// second ("12 ms"), seconds with two decimals from one ("1.23 s").
func Latency(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// TimeLayout is how Time writes a moment: local time with its zone.
const TimeLayout = "2006-01-02 15:04:05 MST"

// Time writes t in local time with the zone: "2026-03-01 12:00:00 CET".
func Time(t time.Time) string { return t.Local().Format(TimeLayout) }
