//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ghl

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// fileLocking reports whether FileTokenStore locks across processes here.
const fileLocking = true

// oNoFollow makes open(2) fail on a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW

// privateDir refuses a store directory that group or others can write, or
// that is owned by another user than uid.
func privateDir(dir string, fi fs.FileInfo, uid int) error {
	if fi.Mode().Perm()&0o022 != 0 {
		return &InsecureStoreError{Path: dir, Mode: fi.Mode(),
			Reason: "the directory is writable by group or others; use a private one (chmod 700)"}
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int64(st.Uid) != int64(uid) {
		return &InsecureStoreError{Path: dir, Mode: fi.Mode(),
			Reason: fmt.Sprintf("the directory is owned by uid %d, not by the current user (uid %d)", st.Uid, uid)}
	}
	return nil
}

// lockFile takes an exclusive flock(2) on path, creating the file (0600) if
// needed; a path that is a symbolic link is refused (see openPrivate). The
// kernel drops the lock when the process dies, so a crashed holder never
// leaves the lock behind. Waiting honours ctx.
func lockFile(ctx context.Context, path string) (func() error, error) {
	f, err := openPrivate(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		var ie *InsecureStoreError
		if errors.As(err, &ie) {
			return nil, err
		}
		return nil, fmt.Errorf("ghl: FileTokenStore: lock: %w", err)
	}
	fd := int(f.Fd())
	unlock := func() error {
		err := flock(fd, syscall.LOCK_UN)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	// Fast path: the lock is free.
	err = flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		return unlock, nil
	}
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		f.Close()
		return nil, fmt.Errorf("ghl: FileTokenStore: lock: %w", err)
	}
	// Wait in a goroutine, so that ctx can end the wait; a wait given up
	// releases the lock as soon as it is granted.
	res := make(chan error, 1)
	go func() { res <- flock(fd, syscall.LOCK_EX) }()
	select {
	case err := <-res:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("ghl: FileTokenStore: lock: %w", err)
		}
		return unlock, nil
	case <-ctx.Done():
		go func() {
			if <-res == nil {
				_ = flock(fd, syscall.LOCK_UN)
			}
			f.Close()
		}()
		return nil, fmt.Errorf("ghl: FileTokenStore: waiting for lock: %w", ctx.Err())
	}
}

// flock calls flock(2), retrying when a signal interrupts it (the Go
// runtime preempts goroutines with signals).
func flock(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if err != syscall.EINTR {
			return err
		}
	}
}
