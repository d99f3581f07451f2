package display

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

func TestQuoted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`{"a":"plain"}`, `{"a":"plain"}`},
		{"{\"a\":\"x\u009by\"}", `{"a":"x\u009by"}`},
		{"{\"a\u202e\":\"\u2066\x7f\"}", `{"a\u202e":"\u2066\u007f"}`},
		{"[\"\u2028\"]", `["\u2028"]`},
		{"[\"é鍵\"]", "[\"é鍵\"]"},
		// A tag character is past U+FFFF: a surrogate pair, not \u0041.
		{"[\"a\U000E0041b\"]", `["a\udb40\udc41b"]`},
	} {
		if got := string(Quoted([]byte(tc.in))); got != tc.want {
			t.Errorf("Quoted(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestQuotedTOML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"a = \"x\u009by\"\n", "a = \"x\\u009by\"\n"},
		{"a = \"a\U000E0041b\"\n", "a = \"a\\U000e0041b\"\n"},
	} {
		got := QuotedTOML([]byte(tc.in))
		if string(got) != tc.want {
			t.Errorf("QuotedTOML(%q) = %q, want %q", tc.in, got, tc.want)
		}
		var a, b map[string]any
		if _, err := toml.Decode(tc.in, &a); err != nil {
			t.Fatal(err)
		}
		if _, err := toml.Decode(string(got), &b); err != nil {
			t.Fatalf("QuotedTOML(%q) = %q is not TOML: %v", tc.in, got, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("QuotedTOML changed the values: %q, %q", a, b)
		}
	}
}

// FuzzDisplayQuoted checks that JSON made safe by Quoted holds no control,
// C1 or bidi character and decodes to what encoding/json wrote.
func FuzzDisplayQuoted(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]52;c;SGVsbG8=\x07", "\u009b", "\u202e\u2066", "\x7f", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := json.Marshal(map[string]string{s: s})
		if err != nil {
			t.Skip()
		}
		out := Quoted(in)
		if !utf8.Valid(out) {
			t.Fatalf("Quoted(%q) is not UTF-8", in)
		}
		for _, r := range string(out) {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("Quoted(%q) = %q keeps %U", in, out, r)
			}
		}
		var a, b map[string]string
		if err := json.Unmarshal(in, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("Quoted(%q) = %q is not JSON: %v", in, out, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("Quoted changed the values: %q, %q", a, b)
		}
		if again := Quoted(out); !bytes.Equal(again, out) {
			t.Fatalf("Quoted(Quoted(%q)) = %q changed again", in, again)
		}
	})
}
