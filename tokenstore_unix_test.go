//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ghl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertInsecure checks that err refuses path as not private, naming it
// and no token.
func assertInsecure(t *testing.T, err error, path string) {
	t.Helper()
	require.Error(t, err)
	require.True(t, errors.Is(err, ErrInsecureStore), "errors.Is(%v, ErrInsecureStore)", err)
	var ie *InsecureStoreError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, path, ie.Path)
	assert.Contains(t, err.Error(), path)
	assertNoSecrets(t, []string{sampleToken(7).AccessToken, sampleToken(7).RefreshToken}, err.Error())
}

// Item 13: an existing directory that group or others can write, or that
// another user owns, is refused; a private one is used.
func TestTokenStoreFileRefusesSharedDirectory(t *testing.T) {
	t.Parallel()
	for _, mode := range []os.FileMode{0o777, 0o770, 0o722, 0o702, 0o1777} {
		dir := filepath.Join(t.TempDir(), "tokens")
		require.NoError(t, os.Mkdir(dir, 0o700))
		require.NoError(t, os.Chmod(dir, mode)) // not subject to the umask
		s, err := NewFileTokenStore(dir)
		assert.Nil(t, s, "mode %04o", mode)
		assertInsecure(t, err, dir)
		var ie *InsecureStoreError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, mode.Perm(), ie.Mode.Perm())
		assert.Contains(t, err.Error(), fmt.Sprintf("%04o", mode.Perm()), "names the mode")
		ents, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, ents, "nothing is written there")
	}
	for _, mode := range []os.FileMode{0o700, 0o755, 0o750} {
		dir := filepath.Join(t.TempDir(), "tokens")
		require.NoError(t, os.Mkdir(dir, 0o700))
		require.NoError(t, os.Chmod(dir, mode))
		s, err := NewFileTokenStore(dir)
		require.NoError(t, err, "mode %04o", mode)
		require.NoError(t, s.Save(t.Context(), "loc1", sampleToken(1)))
		got, err := s.Load(t.Context(), "loc1")
		require.NoError(t, err)
		assert.Equal(t, sampleToken(1).RefreshToken, got.RefreshToken)
	}

	// Owned by another user.
	dir := "/" // owned by root: another user, unless the tests run as root
	if os.Geteuid() == 0 {
		dir = filepath.Join(t.TempDir(), "tokens")
		require.NoError(t, os.Mkdir(dir, 0o700))
		require.NoError(t, os.Chown(dir, 65534, 65534))
	}
	_, err := NewFileTokenStore(dir)
	assertInsecure(t, err, dir)
	assert.Contains(t, err.Error(), "owned by uid ")
	assert.Contains(t, err.Error(), strconv.Itoa(os.Geteuid()))
}

// Item 13: a fresh directory is made 0700 (parents too) and token and lock
// files 0600, whatever is already around them.
func TestTokenStoreFileFreshModes(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir := filepath.Join(base, "a", "b", "tokens")
	s, err := NewFileTokenStore(dir)
	require.NoError(t, err)
	for _, d := range []string{filepath.Join(base, "a"), filepath.Join(base, "a", "b"), dir} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), d)
	}
	require.NoError(t, s.Save(t.Context(), "loc1", sampleToken(1)))
	unlock, err := s.Lock(t.Context(), "loc1")
	require.NoError(t, err)
	require.NoError(t, unlock())
	for _, p := range []string{s.Path("loc1"), s.lockPath("loc1")} {
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		assert.True(t, fi.Mode().IsRegular(), p)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
	}
	assertNoTempFiles(t, dir)
}

// plant writes a file outside the store with a token in it and returns its
// path and content.
func plant(t *testing.T) (string, []byte, time.Time) {
	t.Helper()
	outside := filepath.Join(t.TempDir(), "planted.json")
	b := []byte(`{"access_token":"` + sampleToken(7).AccessToken + `","refresh_token":"` + sampleToken(7).RefreshToken + `"}`)
	require.NoError(t, os.WriteFile(outside, b, 0o644))
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(outside, old, old))
	return outside, b, old
}

func assertUntouched(t *testing.T, path string, content []byte, mtime time.Time) {
	t.Helper()
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, content, got, "the planted file is not modified")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, fi.ModTime().Equal(mtime), "the planted file is not written")
}

// Item 13: a token file that is a symbolic link is refused by Load, which
// neither returns nor changes what it points to; Save replaces the link.
func TestTokenStoreFileRefusesSymlinkedToken(t *testing.T) {
	t.Parallel()
	s, err := NewFileTokenStore(t.TempDir())
	require.NoError(t, err)
	outside, content, mtime := plant(t)
	require.NoError(t, os.Symlink(outside, s.Path("loc1")))

	tok, err := s.Load(t.Context(), "loc1")
	assert.Nil(t, tok, "the planted token is not returned")
	assertInsecure(t, err, s.Path("loc1"))
	assert.Contains(t, err.Error(), "symbolic link")
	assertUntouched(t, outside, content, mtime)

	// Through a token source: a load error, not a refresh with the planted token.
	app, err := NewOAuthApp(OAuthConfig{ClientID: "c", ClientSecret: "s", BaseURL: "http://127.0.0.1:1"}, s)
	require.NoError(t, err)
	_, err = app.TokenSource("loc1").Token()
	require.ErrorIs(t, err, ErrInsecureStore)
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "load", te.Op)

	// A save replaces the link itself, not its target.
	require.NoError(t, s.Save(t.Context(), "loc1", sampleToken(1)))
	fi, err := os.Lstat(s.Path("loc1"))
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular())
	assertUntouched(t, outside, content, mtime)
	got, err := s.Load(t.Context(), "loc1")
	require.NoError(t, err)
	assert.Equal(t, sampleToken(1).RefreshToken, got.RefreshToken)

	// A token path that is not a regular file (a FIFO would block a read
	// forever) is refused too.
	require.NoError(t, syscall.Mkfifo(s.Path("loc2"), 0o600))
	err = callBeforeDeadline(t, "Load of a FIFO", func(ctx context.Context) error { _, err := s.Load(ctx, "loc2"); return err })
	assertInsecure(t, err, s.Path("loc2"))
}

// Item 13: a lock file that is a symbolic link is refused by Lock, which
// does not create or open what it points to.
func TestTokenStoreFileRefusesSymlinkedLock(t *testing.T) {
	t.Parallel()
	s, err := NewFileTokenStore(t.TempDir())
	require.NoError(t, err)
	outsideDir := t.TempDir()

	// A dangling link: following it would create a file outside.
	missing := filepath.Join(outsideDir, "created-by-lock")
	require.NoError(t, os.Symlink(missing, s.lockPath("loc1")))
	_, err = s.Lock(t.Context(), "loc1")
	assertInsecure(t, err, s.lockPath("loc1"))
	_, err = os.Lstat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing is created outside the store")

	// A link to an existing file.
	outside, content, mtime := plant(t)
	require.NoError(t, os.Symlink(outside, s.lockPath("loc2")))
	_, err = s.Lock(t.Context(), "loc2")
	assertInsecure(t, err, s.lockPath("loc2"))
	assertUntouched(t, outside, content, mtime)

	// The refused Lock left no lock held: other keys, and the key once the
	// link is gone, lock at once.
	require.NoError(t, os.Remove(s.lockPath("loc1")))
	for _, key := range []string{"loc1", "loc3"} {
		succeedsBeforeDeadline(t, "Lock "+key, func(ctx context.Context) error {
			unlock, err := s.Lock(ctx, key)
			if err != nil {
				return err
			}
			return unlock()
		})
	}
}
