package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// prepareDir creates the socket's directory, 0700, when it is missing,
// then checks it as checkDir does.
func prepareDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create the agent's directory: %w", err)
	}
	return checkDir(dir)
}

// checkDir refuses a socket directory that is not the user's own: a
// symlink or something else than a directory, a directory another user
// owns (who could replace the socket with one of theirs), or one that
// group or others may enter.
func checkDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s is not a directory (%s): remove it", ErrUnsafe, dir, fi.Mode().Type())
	}
	if uid, ok := fileOwner(fi); ok && uid != os.Geteuid() {
		return fmt.Errorf("%w: %s is owned by user %d, not by you (%d): another user could read or replace the agent's socket there; remove it, or set XDG_RUNTIME_DIR to a directory of your own",
			ErrUnsafe, dir, uid, os.Geteuid())
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%w: %s is open to group or others (mode %04o): run chmod 700 %s", ErrUnsafe, dir, perm, dir)
	}
	return nil
}
