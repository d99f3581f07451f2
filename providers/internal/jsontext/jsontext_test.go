package jsontext

import (
	"encoding/json"
	"testing"
)

func TestValueEnd(t *testing.T) {
	for _, tc := range []struct {
		in   string
		at   int
		want string
	}{
		{`"a\"b" ,`, 0, `"a\"b"`},
		{`{"k":"}","n":[1,{"x":"]"}]} ,`, 0, `{"k":"}","n":[1,{"x":"]"}]}`},
		{`[1,[2,3]]`, 0, `[1,[2,3]]`},
		{`12.5e3,`, 0, `12.5e3`},
		{`true}`, 0, `true`},
		{`null`, 0, `null`},
		{`x: -7 `, 3, `-7`},
	} {
		end := ValueEnd([]byte(tc.in), tc.at)
		if got := tc.in[tc.at:end]; got != tc.want {
			t.Errorf("ValueEnd(%q, %d) = %q, want %q", tc.in, tc.at, got, tc.want)
		}
	}
}

func TestSkipSpace(t *testing.T) {
	if got := SkipSpace([]byte(" \t\r\n x"), 0); got != 5 {
		t.Errorf("SkipSpace = %d, want 5", got)
	}
	if got := SkipSpace([]byte("   "), 1); got != 3 {
		t.Errorf("SkipSpace to the end = %d, want 3", got)
	}
}

// FuzzValueEnd: on any input the answer stays within the input, and on a
// valid JSON value it is exactly the value's end.
func FuzzValueEnd(f *testing.F) {
	for _, s := range []string{`"a"`, `{"a":[1,"]"]}`, `[`, `"\`, `{"a":"\"}"}`, `-1.5`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		for i := range len(b) + 1 {
			if end := ValueEnd(b, i); end < i && i < len(b) || end > len(b) {
				t.Fatalf("ValueEnd(%q, %d) = %d", s, i, end)
			}
		}
		i := SkipSpace(b, 0)
		if !json.Valid(b) || i == len(b) {
			return
		}
		end := ValueEnd(b, i)
		if SkipSpace(b, end) != len(b) {
			t.Fatalf("ValueEnd(%q) = %d, but the value ends at the end of the input", s, end)
		}
	})
}
