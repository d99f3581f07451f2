package jsontext

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
)

func TestMembers(t *testing.T) {
	t.Parallel()
	got, err := Members([]byte(" {\"a\" : \"x\\\"}\" ,\"n\":[1, {\"x\":\"]\"}],\"a\":12.5e3,\"t\":true,\"z\":null,\"u\":\"\\u00e9\xff\"} \n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Member{{"a", json.RawMessage(`"x\"}"`)}, {"n", json.RawMessage(`[1, {"x":"]"}]`)}, {"a", json.RawMessage(`12.5e3`)},
		{"t", json.RawMessage(`true`)}, {"z", json.RawMessage(`null`)}, {"u", json.RawMessage("\"\\u00e9\xff\"")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Members = %q\nwant      %q", got, want)
	}
	for in, want := range map[string]error{`{"a":1`: io.ErrUnexpectedEOF, `{"a":`: io.ErrUnexpectedEOF, `{`: io.ErrUnexpectedEOF} {
		if _, err := Members([]byte(in)); !errors.Is(err, want) {
			t.Errorf("Members(%q): %v, want %v", in, err, want)
		}
	}
	for _, in := range []string{``, `[1]`, `"s"`, `{"a":1} {}`, `{"a":1}x`, `{"a" 1}`, `{1:2}`} {
		if _, err := Members([]byte(in)); err == nil {
			t.Errorf("Members(%q) accepted it", in)
		}
	}
}

// FuzzMembers: on any input Members never panics; on an object that
// encoding/json accepts, it lists every member, each value valid JSON that
// decodes as the whole object's member does.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,"]"]}`, `{"a":`, `{"\`, `{"a":"\"}"}`, `{"a":1,"a":2}`, `[1]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := Members([]byte(s))
		var whole map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &whole) != nil || whole == nil {
			return
		}
		if err != nil {
			t.Fatalf("Members(%q): %v, but encoding/json reads an object", s, err)
		}
		last := map[string]json.RawMessage{}
		for _, m := range ms {
			if !json.Valid(m.Raw) {
				t.Fatalf("Members(%q): %s = %q is not JSON", s, m.Key, m.Raw)
			}
			last[m.Key] = m.Raw
		}
		if len(last) != len(whole) {
			t.Fatalf("Members(%q) names %d members, encoding/json %d", s, len(last), len(whole))
		}
	})
}
