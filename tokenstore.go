package ghl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrNoToken is returned (wrapped) when a [TokenStore] holds no token for a
// key: the app was never installed there, or the token was deleted.
var ErrNoToken = errors.New("ghl: no token stored")

// ErrInsecureStore is matched by an [*InsecureStoreError]: a
// [FileTokenStore] refused a directory or file that someone else could have
// changed or planted.
var ErrInsecureStore = errors.New("ghl: token store is not private")

// InsecureStoreError reports a [FileTokenStore] directory or file that is
// not private to the current user: a directory writable by group or others
// or owned by another user, or a token or lock file that is a symbolic link
// or not a regular file. The store refuses it rather than read a token
// someone could have planted or write where a link points. It never holds a
// token. Match it with [ErrInsecureStore].
type InsecureStoreError struct {
	// Path is the directory or file refused.
	Path string
	// Mode is its mode, as lstat(2) reported it.
	Mode fs.FileMode
	// Reason says what is wrong with it.
	Reason string
}

// Error names the path, its mode and the reason; never a token.
func (e *InsecureStoreError) Error() string {
	return fmt.Sprintf("ghl: FileTokenStore: %s (mode %04o): %s", e.Path, e.Mode.Perm(), e.Reason)
}

// Is matches [ErrInsecureStore].
func (e *InsecureStoreError) Is(target error) bool { return target == ErrInsecureStore }

// StoredToken is an OAuth token pair as a [TokenStore] keeps it: the access
// token, the single-use refresh token that replaces it, and who it acts for.
//
// Its String, GoString and LogValue methods redact the tokens, so printing or
// logging a StoredToken never leaks them. Its JSON form (used by
// [FileTokenStore]) holds them in clear: protect the store.
type StoredToken struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	// IssuedAt is when the token was obtained (the client's clock).
	IssuedAt time.Time `json:"issued_at,omitzero"`
	// Scope lists the granted scopes, separated by spaces.
	Scope string `json:"scope,omitempty"`
	// UserType is Location for a sub-account token, Company for an agency one.
	UserType   UserType `json:"user_type,omitempty"`
	LocationID string   `json:"location_id,omitempty"`
	CompanyID  string   `json:"company_id,omitempty"`
	// UserID is the user who installed the app.
	UserID string `json:"user_id,omitempty"`
	// ApprovedLocations are the locations an agency token may get location
	// tokens for (bulk installations).
	ApprovedLocations []string `json:"approved_locations,omitempty"`
	PlanID            string   `json:"plan_id,omitempty"`
}

// Key is the store key of the token: the location ID of a Location token,
// the company ID of a Company token.
func (t *StoredToken) Key() string {
	if t == nil {
		return ""
	}
	if t.UserType == UserTypeCompany || (t.LocationID == "" && t.CompanyID != "") {
		return t.CompanyID
	}
	return t.LocationID
}

// String describes the token without its secrets.
func (t StoredToken) String() string {
	return fmt.Sprintf("ghl.StoredToken{UserType: %q, LocationID: %q, CompanyID: %q, Expiry: %s, AccessToken: %s, RefreshToken: %s}",
		t.UserType, t.LocationID, t.CompanyID, t.Expiry.UTC().Format(time.RFC3339), redacted(t.AccessToken), redacted(t.RefreshToken))
}

// GoString is String: %#v does not print the tokens either.
func (t StoredToken) GoString() string { return t.String() }

// LogValue logs the token's metadata, never its secrets.
func (t StoredToken) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("user_type", string(t.UserType)),
		slog.String("location_id", t.LocationID),
		slog.String("company_id", t.CompanyID),
		slog.Time("expiry", t.Expiry),
		slog.String("access_token", redacted(t.AccessToken)),
		slog.String("refresh_token", redacted(t.RefreshToken)),
	)
}

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

func (t *StoredToken) clone() *StoredToken {
	if t == nil {
		return nil
	}
	c := *t
	c.ApprovedLocations = append([]string(nil), t.ApprovedLocations...)
	return &c
}

