package feed

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"maps"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// Snapshot is the strategy for lists that cannot filter by date: each cycle
// reads the whole list and compares it with the (ID, content hash) pairs of
// the previous read, which the checkpoint keeps (8 bytes of hash per
// record). A new ID is Created, a changed hash Updated, and an ID that a
// complete read no longer returns Deleted. A read cut short (an error, the
// budget) delivers what it read and reports no deletion.
//
// Changes are read ahead in batches of up to 1,000; before a batch with
// new records is delivered, their IDs are saved in the checkpoint as
// tentative (one extra checkpoint write per such batch), so that a crash
// before the acknowledgement cannot leave the consumer with a record whose
// deletion it would never hear of: the next cycle delivers a tentative
// record again as Created, or as Deleted if it is gone, which may be the
// first the consumer hears of it (treat a Deleted of an unknown ID as a
// no-op).
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
	// ReadFrom, used when Read and ReadAt are nil, reads in passes that
	// may take several cycles (a fan-out to the children of every parent,
	// under a budget): it starts after cursor (nil: at the beginning) and
	// calls mark with a new cursor each time everything it yielded so far
	// is complete (after each parent). A cycle cut short saves the last
	// mark and the next goes on from there; deletions are reported when a
	// pass reaches the end.
	ReadFrom func(ctx context.Context, cursor []byte, mark func(cursor []byte)) iter.Seq2[*T, error]
	// ReadAt, used when Read is nil, is Read for lists narrowed by time
	// (calendar events in a window around now): now is the cycle's start
	// on the feed's clock ([WithClock]).
	ReadAt func(ctx context.Context, now time.Time) iter.Seq2[*T, error]
	// ConfirmDeletes reports an ID as Deleted only when two complete reads
	// in a row miss it. Set it for lists paged by offset, where a record
	// deleted while a read pages shifts the next one out of that read.
	ConfirmDeletes bool
	// Lookup, when set, is asked about each ID a complete read missed, for
	// lists narrowed to a scope that records leave without being deleted
	// (a time window): it returns the record, or an error matching
	// [ghl.ErrNotFound] for a deleted one. A deleted record is reported
	// Deleted; one that left the scope is forgotten, reported Updated if
	// its content changed (it was moved out) and Created when it comes
	// back. It costs a request per record leaving the scope.
	Lookup func(ctx context.Context, id string) (*T, error)

	readAhead int // changes read ahead before delivery; 0 is snapBatch
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
	// tentative holds the IDs of records that a cycle was about to deliver
	// as Created before it was acknowledged (hash 0 in hashes): the
	// consumer may have seen them, so a read that misses one reports it
	// Deleted, and a read that finds one delivers it as Created again.
	tentative map[string]bool
	// A pass in progress (ReadFrom): where it goes on, when it began and
	// the IDs it has read so far.
	cursor    []byte
	passStart int64
	passSeen  map[string]bool
}

// Optional sections of a snapshot checkpoint, after the pending IDs; a
// checkpoint without them (as older versions wrote) has none.
const (
	sectionTentative = 'T'
	sectionPass      = 'P'
	maxCursorLength  = 1 << 16
)

func appendIDs(b []byte, ids map[string]bool) []byte {
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range sortedKeys(ids) {
		b = appendID(b, id)
	}
	return b
}

func (s *snapState) encode() []byte {
	b := header(ckptSnap)
	b = binary.AppendVarint(b, s.caught)
	b = binary.AppendUvarint(b, uint64(len(s.hashes)))
	for _, id := range sortedKeys(s.hashes) {
		b = appendID(b, id)
		b = binary.LittleEndian.AppendUint64(b, s.hashes[id])
	}
	b = appendIDs(b, s.pending)
	return append(b, s.encodeSections()...)
}

