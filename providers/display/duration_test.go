package display

import (
	"math"
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {999 * time.Millisecond, "0s"}, {1500 * time.Millisecond, "1s"},
		{59 * time.Second, "59s"}, {60 * time.Second, "1m"}, {89 * time.Second, "1m 29s"},
		{4*time.Minute + 5*time.Second, "4m 5s"}, {-90 * time.Second, "1m 30s"},
		{time.Hour + 30*time.Second, "1h"}, {2*time.Hour + 3*time.Minute, "2h 3m"},
		{50 * time.Hour, "2d 2h"}, {400 * 24 * time.Hour, "1y 35d"},
		{20789*24*time.Hour + time.Hour, "56y 349d"},
		{time.Duration(math.MaxInt64), "292y 171d"}, {time.Duration(math.MinInt64), "292y 171d"},
	} {
		if got := Duration(tt.d); got != tt.want {
			t.Errorf("Duration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestRelative(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "now"},
		{999 * time.Millisecond, "now"},
		{-999 * time.Millisecond, "now"},
		{time.Second, "in 1s"},
		{4*time.Minute + 12*time.Second + 900*time.Millisecond, "in 4m 12s"},
		{-(3*time.Hour + 2*time.Minute + 5*time.Second), "3h 2m ago"},
		{-3 * time.Hour, "3h ago"},
		{49 * time.Hour, "in 2d 1h"},
		{-400 * 24 * time.Hour, "1y 35d ago"},
		{time.Duration(math.MinInt64), "292y 171d ago"},
		{time.Duration(math.MaxInt64), "in 292y 171d"},
	} {
		if got := Relative(now, now.Add(tt.d)); got != tt.want {
			t.Errorf("Relative(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestTimeIsLocalWithItsZone(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if got, want := Time(at), at.Local().Format("2006-01-02 15:04:05 MST"); got != want {
		t.Errorf("Time = %q, want %q", got, want)
	}
	if got := Time(at); len(got) < len("2026-03-01 12:00:00 Z") {
		t.Errorf("Time = %q carries no zone", got)
	}
}

func TestDurationAllocatesOnlyItsResult(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Duration(4*time.Minute + 5*time.Second) }); n > 1 {
		t.Errorf("Duration allocates %v times, want 1", n)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0: "0 ms", 400 * time.Microsecond: "0 ms", 12 * time.Millisecond: "12 ms", 999 * time.Millisecond: "999 ms",
		time.Second: "1.00 s", 1234 * time.Millisecond: "1.23 s", 75 * time.Second: "75.00 s",
	} {
		if got := Latency(d); got != want {
			t.Errorf("Latency(%v) = %q, want %q", d, got, want)
		}
	}
}
