package providers

import (
	"testing"
	"time"
)

func TestFieldTextAndTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value  string
		text   string
		isText bool
		at     time.Time
		isTime bool
	}{
		{`"openid read"`, "openid read", true, time.Time{}, false},
		{`"a\u001bb"`, "a\x1bb", true, time.Time{}, false},
		{`1767268800`, "", false, time.Unix(1767268800, 0), true},
		{`1767268800.5`, "", false, time.Unix(1767268800, 5e8), true},
		{`-1`, "", false, time.Time{}, false},
		{`1e12`, "", false, time.Time{}, false}, // past year 5138: not seconds
		{`"1767268800"`, "1767268800", true, time.Time{}, false},
		{`true`, "", false, time.Time{}, false},
		{`"unterminated`, "", false, time.Time{}, false},
		{``, "", false, time.Time{}, false},
	} {
		f := Field{Key: "k", Value: tc.value}
		if s, ok := f.Text(); s != tc.text || ok != tc.isText {
			t.Errorf("Text of %s = %q, %v; want %q, %v", tc.value, s, ok, tc.text, tc.isText)
		}
		if at, ok := f.Time(); !at.Equal(tc.at) || ok != tc.isTime {
			t.Errorf("Time of %s = %v, %v; want %v, %v", tc.value, at, ok, tc.at, tc.isTime)
		}
	}
}
