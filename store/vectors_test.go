package store

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	agetest "c2sp.org/CCTV/age"
	"filippo.io/age"
)

var updateVectors = flag.Bool("update-vectors", false, "rewrite testdata/vectors")

// vector is one test vector file: "key: value" header lines, a blank
// line, then the file itself, as in age's CCTV vectors. Our own vectors
// add "file" (vault.age or identity.age), "providers" and "theme".
type vector struct {
	expect      string
	payloadHash []byte
	identities  []string
	passphrases []string
	armored     bool
	file        string
	providers   string
	theme       string
	body        []byte
}

func parseVector(t *testing.T, data []byte) *vector {
	t.Helper()
	v := &vector{}
	compressed := false
	for {
		line, rest, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			t.Fatal("vector has no body")
		}
		data = rest
		if len(line) == 0 {
			break
		}
		key, value, _ := strings.Cut(string(line), ": ")
		switch key {
		case "expect":
			v.expect = value
		case "payload":
			v.payloadHash, _ = hex.DecodeString(value)
		case "identity":
			v.identities = append(v.identities, value)
		case "passphrase":
			v.passphrases = append(v.passphrases, value)
		case "armored":
			v.armored = true
		case "file":
			v.file = value
		case "providers":
			v.providers = value
		case "theme":
			v.theme = value
		case "file key", "comment":
		case "compressed":
			if value != "zlib" {
				t.Fatalf("unknown compression %q", value)
			}
			compressed = true
		default:
			t.Fatalf("unknown vector header %q", key)
		}
	}
	v.body = data
	if compressed {
		r, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if v.body, err = io.ReadAll(r); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// ageIdentities builds fresh identities for a vector (the open path sets
// a work-factor cap on passphrase identities).
func (v *vector) ageIdentities(t *testing.T) []age.Identity {
	var ids []age.Identity
	for _, s := range v.identities {
		var id age.Identity
		var err error
		if strings.HasPrefix(s, "AGE-SECRET-KEY-PQ-") {
			id, err = age.ParseHybridIdentity(s)
		} else {
			id, err = age.ParseX25519Identity(s)
		}
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for _, p := range v.passphrases {
		id, err := age.NewScryptIdentity(p)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		ids = append(ids, otherKey(t))
	}
	return ids
}

// TestCCTVVectors runs age's own test vectors through the store's read
// path (the file checks, the work-factor check, decryption, the full read
// and the error classification): the files that must decrypt do, to the
// right plaintext, and every file that must fail is refused with one of
// the store's errors. Armored files are refused: the store never writes
// them, so one in its place was put there by someone else. The three
// vectors over 16 MiB are refused unread (ErrTooLarge).
func TestCCTVVectors(t *testing.T) {
	entries, err := fs.ReadDir(agetest.Vectors, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 100 {
		t.Fatalf("only %d CCTV vectors", len(entries))
	}
	for _, e := range entries {
		data, err := fs.ReadFile(agetest.Vectors, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			v := parseVector(t, data)
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, vaultFile), v.body)
			read, err := readSafe(dir, vaultFile, nil)
			if len(v.body) > MaxFileSize {
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("a %d-byte file: got %v, want ErrTooLarge", len(v.body), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			plain, err := unseal(filepath.Join(dir, vaultFile), read, v.ageIdentities(t)...)
			switch {
			case v.armored:
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("armored file: got %v, want ErrCorrupt", err)
				}
			case v.expect == "success":
				if err != nil {
					t.Fatalf("must decrypt: %v", err)
				}
				if h := sha256.Sum256([]byte(plain)); !bytes.Equal(h[:], v.payloadHash) {
					t.Fatal("plaintext hash mismatch")
				}
			default:
				if err == nil {
					t.Fatalf("expected %s, decrypted", v.expect)
				}
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrWrongPassphrase) &&
					!errors.Is(err, ErrWorkFactor) && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("expected %s, got an unclassified error: %v", v.expect, err)
				}
				if v.expect == "no match" && len(v.passphrases) == 0 && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("no match for a key must be corrupt-or-replaced, got %v", err)
				}
				// A single scrypt stanza that does not open is a wrong
				// passphrase; anything else (an "Scrypt" stanza, a key
				// stanza) means the file is not ours.
				_, scrypt := scryptWorkFactor(v.body)
				if v.expect == "no match" && len(v.passphrases) > 0 && scrypt && !errors.Is(err, ErrWrongPassphrase) {
					t.Fatalf("no match for a passphrase must be a wrong passphrase, got %v", err)
				}
				if v.expect == "no match" && len(v.passphrases) > 0 && !scrypt && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("no match for a file with no scrypt stanza must be corrupt, got %v", err)
				}
				if v.expect == "HMAC failure" && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("HMAC failure must be corrupt, got %v", err)
				}
			}
		})
	}
}

// TestOwnVectors runs the store format's vector files through the public
// open paths: vault.age vectors through OpenIdentity, identity.age vectors
// through OpenPassphrase (next to a vault encrypted to the identity).
func TestOwnVectors(t *testing.T) {
	if *updateVectors {
		writeVectors(t)
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "vectors", "*"))
	if err != nil || len(paths) < 15 {
		t.Fatalf("found %d vectors (%v)", len(paths), err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			v := parseVector(t, data)
			dir := filepath.Join(t.TempDir(), "home")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			var vault *Vault
			switch v.file {
			case vaultFile:
				writeFile(t, filepath.Join(dir, vaultFile), v.body)
				vault, err = OpenIdentity(dir, v.identities[0])
			case identityFile:
				writeFile(t, filepath.Join(dir, identityFile), v.body)
				key := otherKey(t)
				if len(v.identities) > 0 {
					key, _ = age.ParseX25519Identity(v.identities[0])
				}
				writeFile(t, filepath.Join(dir, vaultFile), sealFor(t, newVault(dir, key), []byte(`{"version":1,"providers":[]}`)))
				vault, err = OpenPassphrase(dir, []byte(v.passphrases[0]))
			default:
				t.Fatalf("vector names no file (%q)", v.file)
			}
			want := map[string]error{"corrupt": ErrCorrupt, "unsupported": ErrUnsupported,
				"wrong passphrase": ErrWrongPassphrase, "work factor": ErrWorkFactor}[v.expect]
			switch {
			case v.expect == "success":
				if err != nil {
					t.Fatalf("must open: %v", err)
				}
				p, err := vault.Load()
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Join(p.Names(), ","); got != v.providers || p.Theme != v.theme {
					t.Fatalf("opened providers %q theme %q, want %q %q", got, p.Theme, v.providers, v.theme)
				}
				if v.file == identityFile && vault.id.String() != v.identities[0] {
					t.Fatal("unwrapped a different identity")
				}
			case want == nil:
				t.Fatalf("unknown expectation %q", v.expect)
			case !errors.Is(err, want):
				t.Fatalf("got %v, want %v", err, want)
			}
		})
	}
}