// TokenStore keeps OAuth tokens, keyed by location ID (Location tokens) or
// company ID (Company tokens). The refreshing token sources of [OAuthApp] read
// and write it; it must be safe for concurrent use.
//
// Load returns an error matching [ErrNoToken] when the key has no token.
// The stores of this package refuse a nil ctx in every method with an
// error matching [ErrInvalidArgument].
// Save must replace the stored token atomically: a reader sees the old token
// or the new one, never a mix, and a Save that returned nil must survive a
// crash of the process.
//
// A store shared by several processes (a file on one machine, Redis, SQL)
// should also implement [Locker], so that only one process refreshes a
// token at a time: HighLevel refresh tokens are single-use, and two
// processes refreshing with the same one break the installation.
type TokenStore interface {
	Load(ctx context.Context, key string) (*StoredToken, error)
	Save(ctx context.Context, key string, tok *StoredToken) error
	Delete(ctx context.Context, key string) error
}

// Locker is implemented by token stores that can lock a key across every
// process that shares the store. The token sources of [OAuthApp] refresh
// like this:
//
//	unlock, err := store.Lock(ctx, key)
//	tok, err := store.Load(ctx, key)   // someone else may have refreshed
//	if tok is still valid { use it }
//	else { refresh at HighLevel; store.Save(ctx, key, newTok) }
//	unlock()
//
// Lock blocks until the lock is held or ctx is done. The lock must be
// released if the holder dies (a kernel file lock, or a lease with a
// timeout that is longer than a refresh takes).
type Locker interface {
	Lock(ctx context.Context, key string) (unlock func() error, err error)
}

// keyMutex is a per-key mutex whose Lock honours a context.
type keyMutex struct {
	mu    sync.Mutex
	locks map[string]chan struct{}
}

func (m *keyMutex) lock(ctx context.Context, key string) (func(), error) {
	m.mu.Lock()
	if m.locks == nil {
		m.locks = make(map[string]chan struct{})
	}
	ch := m.locks[key]
	if ch == nil {
		ch = make(chan struct{}, 1)
		m.locks[key] = ch
	}
	m.mu.Unlock()
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { <-ch }) }, nil
}

// MemoryTokenStore keeps tokens in memory, for tests and single-process
// programs that obtain their tokens at start-up. Tokens are lost when the
// process ends. It implements [Locker] within the process.
type MemoryTokenStore struct {
	mu     sync.Mutex
	tokens map[string]*StoredToken
	locks  keyMutex
}

// NewMemoryTokenStore returns an empty in-memory store.
func NewMemoryTokenStore() *MemoryTokenStore {
	return &MemoryTokenStore{tokens: make(map[string]*StoredToken)}
}

// Load returns a copy of the token stored under key.
func (s *MemoryTokenStore) Load(ctx context.Context, key string) (*StoredToken, error) {
	if ctx == nil {
		return nil, nilContext("MemoryTokenStore.Load")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[key]
	if !ok {
		return nil, fmt.Errorf("%w for %q", ErrNoToken, key)
	}
	return t.clone(), nil
}

// Save stores a copy of tok under key.
func (s *MemoryTokenStore) Save(ctx context.Context, key string, tok *StoredToken) error {
	if ctx == nil {
		return nilContext("MemoryTokenStore.Save")
	}
	if tok == nil {
		return errors.New("ghl: MemoryTokenStore.Save: token is nil")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens == nil {
		s.tokens = make(map[string]*StoredToken)
	}
	s.tokens[key] = tok.clone()
	return nil
}

// Delete removes the token stored under key, if any.
func (s *MemoryTokenStore) Delete(ctx context.Context, key string) error {
	if ctx == nil {
		return nilContext("MemoryTokenStore.Delete")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, key)
	return nil
}

// Lock locks key within this process.
func (s *MemoryTokenStore) Lock(ctx context.Context, key string) (func() error, error) {
	if ctx == nil {
		return nil, nilContext("MemoryTokenStore.Lock")
	}
	unlock, err := s.locks.lock(ctx, key)
	if err != nil {
		return nil, err
	}
	return func() error { unlock(); return nil }, nil
}

// String describes the store without its tokens.
func (s *MemoryTokenStore) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("ghl.MemoryTokenStore{%d tokens}", len(s.tokens))
}

// GoString is String.
func (s *MemoryTokenStore) GoString() string { return s.String() }

// Format prints String for every verb, so no verb prints a token.
func (s *MemoryTokenStore) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }

