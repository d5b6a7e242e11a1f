package feed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// CheckpointStore keeps each feed's checkpoint, an opaque byte string, under
// the feed's key. A feed calls Load at the start of every cycle and Save
// after its handler accepted the cycle's changes.
//
// Save must be atomic: a Load that follows, in this process or after a
// crash, returns the old checkpoint or the new one, never a mix. Load
// returns nil and no error for a key never saved. Implementations must be
// safe for concurrent use; a store shared by several processes (Redis, a
// database) must also make sure that one feed key is polled by one process
// at a time, or accept duplicate deliveries.
type CheckpointStore interface {
	Load(ctx context.Context, key string) ([]byte, error)
	Save(ctx context.Context, key string, checkpoint []byte) error
}

// MemoryStore is a [CheckpointStore] in memory: checkpoints survive a new
// [Feed] but not the process. The zero value is ready to use.
type MemoryStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

// Load returns a copy of the checkpoint saved under key, nil if none.
func (s *MemoryStore) Load(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.m[key]; ok {
		return append([]byte(nil), b...), nil
	}
	return nil, nil
}

// Save stores a copy of checkpoint under key.
func (s *MemoryStore) Save(ctx context.Context, key string, checkpoint []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string][]byte)
	}
	s.m[key] = append([]byte(nil), checkpoint...)
	return nil
}

// FileStore is a [CheckpointStore] that keeps each checkpoint in its own
// file of a private directory (files 0600, directory 0700), so that a feed
// restarted after a crash or a deploy goes on where it was acknowledged.
//
// Save writes a new temporary file (created with O_EXCL, so it never opens
// an existing file or a link), syncs it, renames it over the old file and
// syncs the directory, as [ghl.FileTokenStore] does: a reader or a crash
// sees the old checkpoint or the new one, never a partial file. One process
// should poll a given key at a time; FileStore does not lock between
// processes.
type FileStore struct {
	dir string
}

// NewFileStore returns a store writing to dir, created with mode 0700 if it
// does not exist. An existing dir that group or others can write is refused.
func NewFileStore(dir string) (*FileStore, error) {
	if dir == "" {
		return nil, errors.New("feed: NewFileStore: directory is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("feed: NewFileStore: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("feed: NewFileStore: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("feed: NewFileStore: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("feed: NewFileStore: %s is not a directory", abs)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("feed: NewFileStore: %s is writable by group or others (mode %v); use a private directory (chmod 700)", abs, fi.Mode().Perm())
	}
	return &FileStore{dir: abs}, nil
}

// Dir returns the store's directory.
func (s *FileStore) Dir() string { return s.dir }

// Path returns the file that holds the checkpoint of key.
func (s *FileStore) Path(key string) string {
	return filepath.Join(s.dir, fileName(key)+".ckpt")
}

// fileName maps a key to a safe file name: letters, digits, '-', '_' and
// '.' are kept, every other byte (such as the '/' of "contacts/<location>")
// becomes '%' and two hex digits.
func fileName(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Load reads the checkpoint of key; nil and no error when there is none.
func (s *FileStore) Load(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(s.Path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("feed: FileStore: %w", err)
	}
	return b, nil
}

// Save replaces the checkpoint of key atomically and durably: temporary
// file, fsync, rename, fsync of the directory.
func (s *FileStore) Save(ctx context.Context, key string, checkpoint []byte) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := createTemp(s.dir, "."+fileName(key)+".tmp-")
	if err != nil {
		return fmt.Errorf("feed: FileStore: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(checkpoint); err != nil {
		return fmt.Errorf("feed: FileStore: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("feed: FileStore: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("feed: FileStore: %w", err)
	}
	if err = os.Rename(tmp, s.Path(key)); err != nil {
		return fmt.Errorf("feed: FileStore: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("feed: FileStore: %w", err)
	}
	return nil
}

// createTemp creates a new file (mode 0600) in dir whose name starts with
// prefix; O_EXCL makes it fail rather than open an existing file or link.
func createTemp(dir, prefix string) (*os.File, error) {
	var b [12]byte
	for range 100 {
		rand.Read(b[:])
		f, err := os.OpenFile(filepath.Join(dir, prefix+hex.EncodeToString(b[:])), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("could not create a temporary file")
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
