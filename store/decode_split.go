package store

import (
	"runtime"
	"strings"
	"sync"
)

// entryMark starts every entry after the first in the providers array. It
// cannot occur inside a JSON string, where a quote is always escaped, so
// searching for it from anywhere finds the start of an entry (or nothing).
const entryMark = `,{"provider":`

// maxParts bounds the goroutines one decode uses.
const maxParts = 4

// entries decodes the providers array, expecting about n entries. A large
// array is cut at entry boundaries into parts decoded concurrently; each
// part must end exactly where the next begins, and the last at the closing
// bracket, or the whole decode falls back.
func (d *decoder) entries(n int) []Entry {
	if !d.next('[') {
		return nil
	}
	if d.peek(']') {
		return []Entry{}
	}
	starts := d.splits()
	if len(starts) == 1 {
		return d.entryRun(-1, n)
	}
	parts := make([]decoder, len(starts))
	found := make([][]Entry, len(starts))
	var wg sync.WaitGroup
	for i, start := range starts {
		end := -1
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		parts[i] = decoder{data: d.data, pos: start}
		wg.Go(func() { found[i] = parts[i].entryRun(end, n/len(starts)+1) })
	}
	wg.Wait()
	total := 0
	for i := range parts {
		if parts[i].err != nil {
			d.fail()
			return nil
		}
		total += len(found[i])
	}
	d.pos = parts[len(parts)-1].pos
	out := make([]Entry, 0, max(total, n))
	for _, f := range found {
		out = append(out, f...)
	}
	return out
}

// splits returns where each part of the array starting at d.pos begins.
func (d *decoder) splits() []int {
	starts := []int{d.pos}
	k := min(runtime.GOMAXPROCS(0), maxParts)
	rest := len(d.data) - d.pos
	if k < 2 || d.splitMin <= 0 || rest < d.splitMin {
		return starts
	}
	for i := 1; i < k; i++ {
		from := d.pos + i*rest/k
		if from <= starts[len(starts)-1] {
			continue
		}
		j := strings.Index(d.data[from:], entryMark)
		if j < 0 {
			break
		}
		starts = append(starts, from+j+1) // at the entry's '{'
	}
	return starts
}

// entryRun decodes entries from d.pos up to end (the '{' of the next
// part's first entry, after a comma), or to the closing bracket when end
// is -1.
func (d *decoder) entryRun(end, n int) []Entry {
	out := make([]Entry, 0, n)
	for d.err == nil {
		out = append(out, Entry{})
		d.entry(&out[len(out)-1])
		if end >= 0 && d.pos >= end-1 {
			if d.pos != end-1 || d.data[d.pos] != ',' {
				d.fail()
			}
			d.pos = end
			return out
		}
		if d.peek(']') {
			if end >= 0 {
				d.fail()
			}
			return out
		}
		d.next(',')
	}
	return out
}
