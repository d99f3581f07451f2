//go:build !unix

package store

import (
	"io/fs"
	"os"
)

// openNoFollow opens path for reading. Windows has neither O_NOFOLLOW nor
// FIFOs in the file system: readSafe's Lstat and the check on the open
// descriptor do the work.
func openNoFollow(path string) (*os.File, error) { return os.Open(path) }

// fileOwner reports no owner: Windows files have ACLs, not a uid.
func fileOwner(fs.FileInfo) (uid int, ok bool) { return 0, false }

// holdFiles is false: on Windows a file held open may not be renamed
// over, and file identities are not what readKnown relies on.
const holdFiles = false
