package store

import (
	"encoding/json"
	"fmt"
)

// The layout on disk (schema version 2). vault.age is the index: the
// theme, the settings, and each provider's name, in the user's order, with
// the provider file that holds it. The providers, with their tokens and
// history, are in provider files beside it, providers-<16 hex digits>.age,
// each an age file encrypted to the same identity and holding up to
// groupSize providers: each provider with its token, then every history,
// by provider name, after all of them (groupJSON), so that what needs no
// history (the explorer's list, a command's token) is read without them.
//
// A save rewrites what it changed and nothing else. A token recorded, or
// any change to providers of one file that leaves the index as it was,
// replaces that one file (an atomic rename, as every write). Any other
// change (a provider added, removed or moved, the settings, several
// files at once) writes every changed file under a new name, then
// replaces vault.age, which is the commit: until the rename, readers and a
// crash see the old index, which names only old files; after it, the new
// one. The old files are removed last, and whatever a crash left over
// (temp files, provider files no index names) is removed at the next open.
//
// Readers take no lock. A reader that finds a file missing re-reads the
// index: a commit removed it after replacing the index.

// groupSize is how many providers one file holds. A save of a token
// re-encrypts its file, so the file must stay small (16 providers with a
// 1 KB token and a full history are about 60 KB), while reading every
// provider (the explorer's start, list) costs an X25519 decryption per
// file (about 0.2 ms here), so 1,000 providers must not be 1,000 files.
// Sixteen hostile providers with the biggest tokens a server can give
// (1 MiB each) still fit in the 16 MiB a file may have.
const groupSize = 16

// The name of a provider file: groupPrefix, 16 lowercase hex digits,
// groupSuffix. The digits are random; they say nothing about the
// providers inside.
const (
	groupPrefix = "providers-"
	groupSuffix = ".age"
	groupDigits = 16
)

// index is the plaintext of vault.age.
type index struct {
	Version   int        `json:"version"`
	Theme     string     `json:"theme,omitempty"`
	Settings  Settings   `json:"settings"`
	Providers []indexRef `json:"providers"`

	// byName maps each name to its position in Providers, made on first
	// use: an index is never changed once read or written, and a save
	// must not cost a pass over every provider. An index made to be
	// shared (decoded, planned) makes it at once, so that readers on
	// several goroutines only read it.
	byName map[string]int
}

// find is the position of the named provider, or -1.
func (idx *index) find(name string) int {
	if idx.byName == nil {
		idx.byName = make(map[string]int, len(idx.Providers))
		for i, r := range idx.Providers {
			idx.byName[r.Name] = i
		}
	}
	if i, ok := idx.byName[name]; ok {
		return i
	}
	return -1
}

// indexJSON is how vault.age writes an index: the names in order, and the
// names each file holds. Lists of strings, not an object per provider:
// encoding/json reads them about three times as fast, and every command
// reads the index.
type indexJSON struct {
	Version   int                 `json:"version"`
	Theme     string              `json:"theme,omitempty"`
	Settings  Settings            `json:"settings"`
	Providers []string            `json:"providers"`
	Files     map[string][]string `json:"files"`
}

func (idx *index) MarshalJSON() ([]byte, error) {
	j := indexJSON{Version: idx.Version, Theme: idx.Theme, Settings: idx.Settings,
		Providers: make([]string, len(idx.Providers)), Files: map[string][]string{}}
	for i, r := range idx.Providers {
		j.Providers[i] = r.Name
		j.Files[r.File] = append(j.Files[r.File], r.Name)
	}
	return json.Marshal(j)
}

