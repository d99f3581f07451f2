//go:build !windows

package store

import "github.com/google/renameio/v2"

// newPending opens a 0600 temp file in dir (never $TMPDIR, which renameio
// would pick when a rename from there works: a secret must not pass
// through a shared directory) that will replace path. Static permissions:
// renameio.WriteFile would keep an existing file's, possibly too open,
// mode.
func newPending(dir, path string) (pending, error) {
	return renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithStaticPermissions(0o600))
}
