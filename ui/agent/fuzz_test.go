package agent

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzDecodeRequest: no line makes the request parser panic, and what it
// accepts is a request the agent knows.
func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"v":1,"op":"identity","dir":"/home/me/.config/tokenscope"}`))
	f.Add([]byte(`{"v":1,"op":"status"}`))
	f.Add([]byte(`{"v":1,"op":"stop"} {"v":1}`))
	f.Add([]byte(`{"v":1e400}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := DecodeRequest(line)
		if err != nil {
			return
		}
		if r.V != Version || (r.Op != OpIdentity && r.Op != OpStatus && r.Op != OpStop) {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// FuzzDecodeReply: no reply makes the client panic, and an error never
// quotes the line, which may hold an identity.
func FuzzDecodeReply(f *testing.F) {
	f.Add([]byte(`{"v":1,"identity":"AGE-SECRET-KEY-1XYZ","dir":"/d","pid":3,"expires":"2026-01-02T03:04:05Z"}`))
	f.Add([]byte(`{"v":1,"error":"unknown operation"}`))
	f.Add([]byte(`{"v":1,"identity":"AGE-SECRET-KEY-1XYZ","more":1}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		_, err := DecodeReply(line)
		if err != nil && len(line) >= 8 && strings.Contains(err.Error(), string(line)) {
			t.Fatalf("error %q quotes the line", err)
		}
	})
}

// FuzzReadLine: whatever a peer writes, the agent reads at most one line
// of at most maxLine bytes, without its newline, or fails.
func FuzzReadLine(f *testing.F) {
	f.Add([]byte("{\"v\":1,\"op\":\"status\"}\n"))
	f.Add([]byte("no newline"))
	f.Add([]byte("\n\n"))
	f.Add(bytes.Repeat([]byte("x"), maxLine+1))
	f.Fuzz(func(t *testing.T, data []byte) {
		line, err := readLine(bytes.NewReader(data))
		if err != nil {
			return
		}
		i := bytes.IndexByte(data, '\n')
		if i < 0 || !bytes.Equal(line, data[:i]) || len(line) > maxLine {
			t.Fatalf("readLine(%.40q) = %.40q", data, line)
		}
	})
}
