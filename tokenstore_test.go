package ghl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleToken(n int) *StoredToken {
	return &StoredToken{
		AccessToken:  fmt.Sprintf("access-%d-%s", n, strings.Repeat("a", 200)),
		TokenType:    "Bearer",
		RefreshToken: fmt.Sprintf("refresh-%d-%s", n, strings.Repeat("r", 200)),
		Expiry:       time.Date(2026, 1, 1, 0, 0, n, 0, time.UTC),
		IssuedAt:     time.Date(2025, 12, 31, 0, 0, n, 0, time.UTC),
		Scope:        "contacts.readonly contacts.write",
		UserType:     UserTypeLocation,
		LocationID:   "loc1",
		CompanyID:    "co1",
		UserID:       "u1",
	}
}

func testStoreContract(t *testing.T, s TokenStore) {
	ctx := t.Context()
	_, err := s.Load(ctx, "loc1")
	assert.ErrorIs(t, err, ErrNoToken)

	tok := sampleToken(1)
	require.NoError(t, s.Save(ctx, "loc1", tok))
	got, err := s.Load(ctx, "loc1")
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, got.AccessToken)
	assert.Equal(t, tok.RefreshToken, got.RefreshToken)
	assert.True(t, tok.Expiry.Equal(got.Expiry))
	assert.True(t, tok.IssuedAt.Equal(got.IssuedAt))
	assert.Equal(t, tok.UserType, got.UserType)
	assert.Equal(t, tok.LocationID, got.LocationID)
	assert.Equal(t, tok.CompanyID, got.CompanyID)
	assert.Equal(t, tok.Scope, got.Scope)

	// The store keeps its own copy.
	got.RefreshToken = "mutated"
	tok.RefreshToken = "mutated too"
	again, err := s.Load(ctx, "loc1")
	require.NoError(t, err)
	assert.Equal(t, sampleToken(1).RefreshToken, again.RefreshToken)

	require.NoError(t, s.Save(ctx, "loc1", sampleToken(2)))
	again, err = s.Load(ctx, "loc1")
	require.NoError(t, err)
	assert.Equal(t, sampleToken(2).RefreshToken, again.RefreshToken)

	require.NoError(t, s.Delete(ctx, "loc1"))
	require.NoError(t, s.Delete(ctx, "loc1"), "deleting a missing key is fine")
	_, err = s.Load(ctx, "loc1")
	assert.ErrorIs(t, err, ErrNoToken)
	assert.Error(t, s.Save(ctx, "loc1", nil))

	// Lock excludes within the process; a cancelled wait gives up.
	l := s.(Locker)
	unlock, err := l.Lock(ctx, "loc1")
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = l.Lock(cancelled, "loc1")
	assert.ErrorIs(t, err, context.Canceled)
	other, err := l.Lock(ctx, "loc2")
	require.NoError(t, err, "keys lock independently")
	require.NoError(t, other())
	got2 := make(chan struct{})
	go func() {
		u, err := l.Lock(ctx, "loc1")
		if err == nil {
			u()
		}
		close(got2)
	}()
	require.NoError(t, unlock())
	<-got2
	require.NoError(t, unlock(), "unlock is idempotent")
}

func TestTokenStoreMemory(t *testing.T) {
	t.Parallel()
	s := NewMemoryTokenStore()
	testStoreContract(t, s)
	var zero MemoryTokenStore
	require.NoError(t, zero.Save(t.Context(), "k", sampleToken(1)), "the zero value works")
}

func TestTokenStoreFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tokens")
	s, err := NewFileTokenStore(dir)
	require.NoError(t, err)
	testStoreContract(t, s)

	require.NoError(t, s.Save(t.Context(), "loc1", sampleToken(3)))
	fi, err := os.Stat(s.Path("loc1"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "token file is 0600")
	di, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm(), "directory is 0700")
	li, err := os.Stat(s.lockPath("loc1"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), li.Mode().Perm(), "lock file is 0600")
	assertNoTempFiles(t, dir)

	// The file is the token's JSON.
	b, err := os.ReadFile(s.Path("loc1"))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"refresh_token": "refresh-3-`)

	// A corrupt file is reported without quoting it.
	require.NoError(t, os.WriteFile(s.Path("bad"), []byte("refresh-xyz{"), 0o600))
	_, err = s.Load(t.Context(), "bad")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "refresh-xyz")
}

