package feed

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// Snapshot is the strategy for lists that cannot filter by date: each cycle
// reads the whole list and compares it with the (ID, content hash) pairs of
// the previous read, which the checkpoint keeps (8 bytes of hash per
// record). A new ID is Created, a changed hash Updated, and an ID that a
// complete read no longer returns Deleted. A read cut short (an error, the
// budget) delivers what it read and reports no deletion.
type Snapshot[T any] struct {
	// Name names the source in logs, such as "users".
	Name string
	// Read yields every record of the list: an ...Iter method of the
	// client, or [FromList] for a list without paging.
	Read func(ctx context.Context) iter.Seq2[*T, error]
	// ID returns a record's ID. Records with an empty ID are skipped.
	ID func(*T) string
	// Hash returns a hash of the content that matters; nil is [HashJSON].
	// Leave out fields that change without the record changing (a cursor,
	// a "last seen").
	Hash func(*T) uint64
	// ConfirmDeletes reports an ID as Deleted only when two complete reads
	// in a row miss it. Set it for lists paged by offset, where a record
	// deleted while a read pages shifts the next one out of that read.
	ConfirmDeletes bool
}

// SourceName returns s.Name, or "snapshot".
func (s *Snapshot[T]) SourceName() string {
	if s.Name == "" {
		return "snapshot"
	}
	return s.Name
}

// HashJSON is the default content hash: 64-bit FNV-1a of the record's JSON
// encoding.
func HashJSON[T any](rec *T) uint64 {
	h := fnv.New64a()
	b, err := json.Marshal(rec)
	if err != nil {
		fmt.Fprintf(h, "%+v", rec)
	} else {
		h.Write(b)
	}
	return h.Sum64()
}

// FromList adapts a list without paging (Workflows.List, Users.ListByLocation
// and the like, in a closure) to [Snapshot].Read.
func FromList[T any](list func(ctx context.Context) ([]T, *ghl.Response, error)) func(ctx context.Context) iter.Seq2[*T, error] {
	return func(ctx context.Context) iter.Seq2[*T, error] {
		return func(yield func(*T, error) bool) {
			items, _, err := list(ctx)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
		}
	}
}

// snapState is a snapshot checkpoint.
type snapState struct {
	caught  int64
	hashes  map[string]uint64
	pending map[string]bool // missed by one complete read (ConfirmDeletes)
}

func (s *snapState) encode() []byte {
	b := header(ckptSnap)
	b = binary.AppendVarint(b, s.caught)
	b = binary.AppendUvarint(b, uint64(len(s.hashes)))
	for _, id := range sortedKeys(s.hashes) {
		b = appendID(b, id)
		b = binary.LittleEndian.AppendUint64(b, s.hashes[id])
	}
	b = binary.AppendUvarint(b, uint64(len(s.pending)))
	for _, id := range sortedKeys(s.pending) {
		b = appendID(b, id)
	}
	return b
}

func decodeSnap(b []byte) (*snapState, error) {
	r := newReader(b, ckptSnap)
	s := &snapState{caught: r.varint()}
	n := r.count()
	s.hashes = make(map[string]uint64, n)
	for range n {
		id := r.id()
		s.hashes[id] = r.fixed64()
	}
	n = r.count()
	s.pending = make(map[string]bool, n)
	for range n {
		s.pending[r.id()] = true
	}
	return s, r.done()
}

func (s *Snapshot[T]) poll(ctx context.Context, p *pollCtx[T]) (pollResult, error) {
	if s.Read == nil || s.ID == nil {
		return pollResult{}, errors.New("Snapshot: Read and ID are required")
	}
	hash := s.Hash
	if hash == nil {
		hash = HashJSON[T]
	}
	old := &snapState{hashes: map[string]uint64{}, pending: map[string]bool{}}
	if p.state != nil {
		var err error
		if old, err = decodeSnap(p.state); err != nil {
			return pollResult{}, err
		}
	}
	next := &snapState{caught: old.caught, hashes: make(map[string]uint64, len(old.hashes)), pending: map[string]bool{}}
	var readErr error
	for rec, err := range s.Read(ctx) {
		if err != nil {
			readErr = err
			break
		}
		id := s.ID(rec)
		if id == "" {
			continue
		}
		h := hash(rec)
		kind := Kind(0)
		if seen, dup := next.hashes[id]; dup {
			// Read twice (a list shifted while paging): a change if it differs.
			if seen != h {
				kind = Updated
			}
		} else if was, ok := old.hashes[id]; !ok {
			kind = Created
		} else if was != h {
			kind = Updated
		}
		if kind != 0 && !p.emit(Change[T]{Kind: kind, ID: id, Record: rec}) {
			return pollResult{}, nil
		}
		next.hashes[id] = h
	}
	if readErr != nil {
		// Cut short: what was not read stays as it was.
		for id, h := range old.hashes {
			if _, ok := next.hashes[id]; !ok {
				next.hashes[id] = h
				if old.pending[id] {
					next.pending[id] = true
				}
			}
		}
	} else {
		for _, id := range sortedKeys(old.hashes) {
			if _, ok := next.hashes[id]; ok {
				continue
			}
			if s.ConfirmDeletes && !old.pending[id] {
				next.hashes[id], next.pending[id] = old.hashes[id], true
				continue
			}
			if !p.emit(Change[T]{Kind: Deleted, ID: id}) {
				return pollResult{}, nil
			}
		}
		next.caught = p.start.UnixMilli()
	}
	res := pollResult{state: next.encode(), entries: len(next.hashes), partial: readErr != nil}
	if next.caught != 0 {
		res.caughtUp = time.UnixMilli(next.caught).UTC()
	}
	return res, readErr
}
