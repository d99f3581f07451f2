package session

// pendingCopy is a copy under way: its label, and the provider it is of.
type pendingCopy struct{ label, name string }

// StartCopy notes a copy of the named provider's token under label.
func (s *Session) StartCopy(name, label string) {
	s.copies = append(s.copies, pendingCopy{label: label, name: name})
	if e := s.byName[name]; e != nil {
		e.Copying++
		s.changed(e)
	}
}

// CopyDone ends the copy under label and returns the entry it was of: nil
// when the copy is unknown or its provider went meanwhile.
func (s *Session) CopyDone(label string) *Entry {
	for i, c := range s.copies {
		if c.label != label {
			continue
		}
		s.copies = append(s.copies[:i:i], s.copies[i+1:]...)
		e := s.byName[c.name]
		if e != nil && e.Copying > 0 {
			e.Copying--
			s.changed(e) // its row says "copying" no longer
		}
		return e
	}
	return nil
}

// Copies is how many copies are under way.
func (s *Session) Copies() int { return len(s.copies) }

// ClipboardFailed notes that the system clipboard failed and a copy went
// another way; it reports true the first time in the session only, so the
// failure is said once, not on every copy.
func (s *Session) ClipboardFailed() (first bool) {
	first = !s.clipFailed
	s.clipFailed = true
	return first
}

// CopyAfterRenew notes a copy (what, as the explorer numbers it, not 0)
// to make once the renewal of e's expired token answers.
func (s *Session) CopyAfterRenew(e *Entry, what int) {
	e.CopyAfter = what
	s.changed(e)
}

// TakeCopyAfter returns and forgets the copy waiting for e's renewal, 0
// when none is.
func (s *Session) TakeCopyAfter(e *Entry) int {
	what := e.CopyAfter
	if what != 0 {
		e.CopyAfter = 0
		s.changed(e)
	}
	return what
}
