//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package ghl

import "context"

// fileLocking reports whether FileTokenStore locks across processes here.
// On this platform it does not: FileTokenStore.Lock only excludes goroutines
// of the same process, so the token directory must not be shared by several
// processes.
const fileLocking = false

func lockFile(ctx context.Context, path string) (func() error, error) {
	return func() error { return nil }, nil
}
