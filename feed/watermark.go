package feed

import (
	"context"
	"encoding/binary"
	"errors"
	"iter"
	"math"
	"time"
)

// DefaultOverlap is the window a watermark feed reads again below its
// watermark every cycle.
const DefaultOverlap = time.Minute

// Watermark is the strategy for reads that can filter and sort by a
// record's version (its dateUpdated): each cycle reads the records whose
// version is at or after the watermark minus an overlap window, oldest
// first, and the watermark moves to the newest version delivered.
//
// The overlap is read again so that a record that became visible late (an
// API's search index trails its writes), or that shares its millisecond
// with the watermark, is not missed; the checkpoint remembers the (ID,
// version) pairs delivered within the overlap, so that reading it again
// delivers nothing twice. A record updated while a cycle pages moves past
// the cursor and is read later in that cycle or in the next one.
//
// A watermark cannot see deletions: pair it with a snapshot feed, or with
// webhooks, when they matter.
type Watermark[T any] struct {
	// Name names the source in logs, such as "contacts".
	Name string
	// Read yields the records whose version is at or after since (every
	// record when since is zero), in ascending order of version, through
	// an ...Iter method of the client so that its requests share the
	// client's rate limiter and the feed's budget. Records out of order
	// are delivered but keep the watermark from moving until a read
	// completes.
	Read func(ctx context.Context, since time.Time) iter.Seq2[*T, error]
	// ID and Version return a record's ID and version (its dateUpdated).
	ID      func(*T) string
	Version func(*T) time.Time
	// Hash returns a hash of a record's content; nil is [HashJSON]. With
	// the version it tells a change within one millisecond (two updates
	// with one dateUpdated) from a record read again.
	Hash func(*T) uint64
	// Created returns when a record was created (its dateAdded), so that
	// changes of records created since the previous cycle are Created
	// rather than Updated; nil reports every change as Updated, except on
	// a feed's first cycle.
	Created func(*T) time.Time
	// Overlap is the window read again below the watermark (default
	// [DefaultOverlap]). Records updated within it are read again each
	// cycle, so it costs requests: keep it to the API's indexing delay
	// plus clock skew.
	Overlap time.Duration
	// Start is where a feed without a checkpoint begins: zero reads every
	// record (all delivered as Created); a time reads only the records
	// updated from Start on (from Start minus Overlap when Start is within
	// two overlaps of now). A watermark more than two overlaps behind the
	// cycle's start (a first read, a catch-up under a budget) reads from
	// the watermark itself, without the overlap.
	Start time.Time
}

// SourceName returns w.Name, or "watermark".
func (w *Watermark[T]) SourceName() string {
	if w.Name == "" {
		return "watermark"
	}
	return w.Name
}

func (w *Watermark[T]) overlap() int64 {
	if w.Overlap <= 0 {
		return DefaultOverlap.Milliseconds()
	}
	return max(w.Overlap.Milliseconds(), 1)
}

// waterState is a watermark checkpoint.
type waterState struct {
	mark   int64                // the watermark, epoch ms; MinInt64 for none
	caught int64                // CaughtUp, epoch ms; 0 for none
	seen   map[string]seenEntry // ID -> what was delivered, within the overlap
}

// seenEntry is the version and content hash of a delivered record.
type seenEntry struct {
	v int64
	h uint64
}

const noMark = math.MinInt64

func (s *waterState) encode() []byte {
	b := header(ckptWater)
	b = binary.AppendVarint(b, s.mark)
	b = binary.AppendVarint(b, s.caught)
	b = binary.AppendUvarint(b, uint64(len(s.seen)))
	for _, id := range sortedKeys(s.seen) {
		b = appendID(b, id)
		b = binary.AppendVarint(b, s.seen[id].v)
		b = binary.LittleEndian.AppendUint64(b, s.seen[id].h)
	}
	return b
}

func decodeWater(b []byte) (*waterState, error) {
	r := newReader(b, ckptWater)
	s := &waterState{mark: r.varint(), caught: r.varint()}
	n := r.count()
	s.seen = make(map[string]seenEntry, n)
	for range n {
		id := r.id()
		v := r.varint()
		s.seen[id] = seenEntry{v: v, h: r.fixed64()}
	}
	return s, r.done()
}

func (w *Watermark[T]) poll(ctx context.Context, p *pollCtx[T]) (pollResult, error) {
	if w.Read == nil || w.ID == nil || w.Version == nil {
		return pollResult{}, errors.New("Watermark: Read, ID and Version are required")
	}
	hash := w.Hash
	if hash == nil {
		hash = HashJSON[T]
	}
	st := &waterState{mark: noMark, seen: map[string]seenEntry{}}
	if p.state != nil {
		var err error
		if st, err = decodeWater(p.state); err != nil {
			return pollResult{}, err
		}
	} else if !w.Start.IsZero() {
		st.mark = w.Start.UnixMilli()
	}
	overlap := w.overlap()
	var since time.Time
	floor := int64(noMark) // records created at or after it are Created
	if st.mark != noMark {
		floor = st.mark - overlap
		since = time.UnixMilli(floor).UTC()
		if p.start.UnixMilli()-st.mark > 2*overlap {
			// Far behind (a first read, a budget cut short): the window
			// below the watermark was visible long ago and needs no second
			// read; the records at the watermark itself are read again.
			since = time.UnixMilli(st.mark).UTC()
		}
	}
	mark := st.mark
	last, ordered := int64(noMark), true
	var readErr error
	for rec, err := range w.Read(ctx, since) {
		if err != nil {
			readErr = err
			break
		}
		id, ver := w.ID(rec), w.Version(rec)
		v := ver.UnixMilli()
		if v < last {
			ordered = false
		}
		last = max(last, v)
		h := hash(rec)
		prev, known := st.seen[id]
		if known && (prev.v > v || prev.v == v && prev.h == h) {
			continue // delivered already (or a newer version was), in the overlap
		}
		kind := Updated
		if !known && (floor == noMark || w.Created != nil && w.Created(rec).UnixMilli() >= floor) {
			kind = Created
		}
		if !p.emit(Change[T]{Kind: kind, ID: id, Record: rec, Version: ver}) {
			return pollResult{}, nil
		}
		st.seen[id] = seenEntry{v: v, h: h}
		mark = max(mark, v)
	}
	res := pollResult{partial: readErr != nil}
	switch {
	case readErr == nil:
		st.caught = p.start.UnixMilli()
	case ordered && mark != st.mark:
		// Every record before the last one delivered has been read.
		st.caught = max(st.caught, mark)
	default:
		// Out of order and cut short: keep the watermark, remember what
		// was delivered (its versions are within the window read again).
		mark = st.mark
	}
	if mark != noMark {
		for id, e := range st.seen {
			if e.v < mark-overlap {
				delete(st.seen, id)
			}
		}
	}
	st.mark = mark
	res.state, res.entries = st.encode(), len(st.seen)
	if st.caught != 0 {
		res.caughtUp = time.UnixMilli(st.caught).UTC()
	}
	if mark != noMark {
		res.newest = time.UnixMilli(mark).UTC()
	}
	return res, readErr
}
