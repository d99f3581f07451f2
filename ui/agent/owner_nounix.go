//go:build !unix

package agent

import "io/fs"

// fileOwner reports no owner: Windows files have ACLs, not a uid.
func fileOwner(fs.FileInfo) (uid int, ok bool) { return 0, false }