// index checks that every name is in one file and every file's name is
// in the list, and makes the index. decodeIndex decodes into indexJSON
// directly, not through an UnmarshalJSON of index: encoding/json scans a
// value twice more to hand it to one. One map, made once, serves both the
// checks and byName: every command reads the index, and a map of a
// thousand names is a good part of what that costs.
func (j *indexJSON) index() (*index, error) {
	n := len(j.Providers)
	idx := &index{Version: j.Version, Theme: j.Theme, Settings: j.Settings, Providers: make([]indexRef, n), byName: make(map[string]int, n)}
	for i, name := range j.Providers {
		idx.Providers[i].Name = name
		idx.byName[name] = i // a name twice: its last place, as find has it
	}
	held := 0
	var notListed map[string]bool // names in a file, not in the list
	for f, names := range j.Files {
		for _, name := range names {
			held++
			if i, ok := idx.byName[name]; ok {
				if idx.Providers[i].File != "" {
					return nil, fmt.Errorf("provider %q is in two files", name)
				}
				idx.Providers[i].File = f
				continue
			}
			if notListed[name] {
				return nil, fmt.Errorf("provider %q is in two files", name)
			}
			if notListed == nil {
				notListed = map[string]bool{}
			}
			notListed[name] = true
		}
	}
	if held != n {
		return nil, fmt.Errorf("the files hold %d providers, the list names %d", held, n)
	}
	for i, name := range j.Providers {
		f := idx.Providers[idx.byName[name]].File
		if f == "" {
			return nil, fmt.Errorf("no file holds provider %q", name)
		}
		idx.Providers[i].File = f
	}
	return idx, nil
}

// indexRef says which file holds a provider. Provider names are not
// secret (they are what the user types); file names are random.
type indexRef struct {
	Name string `json:"name"`
	File string `json:"file"`
}

// decodeIndex parses vault.age's plaintext: an index, or, from a vault of
// schema version 1, the whole payload (legacy), which the caller migrates.
func decodeIndex(text string) (idx *index, legacy *Payload, err error) {
	// The strict decode first: the version is probed (a second parse) only
	// when it fails, or says 1 (an empty old payload is a valid index).
	var j indexJSON
	if err := decodeStrict(text, &j); err != nil || j.Version == 1 {
		switch v := probeVersion(text); {
		case v == 1:
			p, err := decodeLegacy(text)
			return nil, p, err
		case v > SchemaVersion:
			return nil, nil, newerSchema(v)
		}
		return nil, nil, fmt.Errorf("%w: index: %w", ErrCorrupt, err)
	}
	if j.Version > SchemaVersion {
		return nil, nil, newerSchema(j.Version)
	}
	if j.Version != SchemaVersion {
		return nil, nil, fmt.Errorf("%w: index: missing or invalid schema version %d", ErrCorrupt, j.Version)
	}
	if idx, err = j.index(); err != nil {
		return nil, nil, fmt.Errorf("%w: index: %w", ErrCorrupt, err)
	}
	// idx.byName is made: a name twice leaves it shorter than the list.
	var seen map[string]bool
	if len(idx.byName) != len(idx.Providers) {
		seen = make(map[string]bool, len(idx.Providers))
	}
	checked := ""
	for i, r := range idx.Providers {
		switch {
		case r.Name == "":
			return nil, nil, fmt.Errorf("%w: index: provider #%d has no name", ErrCorrupt, i+1)
		case seen != nil && seen[r.Name]:
			return nil, nil, fmt.Errorf("%w: index: provider %q appears twice", ErrCorrupt, r.Name)
		case r.File != checked && !isGroupName(r.File):
			// Never a path: the name is joined to the vault's directory.
			return nil, nil, fmt.Errorf("%w: index: provider %q is in %q, not a provider file's name", ErrCorrupt, r.Name, r.File)
		}
		checked = r.File // a file's providers are mostly next to each other
		if seen != nil {
			seen[r.Name] = true
		}
	}
	return idx, nil, nil
}

// files lists the provider files idx names, in order of first mention.
func (idx *index) files() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range idx.Providers {
		if !seen[r.File] {
			seen[r.File] = true
			out = append(out, r.File)
		}
	}
	return out
}

// fileOf is the file holding the named provider, or "".
func (idx *index) fileOf(name string) string {
	if i := idx.find(name); i >= 0 {
		return idx.Providers[i].File
	}
	return ""
}

// roomy is the last file with room for one more provider, or "".
func (idx *index) roomy() string {
	count := map[string]int{}
	for _, r := range idx.Providers {
		count[r.File]++
	}
	files := idx.files()
	for i := len(files) - 1; i >= 0; i-- {
		if count[files[i]] < groupSize {
			return files[i]
		}
	}
	return ""
}

// holds reports whether es are exactly the providers idx places in file.
func (idx *index) holds(file string, es []Entry) bool {
	names := make([]string, len(es))
	for i := range es {
		names[i] = es[i].Provider.Name
	}
	return idx.holdsNames(file, names)
}

