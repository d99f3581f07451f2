package detail

// Unpainted is m with its content rendered again by lipgloss alone, every
// paint's shortcut off, for a test to compare the paints with.
func Unpainted(m Model) Model {
	p := *m.paints
	for _, q := range []*paint{&p.Title, &p.Badge, &p.Section, &p.Label, &p.Value, &p.Key, &p.Muted, &p.Secret,
		&p.Healthy, &p.Warning, &p.Danger, &p.Busy, &p.BarEmpty, &p.Error, &p.Hint} {
		q.exact = false
	}
	m.paints, m.lines = &p, nil
	m.render()
	return m
}

// Painted reports how many of m's styles are written as their codes.
func Painted(m Model) int {
	n := 0
	p := m.paints
	for _, q := range []*paint{&p.Title, &p.Badge, &p.Section, &p.Label, &p.Value, &p.Key, &p.Muted, &p.Secret,
		&p.Healthy, &p.Warning, &p.Danger, &p.Busy, &p.BarEmpty, &p.Error, &p.Hint} {
		if q.exact {
			n++
		}
	}
	return n
}
