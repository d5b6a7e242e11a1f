//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ghl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// fileLocking reports whether FileTokenStore locks across processes here.
const fileLocking = true

// lockFile takes an exclusive flock(2) on path, creating the file (0600) if
// needed. The kernel drops the lock when the process dies, so a crashed
// holder never leaves the lock behind. Waiting honours ctx.
func lockFile(ctx context.Context, path string) (func() error, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
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
