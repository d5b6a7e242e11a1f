package feed

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Checkpoints are binary: a 5-byte header ("GHF", format version 1, the
// strategy: 'W' watermark or 'S' snapshot), then the strategy's state,
// with IDs as a length and their bytes, and numbers as varints.
const (
	ckptMagic   = "GHF\x01"
	ckptWater   = 'W'
	ckptSnap    = 'S'
	maxIDLength = 1 << 10
)

// errCheckpoint is wrapped by every error decoding a checkpoint.
var errCheckpoint = errors.New("feed: invalid checkpoint")

func header(kind byte) []byte { return append([]byte(ckptMagic), kind) }

// reader decodes a checkpoint, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func newReader(b []byte, kind byte) *reader {
	r := &reader{b: b}
	if len(b) < len(ckptMagic)+1 || string(b[:len(ckptMagic)]) != ckptMagic {
		r.err = fmt.Errorf("%w: unknown format", errCheckpoint)
		return r
	}
	if b[len(ckptMagic)] != kind {
		r.err = fmt.Errorf("%w: written by the %s strategy", errCheckpoint, strategyName(b[len(ckptMagic)]))
		return r
	}
	r.b = b[len(ckptMagic)+1:]
	return r
}

func strategyName(k byte) string {
	switch k {
	case ckptWater:
		return "watermark"
	case ckptSnap:
		return "snapshot"
	}
	return fmt.Sprintf("unknown (%q)", k)
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated or corrupt %s", errCheckpoint, what)
	}
	r.b = nil
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) count() int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > uint64(len(r.b)) { // every entry takes at least a byte
		r.fail("count")
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *reader) id() string {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > maxIDLength || uint64(len(r.b)-n) < v {
		r.fail("ID")
		return ""
	}
	s := string(r.b[n : n+int(v)])
	r.b = r.b[n+int(v):]
	return s
}

func (r *reader) fixed64() uint64 {
	if len(r.b) < 8 {
		r.fail("hash")
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) done() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%w: %d trailing bytes", errCheckpoint, len(r.b))
	}
	return r.err
}

func appendID(b []byte, id string) []byte {
	b = binary.AppendUvarint(b, uint64(len(id)))
	return append(b, id...)
}

// sortedKeys returns the keys of m in order, so that a checkpoint's bytes
// depend only on its content.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
