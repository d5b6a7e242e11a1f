//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package ghl

import (
	"context"
	"io/fs"
)

// fileLocking reports whether FileTokenStore locks across processes here.
// On this platform it does not: FileTokenStore.Lock only excludes goroutines
// of the same process, so the token directory must not be shared by several
// processes.
const fileLocking = false

// oNoFollow is 0: open has no O_NOFOLLOW here, so openPrivate relies on its
// lstat check alone.
const oNoFollow = 0

// privateDir checks nothing here: this platform has no POSIX permission
// bits or owner to check (protect the directory with its ACL).
func privateDir(dir string, fi fs.FileInfo, uid int) error { return nil }

func lockFile(ctx context.Context, path string) (func() error, error) {
	return func() error { return nil }, nil
}
