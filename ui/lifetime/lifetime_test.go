package lifetime

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func span(lifetime time.Duration) Span { return Span{Issued: t0, Expires: t0.Add(lifetime)} }

func TestLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		lifetime time.Duration
		elapsed  time.Duration
		want     Level
	}{
		{"fresh hour token", time.Hour, 0, Healthy},
		{"hour token at 46m", time.Hour, 46 * time.Minute, Warning},                  // 14m left < 15m
		{"hour token at 54m30s", time.Hour, 54*time.Minute + 30*time.Second, Danger}, // 5m30s left < 6m
		{"hour token at its expiry", time.Hour, time.Hour, Expired},
		{"90s token at 44s", 90 * time.Second, 44 * time.Second, Healthy}, // 46s left
		{"90s token at 46s", 90 * time.Second, 46 * time.Second, Warning}, // 44s left <= 45s
		{"90s token at 61s", 90 * time.Second, 61 * time.Second, Danger},  // 29s left <= 30s
		{"30s token fresh", 30 * time.Second, 0, Healthy},
		{"30s token at 11s", 30 * time.Second, 11 * time.Second, Warning}, // 19s left <= 20s
		{"30s token at 16s", 30 * time.Second, 16 * time.Second, Danger},  // 14s left <= 15s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := span(tt.lifetime).Level(t0.Add(tt.elapsed)); got != tt.want {
				t.Errorf("Level = %d, want %d", got, tt.want)
			}
		})
	}
	if got := (Span{}).Level(t0); got != None {
		t.Errorf("unknown expiry: Level = %d, want None", got)
	}
}

func TestRefreshAtNeverDueOnIssue(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{2 * time.Second, 30 * time.Second, 45 * time.Second, 90 * time.Second, time.Hour} {
		s := span(d)
		if !s.RefreshAt().After(t0) {
			t.Errorf("lifetime %s: refresh due at %s, not after the issue time", d, s.RefreshAt().Sub(t0))
		}
	}
	if got := span(time.Hour).RefreshAt(); !got.Equal(t0.Add(54 * time.Minute)) {
		t.Errorf("hour token: refresh at %s, want 54m after issue (10%% left)", got.Sub(t0))
	}
	if got := span(90 * time.Second).RefreshAt(); !got.Equal(t0.Add(60 * time.Second)) {
		t.Errorf("90s token: refresh at %s, want 60s after issue (30s left)", got.Sub(t0))
	}
	if !(Span{}).RefreshAt().IsZero() {
		t.Error("unknown expiry has a refresh time")
	}
}

func TestFraction(t *testing.T) {
	t.Parallel()
	s := span(100 * time.Second)
	for _, tt := range []struct {
		at   time.Duration
		want float64
	}{{0, 1}, {25 * time.Second, 0.75}, {100 * time.Second, 0}, {200 * time.Second, 0}, {-10 * time.Second, 1}} {
		if got := s.Fraction(t0.Add(tt.at)); got != tt.want {
			t.Errorf("Fraction at %s = %v, want %v", tt.at, got, tt.want)
		}
	}
}