// encodeSections encodes the optional sections.
func (s *snapState) encodeSections() []byte {
	var b []byte
	if len(s.tentative) > 0 {
		b = appendIDs(append(b, sectionTentative), s.tentative)
	}
	if s.cursor != nil {
		b = append(b, sectionPass)
		b = binary.AppendVarint(b, s.passStart)
		b = binary.AppendUvarint(b, uint64(len(s.cursor)))
		b = append(b, s.cursor...)
		b = appendIDs(b, s.passSeen)
	}
	return b
}

func (r *reader) ids() map[string]bool {
	n := r.count()
	m := make(map[string]bool, n)
	for range n {
		m[r.id()] = true
	}
	return m
}

func (r *reader) bytes() []byte {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v == 0 || v > maxCursorLength || uint64(len(r.b)-n) < v {
		r.fail("cursor")
		return nil
	}
	out := append([]byte(nil), r.b[n:n+int(v)]...)
	r.b = r.b[n+int(v):]
	return out
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
	s.pending = r.ids()
	s.tentative, s.passSeen = map[string]bool{}, map[string]bool{}
	for r.err == nil && len(r.b) > 0 {
		tag := r.b[0]
		r.b = r.b[1:]
		switch tag {
		case sectionTentative:
			s.tentative = r.ids()
			for id := range s.tentative {
				if _, ok := s.hashes[id]; !ok && r.err == nil {
					r.err = fmt.Errorf("%w: tentative ID %q without an entry", errCheckpoint, id)
				}
			}
		case sectionPass:
			s.passStart = r.varint()
			s.cursor = r.bytes()
			s.passSeen = r.ids()
		default:
			r.fail("section")
		}
	}
	return s, r.done()
}

// snapBatch is how many changes a snapshot reads ahead before delivering
// them: the IDs of the new records among them are saved first (one
// checkpoint write per batch that has any), so that a crash before the
// acknowledgement cannot leave the consumer with a record whose deletion
// it would never hear of.
const snapBatch = 1000