// FileTokenStore keeps each token in its own JSON file in a directory, one
// file per key (mode 0600, directory 0700). Several processes on one machine
// may share the directory:
//
//   - The directory must be private: on Linux, macOS and the BSDs,
//     [NewFileTokenStore] refuses one that group or others can write or that
//     another user owns, and no token or lock file is opened through a
//     symbolic link (a [*InsecureStoreError]).
//   - Save writes a temporary file, syncs it, renames it over the old file
//     and syncs the directory, so a reader or a crash sees the old token or
//     the new one, never a partial file.
//   - Lock takes an exclusive flock(2) on "<key>.lock" next to the token
//     file (Linux, macOS and the BSDs), so one process refreshes while the
//     others wait and then read its result. The kernel releases the lock
//     when the holding process exits or is killed, so a crash never leaves
//     a stale lock. On other platforms Lock only excludes goroutines of the
//     same process: do not share the directory between processes there.
//
// Do not put the directory on a network file system (NFS), where flock may
// not be enforced between machines. For several machines, use a store with
// a distributed lock.
type FileTokenStore struct {
	dir   string
	locks keyMutex

	// hook, when set by tests, is called at each step of Save.
	hook func(point string)
}

// NewFileTokenStore returns a store that keeps tokens in dir, creating it
// (mode 0700) if needed. An existing dir must be private to the current
// user: on Linux, macOS and the BSDs one that group or others can write
// (mode&0o022 != 0), or that another user owns, is refused with an
// [*InsecureStoreError].
func NewFileTokenStore(dir string) (*FileTokenStore, error) {
	if dir == "" {
		return nil, errors.New("ghl: NewFileTokenStore: directory is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ghl: NewFileTokenStore: %w", err)
	}
	if err := mkdirPrivate(abs); err != nil {
		return nil, fmt.Errorf("ghl: NewFileTokenStore: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("ghl: NewFileTokenStore: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("ghl: NewFileTokenStore: %s is not a directory", abs)
	}
	if err := privateDir(abs, fi, os.Geteuid()); err != nil {
		return nil, err
	}
	return &FileTokenStore{dir: abs}, nil
}

// mkdirPrivate creates dir and any missing parent with mode 0700, whatever
// the umask. Existing directories are left as they are.
func mkdirPrivate(dir string) error {
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil // exists (or cannot be checked: the caller's Stat reports it)
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := mkdirPrivate(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // created meanwhile by someone else: checked by the caller
		}
		return err
	}
	return os.Chmod(dir, 0o700) // the umask may have removed bits
}

// Dir returns the directory the store writes to.
func (s *FileTokenStore) Dir() string { return s.dir }

// String describes the store.
func (s *FileTokenStore) String() string { return "ghl.FileTokenStore{" + s.dir + "}" }

// GoString is String.
func (s *FileTokenStore) GoString() string { return s.String() }