// holdsNames reports whether names, which are unique, are exactly those of
// the providers idx places in file.
func (idx *index) holdsNames(file string, names []string) bool {
	for _, name := range names {
		if i := idx.find(name); i < 0 || idx.Providers[i].File != file {
			return false
		}
	}
	n := 0
	for _, r := range idx.Providers {
		if r.File == file {
			n++
		}
	}
	return n == len(names) // names are unique on both sides
}

func sameIndex(a, b *index) bool {
	if a == nil || b == nil || a.Version != b.Version || a.Theme != b.Theme || a.Settings != b.Settings || len(a.Providers) != len(b.Providers) {
		return false
	}
	for i := range a.Providers {
		if a.Providers[i] != b.Providers[i] {
			return false
		}
	}
	return true
}

// plan lays p out over files: each provider stays in the file that held
// it; a new one joins a file that was read and has room, or new files
// (named "+0", "+1"… until commit names them). With full (every file was
// read) the order is p's; otherwise it is the old order, less the
// providers removed from the files read, then the new ones. groups has
// an entry for every file read, empty for a file left with no provider.
func plan(old *index, loaded map[string][]Entry, p *Payload, full bool) (*index, map[string][]Entry, error) {
	fileOf := func(name string) (string, bool) {
		if i := old.find(name); i >= 0 {
			return old.Providers[i].File, true
		}
		return "", false
	}
	groups := make(map[string][]Entry, len(loaded)+1)
	for f := range loaded {
		groups[f] = nil
	}
	var fresh []int
	for i := range p.Providers {
		name := p.Providers[i].Provider.Name
		f, ok := fileOf(name)
		if !ok {
			fresh = append(fresh, i)
			continue
		}
		if _, ok := loaded[f]; !ok {
			return nil, nil, fmt.Errorf("save: provider %q is in a file this change did not read", name)
		}
		groups[f] = append(groups[f], p.Providers[i])
	}
	placed := make(map[string]string, len(fresh))
	files := old.files()
	cur := ""
	for _, i := range fresh {
		e := p.Providers[i]
		target := ""
		for _, f := range files {
			if n := len(groups[f]); n > 0 && n < groupSize {
				target = f
				break
			}
		}
		if target == "" {
			if cur == "" || len(groups[cur]) >= groupSize {
				cur = fmt.Sprintf("+%d", len(groups))
			}
			target = cur
		}
		groups[target] = append(groups[target], e)
		placed[e.Provider.Name] = target
	}
	idx := &index{Version: SchemaVersion, Theme: p.Theme, Settings: p.Settings, Providers: make([]indexRef, 0, len(old.Providers)+len(fresh))}
	if full {
		for _, e := range p.Providers {
			name := e.Provider.Name
			f, ok := fileOf(name)
			if !ok {
				f = placed[name]
			}
			idx.Providers = append(idx.Providers, indexRef{Name: name, File: f})
		}
		idx.find("") // before the index is shared
		return idx, groups, nil
	}
	kept := make(map[string]bool, len(p.Providers))
	for _, e := range p.Providers {
		kept[e.Provider.Name] = true
	}
	for _, r := range old.Providers {
		if _, read := loaded[r.File]; read && !kept[r.Name] {
			continue // removed
		}
		idx.Providers = append(idx.Providers, r)
	}
	for _, i := range fresh {
		name := p.Providers[i].Provider.Name
		idx.Providers = append(idx.Providers, indexRef{Name: name, File: placed[name]})
	}
	idx.find("") // before the index is shared
	return idx, groups, nil
}

// payloadOf assembles the providers of the files read, in idx's order, as
// copies the caller may change.
func payloadOf(idx *index, loaded map[string][]Entry) *Payload {
	p := &Payload{Version: SchemaVersion, Theme: idx.Theme, Settings: idx.Settings, Providers: []Entry{}}
	byName := map[string]*Entry{}
	for _, es := range loaded {
		for i := range es {
			byName[es[i].Provider.Name] = &es[i]
		}
	}
	for _, r := range idx.Providers {
		if e, ok := byName[r.Name]; ok {
			p.Providers = append(p.Providers, cloneEntry(*e))
		}
	}
	return p
}