func TestTokenStoreFileNames(t *testing.T) {
	t.Parallel()
	s, err := NewFileTokenStore(t.TempDir())
	require.NoError(t, err)
	for _, key := range []string{"ve9EPM428h8vShlRW1KT", "../../etc/passwd", ".", "..", "a/b", "x-123", "", "company:abc", ".hidden"} {
		p := s.Path(key)
		assert.Equal(t, s.Dir(), filepath.Dir(p), "key %q stays in the directory", key)
		require.NoError(t, s.Save(t.Context(), key, sampleToken(1)), key)
		got, err := s.Load(t.Context(), key)
		require.NoError(t, err, key)
		assert.Equal(t, sampleToken(1).RefreshToken, got.RefreshToken)
	}
	assert.Equal(t, filepath.Join(s.Dir(), "ve9EPM428h8vShlRW1KT.json"), s.Path("ve9EPM428h8vShlRW1KT"))
	assert.NotEqual(t, s.Path("x-123"), s.Path(fileName("x-123")), "escaped names cannot collide with plain ones")
}

// Readers never see a partial or missing file while a writer replaces it.
func TestTokenStoreFileAtomicReplace(t *testing.T) {
	t.Parallel()
	s, err := NewFileTokenStore(t.TempDir())
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, s.Save(ctx, "loc1", sampleToken(0)))
	const writes = 60
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				tok, err := s.Load(ctx, "loc1")
				if err != nil {
					errs <- err
					return
				}
				if !strings.HasPrefix(tok.RefreshToken, "refresh-") || len(tok.AccessToken) < 200 {
					errs <- fmt.Errorf("torn token %q", tok.RefreshToken[:min(10, len(tok.RefreshToken))])
					return
				}
			}
		})
	}
	for i := 1; i <= writes; i++ {
		require.NoError(t, s.Save(ctx, "loc1", sampleToken(i)))
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := s.Load(ctx, "loc1")
	require.NoError(t, err)
	assert.Equal(t, sampleToken(writes).RefreshToken, got.RefreshToken)
	assertNoTempFiles(t, s.Dir())
}

// A save cut short at any step leaves the old token or the new one.
func TestTokenStoreFileInterruptedSave(t *testing.T) {
	t.Parallel()
	for _, point := range []string{"save:written", "save:synced", "save:renamed"} {
		t.Run(point, func(t *testing.T) {
			t.Parallel()
			s, err := NewFileTokenStore(t.TempDir())
			require.NoError(t, err)
			require.NoError(t, s.Save(t.Context(), "loc1", sampleToken(1)))
			s.hook = func(p string) {
				if p == point {
					runtime.Goexit() // the goroutine dies mid-save
				}
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				_ = s.Save(context.Background(), "loc1", sampleToken(2))
			}()
			<-done
			s.hook = nil
			got, err := s.Load(t.Context(), "loc1")
			require.NoError(t, err)
			want := sampleToken(1)
			if point != "save:written" {
				want = sampleToken(2) // renamed before the fsync
			}
			assert.Equal(t, want.RefreshToken, got.RefreshToken)
		})
	}
}

// Two stores on one directory (as two processes would have) exclude each
// other through flock.
func TestTokenStoreFileLockAcrossInstances(t *testing.T) {
	t.Parallel()
	if !fileLocking {
		t.Log("no flock on this platform: in-process locking only")
		return
	}
	dir := t.TempDir()
	a, err := NewFileTokenStore(dir)
	require.NoError(t, err)
	b, err := NewFileTokenStore(dir)
	require.NoError(t, err)
	ctx := t.Context()

	unlockA, err := a.Lock(ctx, "loc1")
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = b.Lock(cancelled, "loc1")
	assert.ErrorIs(t, err, context.Canceled, "b waits for a's flock")

	acquired := make(chan func() error)
	go func() {
		u, err := b.Lock(ctx, "loc1")
		if err != nil {
			t.Error(err)
			close(acquired)
			return
		}
		acquired <- u
	}()
	require.NoError(t, unlockA())
	unlockB, ok := <-acquired
	require.True(t, ok)
	// a now waits for b.
	_, err = a.Lock(cancelled, "loc1")
	assert.Error(t, err)
	require.NoError(t, unlockB())
	unlockA, err = a.Lock(ctx, "loc1")
	require.NoError(t, err)
	require.NoError(t, unlockA())
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		assert.NotContains(t, e.Name(), ".tmp-", "temporary file left behind")
	}
}