// fileName maps a key to a safe file name: IDs are kept as they are, other
// keys are hex-encoded.
func fileName(key string) string {
	safe := key != "" && len(key) <= 128 && !strings.HasPrefix(key, ".") && !strings.HasPrefix(key, "x-")
	for i := 0; safe && i < len(key); i++ {
		c := key[i]
		safe = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	if safe {
		return key
	}
	return "x-" + hex.EncodeToString([]byte(key))
}

// Path returns the file that holds the token for key.
func (s *FileTokenStore) Path(key string) string {
	return filepath.Join(s.dir, fileName(key)+".json")
}

func (s *FileTokenStore) lockPath(key string) string {
	return filepath.Join(s.dir, fileName(key)+".lock")
}

func (s *FileTokenStore) step(point string) {
	if s.hook != nil {
		s.hook(point)
	}
}

// Load reads the token stored under key. A token file that is a symbolic
// link, or not a regular file, is refused ([*InsecureStoreError]) without
// being read.
func (s *FileTokenStore) Load(ctx context.Context, key string) (*StoredToken, error) {
	if ctx == nil {
		return nil, nilContext("FileTokenStore.Load")
	}
	f, err := openPrivate(s.Path(key), os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w for %q", ErrNoToken, key)
	}
	if err != nil {
		return nil, storeError(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	var t StoredToken
	if err := json.Unmarshal(b, &t); err != nil {
		// The JSON error may quote the file's content: keep it out.
		return nil, fmt.Errorf("ghl: FileTokenStore: %s is not a token file", s.Path(key))
	}
	return &t, nil
}

// Save writes tok under key atomically and durably (see [FileTokenStore]).
func (s *FileTokenStore) Save(ctx context.Context, key string, tok *StoredToken) (err error) {
	if ctx == nil {
		return nilContext("FileTokenStore.Save")
	}
	if tok == nil {
		return errors.New("ghl: FileTokenStore.Save: token is nil")
	}
	b, err := json.MarshalIndent(tok, "", "  ")
	if err != nil {
		return fmt.Errorf("ghl: FileTokenStore: encoding token: %w", err)
	}
	target := s.Path(key)
	f, err := createTemp(s.dir, "."+fileName(key)+".tmp-")
	if err != nil {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	if _, err = f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	s.step("save:written")
	// Rename before fsync: once renamed, the new pair survives the death of
	// this process (the kernel has it), which keeps the window in which a
	// rotated refresh token can be lost as short as it can be. The fsyncs
	// that follow make it survive a power loss too; before they complete a
	// power loss could lose the pair either way, since the old one is
	// already spent.
	if err = os.Rename(tmp, target); err != nil {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	s.step("save:renamed")
	if err = f.Sync(); err != nil {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	s.step("save:synced")
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	return nil
}

// Delete removes the token stored under key, if any.
func (s *FileTokenStore) Delete(ctx context.Context, key string) error {
	if ctx == nil {
		return nilContext("FileTokenStore.Delete")
	}
	err := os.Remove(s.Path(key))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("ghl: FileTokenStore: %w", err)
	}
	return nil
}

// Lock locks key for this process and, where flock is available, for every
// process that shares the directory (see [FileTokenStore]). It blocks until
// the lock is held or ctx is done.
func (s *FileTokenStore) Lock(ctx context.Context, key string) (_ func() error, err error) {
	if ctx == nil {
		return nil, nilContext("FileTokenStore.Lock")
	}
	unlockLocal, err := s.locks.lock(ctx, key)
	if err != nil {
		return nil, err
	}
	locked := false
	defer func() {
		if !locked { // an error, or a panic, before the file lock is held
			unlockLocal()
		}
	}()
	unlockFile, err := lockFile(ctx, s.lockPath(key))
	if err != nil {
		return nil, err
	}
	locked = true
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() {
			err = unlockFile()
			unlockLocal()
		})
		return err
	}, nil
}

// openPrivate opens a token or lock file of the store. It refuses a
// symbolic link or anything but a regular file: lstat(2) checks first, and
// the file is opened with O_NOFOLLOW, so a link planted in between fails
// too. The file's errors (fs.ErrNotExist, ...) are returned as they are.
func openPrivate(path string, flag int, perm fs.FileMode) (*os.File, error) {
	fi, err := os.Lstat(path)
	switch {
	case err == nil:
		if err := regularFile(path, fi); err != nil {
			return nil, err
		}
	case !errors.Is(err, fs.ErrNotExist) || flag&os.O_CREATE == 0:
		return nil, err
	}
	f, err := os.OpenFile(path, flag|oNoFollow, perm)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, regularFile(path, fi) // planted after the first check
		}
		return nil, err
	}
	if fi, err = f.Stat(); err != nil {
		f.Close()
		return nil, err
	}
	if err := regularFile(path, fi); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// regularFile refuses a symbolic link or a file that is not regular.
func regularFile(path string, fi fs.FileInfo) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &InsecureStoreError{Path: path, Mode: fi.Mode(), Reason: "is a symbolic link; the store does not follow links"}
	case !fi.Mode().IsRegular():
		return &InsecureStoreError{Path: path, Mode: fi.Mode(), Reason: "is not a regular file"}
	}
	return nil
}

// createTemp creates a new file (mode 0600) in dir whose name starts with
// prefix, with O_EXCL and O_NOFOLLOW: it never opens an existing file or a
// link.
func createTemp(dir, prefix string) (*os.File, error) {
	var b [12]byte
	for range 100 {
		rand.Read(b[:])
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|oNoFollow, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("could not create a temporary file")
}

// storeError wraps a file error; an *InsecureStoreError already names the
// store and is returned as it is.
func storeError(err error) error {
	var ie *InsecureStoreError
	if errors.As(err, &ie) {
		return err
	}
	return fmt.Errorf("ghl: FileTokenStore: %w", err)
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