func (s *Snapshot[T]) poll(ctx context.Context, p *pollCtx[T]) (pollResult, error) {
	old := &snapState{hashes: map[string]uint64{}, pending: map[string]bool{}, tentative: map[string]bool{}, passSeen: map[string]bool{}}
	if p.state != nil {
		var err error
		if old, err = decodeSnap(p.state); err != nil {
			return pollResult{}, err
		}
	}
	// mark: the cursor after the records read so far, when they are
	// complete (ReadFrom); sinceMark: the IDs read after the last mark.
	var mark []byte
	sinceMark := map[string]bool{}
	read := s.Read
	switch {
	case read != nil:
	case s.ReadAt != nil:
		read = func(ctx context.Context) iter.Seq2[*T, error] { return s.ReadAt(ctx, p.start) }
	case s.ReadFrom != nil:
		read = func(ctx context.Context) iter.Seq2[*T, error] {
			return s.ReadFrom(ctx, old.cursor, func(c []byte) {
				mark = append([]byte(nil), c...)
				clear(sinceMark)
			})
		}
	}
	if read == nil || s.ID == nil {
		return pollResult{}, errors.New("Snapshot: Read (or ReadAt, or ReadFrom) and ID are required")
	}
	hash := s.Hash
	if hash == nil {
		hash = HashJSON[T]
	}
	next := &snapState{caught: old.caught, hashes: make(map[string]uint64, len(old.hashes)), pending: map[string]bool{}, tentative: map[string]bool{}, passSeen: map[string]bool{}}
	// Records read by the earlier cycles of a pass in progress count as read.
	for id := range old.passSeen {
		if h, ok := old.hashes[id]; ok {
			next.hashes[id] = h
		}
	}
	// intent is old plus the new records about to be delivered: what a
	// crash before the acknowledgement leaves behind.
	var intent *snapState
	var batch []Change[T]
	flush := func() (bool, error) {
		if len(batch) == 0 {
			return true, nil
		}
		fresh := false
		for _, c := range batch {
			if c.Kind == Created && !old.tentative[c.ID] {
				if intent == nil {
					intent = &snapState{caught: old.caught, hashes: maps.Clone(old.hashes), pending: old.pending, tentative: maps.Clone(old.tentative),
						cursor: old.cursor, passStart: old.passStart, passSeen: old.passSeen}
				}
				if _, ok := intent.hashes[c.ID]; !ok {
					intent.hashes[c.ID], intent.tentative[c.ID] = 0, true
					fresh = true
				}
			}
		}
		if fresh && p.persist != nil {
			if err := p.persist(intent.encode()); err != nil {
				return false, err
			}
		}
		for _, c := range batch {
			if !p.emit(c) {
				return false, nil
			}
		}
		batch = batch[:0]
		return true, nil
	}
	readThisCycle := map[string]bool{}
	var readErr error
	for rec, err := range read(ctx) {
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
		if seen, dup := next.hashes[id]; dup && (readThisCycle[id] || old.passSeen[id]) {
			// Read twice (a list shifted while paging): a change if it differs.
			if seen != h {
				kind = Updated
			}
		} else if was, ok := old.hashes[id]; !ok || old.tentative[id] {
			kind = Created
		} else if was != h {
			kind = Updated
		}
		next.hashes[id] = h
		readThisCycle[id] = true
		sinceMark[id] = true
		if kind == 0 {
			continue
		}
		batch = append(batch, Change[T]{Kind: kind, ID: id, Record: rec})
		if len(batch) >= cmp.Or(s.readAhead, snapBatch) {
			if ok, err := flush(); !ok {
				return pollResult{}, err
			}
		}
	}
	if ok, err := flush(); !ok {
		return pollResult{}, err
	}
	passStart := p.start.UnixMilli()
	if old.cursor != nil {
		passStart = old.passStart
	}
	if readErr != nil {
		// Cut short: what was not read stays as it was.
		for id, h := range old.hashes {
			if _, ok := next.hashes[id]; !ok {
				next.hashes[id] = h
				if old.pending[id] {
					next.pending[id] = true
				}
				if old.tentative[id] {
					next.tentative[id] = true
				}
			}
		}
		if s.ReadFrom != nil {
			// The pass goes on from the last mark next cycle.
			next.cursor, next.passStart = old.cursor, passStart
			maps.Copy(next.passSeen, old.passSeen)
			if mark != nil {
				next.cursor = mark
				for id := range readThisCycle {
					if !sinceMark[id] {
						next.passSeen[id] = true
					}
				}
			}
			if next.cursor == nil {
				next.passSeen = map[string]bool{} // no progress: the pass starts again
			}
		}
	} else {
		for _, id := range sortedKeys(old.hashes) {
			if _, ok := next.hashes[id]; ok {
				continue
			}
			if s.Lookup != nil && readErr == nil {
				rec, err := s.Lookup(ctx, id)
				switch {
				case errors.Is(err, ghl.ErrNotFound):
					// deleted: reported below
				case err != nil:
					readErr = err // keep this and the rest for the next cycle
				default:
					if h := hash(rec); h != old.hashes[id] && !old.tentative[id] {
						if !p.emit(Change[T]{Kind: Updated, ID: id, Record: rec}) {
							return pollResult{}, nil
						}
					}
					continue // out of scope: forgotten
				}
			}
			if readErr != nil {
				next.hashes[id] = old.hashes[id]
				if old.pending[id] {
					next.pending[id] = true
				}
				if old.tentative[id] {
					next.tentative[id] = true
				}
				continue
			}
			if s.ConfirmDeletes && !old.pending[id] {
				next.hashes[id], next.pending[id] = old.hashes[id], true
				if old.tentative[id] {
					next.tentative[id] = true
				}
				continue
			}
			if !p.emit(Change[T]{Kind: Deleted, ID: id}) {
				return pollResult{}, nil
			}
		}
		if readErr == nil {
			next.caught = passStart
		}
	}
	res := pollResult{state: next.encode(), entries: len(next.hashes), partial: readErr != nil}
	if next.caught != 0 {
		res.caughtUp = time.UnixMilli(next.caught).UTC()
	}
	return res, readErr
}
