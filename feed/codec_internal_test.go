package feed

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A snapshot checkpoint with every optional section decodes to what was
// encoded; one without them (as earlier versions wrote) still decodes; any
// truncation is an errCheckpoint, never a panic or a partial state.
func TestSnapshotCheckpointRoundTrip(t *testing.T) {
	full := &snapState{caught: 1735722000000, hashes: map[string]uint64{"a": 1, "b": 0, "c": 3},
		pending: map[string]bool{"c": true}, tentative: map[string]bool{"b": true},
		cursor: []byte(`[1735722000000,"a"]`), passStart: 1735721000000, passSeen: map[string]bool{"a": true}}
	plain := &snapState{caught: 5, hashes: map[string]uint64{"x": 9}, pending: map[string]bool{},
		tentative: map[string]bool{}, passSeen: map[string]bool{}}
	for _, s := range []*snapState{full, plain} {
		b := s.encode()
		got, err := decodeSnap(b)
		require.NoError(t, err)
		assert.Equal(t, s, got)
		// Cuts between sections leave a valid checkpoint with fewer of them.
		base := len(b) - len(s.encodeSections())
		valid := map[int]bool{base: true}
		if len(s.tentative) > 0 {
			valid[base+len((&snapState{tentative: s.tentative}).encodeSections())] = true
		}
		for n := range len(b) {
			_, err := decodeSnap(b[:n])
			if valid[n] {
				assert.NoError(t, err, "cut at %d, between sections", n)
				continue
			}
			assert.True(t, errors.Is(err, errCheckpoint), "cut at %d of %d: %v", n, len(b), err)
		}
	}
	bad := append(plain.encode(), 'Z')
	_, err := decodeSnap(bad)
	assert.ErrorIs(t, err, errCheckpoint, "an unknown section")
}
