//go:build unix

package feed_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
)

// The SIGKILL storm re-runs this test binary as the poller: TestMain sees
// feedChildEnv and runs feedChild instead of the tests (runChildIfAsked). The parent runs the
// emulator and the mutations; the child polls two feeds of the location's
// contacts (a watermark and a snapshot) from a FileStore and appends every
// change it receives to a sink file, fsynced, before it acknowledges.
//
// Protocol, one line each way, so that nothing depends on timing:
//
//	child:  READY
//	parent: CYCLE <n> <emulator now, ms>
//	child:  REC <n> <feed> <k>     after writing and syncing the k-th change
//	parent: C                      go on (the parent may mutate first, or SIGKILL instead)
//	child:  ACK <n> <feed>         after the feed's checkpoint is saved and "A" is in the sink
//	child:  DONE <n>               both feeds polled
//
// Sink lines: "D <cycle> <feed> <kind> <id> <firstName or ->" and
// "A <cycle> <feed>".
const feedChildEnv = "GHL_FEED_CHILD"

// runChildIfAsked runs the poller and exits when this process is one.
func runChildIfAsked() {
	if os.Getenv(feedChildEnv) != "1" {
		return
	}
	if err := feedChild(); err != nil {
		fmt.Println("CHILD-ERROR:", err)
		os.Exit(3)
	}
	os.Exit(0)
}

func feedChild() error {
	loc, dir, sinkPath := os.Getenv("GHL_FEED_LOC"), os.Getenv("GHL_FEED_DIR"), os.Getenv("GHL_FEED_SINK")
	var nowMs atomic.Int64
	now := func() time.Time { return time.UnixMilli(nowMs.Load()).UTC() }
	c, err := ghl.NewClient(ghl.WithBaseURL(os.Getenv("GHL_FEED_URL")), ghl.WithAccessToken(os.Getenv("GHL_FEED_TOKEN")),
		ghl.WithRetry(ghl.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}),
		ghl.WithRateLimit(ghl.RateLimit{Disabled: true}))
	if err != nil {
		return err
	}
	store, err := feed.NewFileStore(dir)
	if err != nil {
		return err
	}
	opts := &feed.ContactsOptions{PageLimit: 10}
	wf, err := feed.New("w/"+loc, feed.Contacts(c, loc, opts), feed.WithStore(store), feed.WithClock(now), feed.WithLogger(quiet))
	if err != nil {
		return err
	}
	sf, err := feed.New("s/"+loc, feed.SetReadAhead(feed.ContactsSnapshot(c, loc, opts), 7), feed.WithStore(store), feed.WithClock(now), feed.WithLogger(quiet))
	if err != nil {
		return err
	}
	sink, err := openSink(sinkPath)
	if err != nil {
		return err
	}
	defer sink.Close()
	write := func(line string) error {
		if _, err := sink.WriteString(line + "\n"); err != nil {
			return err
		}
		return sink.Sync()
	}
	in := bufio.NewScanner(os.Stdin)
	fmt.Println("READY")
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) != 3 || f[0] != "CYCLE" {
			return fmt.Errorf("unexpected command %q", in.Text())
		}
		cycle := f[1]
		ms, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return err
		}
		nowMs.Store(ms)
		for _, fd := range []struct {
			name string
			f    *feed.Feed[ghl.Contact]
		}{{"w", wf}, {"s", sf}} {
			k := 0
			for ch, err := range fd.f.Poll(context.Background()) {
				if err != nil {
					return fmt.Errorf("cycle %s, feed %s: %w", cycle, fd.name, err)
				}
				name := "-"
				if ch.Record != nil {
					name = ch.Record.FirstName
				}
				if err := write(fmt.Sprintf("D %s %s %s %s %s", cycle, fd.name, ch.Kind, ch.ID, name)); err != nil {
					return err
				}
				k++
				fmt.Printf("REC %s %s %d\n", cycle, fd.name, k)
				if !in.Scan() {
					return nil // the parent is gone
				}
			}
			// Reaching here, the feed saved its checkpoint (Poll yields
			// an error otherwise).
			if err := write(fmt.Sprintf("A %s %s", cycle, fd.name)); err != nil {
				return err
			}
			fmt.Printf("ACK %s %s\n", cycle, fd.name)
		}
		fmt.Printf("DONE %s\n", cycle)
	}
	return in.Err()
}

// openSink opens the sink for appending, first cutting a line torn by a
// SIGKILL in the middle of a write, as a consumer recovering its own log
// would.
func openSink(path string) (*os.File, error) {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if i := bytes.LastIndexByte(b, '\n'); i+1 != len(b) {
		if err := os.Truncate(path, int64(i+1)); err != nil {
			return nil, err
		}
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
}

// poller is the parent's handle on one child process.
type poller struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startPoller(t *testing.T, env []string) *poller {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{feedChildEnv + "=1"}, env...)...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &poller{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	require.Equal(t, "READY", p.line(t))
	return p
}

func (p *poller) line(t *testing.T) string {
	t.Helper()
	if !p.out.Scan() {
		err := p.cmd.Wait()
		t.Fatalf("the poller ended: %v", err)
	}
	if l := p.out.Text(); !strings.HasPrefix(l, "CHILD-ERROR") {
		return l
	}
	t.Fatalf("poller: %s", p.out.Text())
	return ""
}

func (p *poller) send(t *testing.T, format string, args ...any) {
	t.Helper()
	_, err := fmt.Fprintf(p.in, format+"\n", args...)
	require.NoError(t, err)
}

// kill SIGKILLs the child and checks that the signal, not an exit, ended it.
func (p *poller) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	err := p.cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	ws, ok := ee.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "ended by SIGKILL: %v", err)
	p.in.Close()
}

// stop closes the child's stdin, so that it ends normally.
func (p *poller) stop(t *testing.T) {
	t.Helper()
	p.in.Close()
	for p.out.Scan() {
	}
	require.NoError(t, p.cmd.Wait())
}

// ledgerEntry is one change as the emulator recorded it.
type ledgerEntry struct {
	op       string // "create", "update", "delete"
	id, name string
}

// delivery is one sink line "D".
type delivery struct {
	cycle          int
	kind, id, name string
}

// sinkState is the parent's reading of the sink file.
type sinkState struct {
	d     map[string][]delivery // by feed
	acked map[string]bool       // "<cycle> <feed>"
}

func readSink(t *testing.T, path string) sinkState {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s := sinkState{d: map[string][]delivery{}, acked: map[string]bool{}}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 6 && f[0] == "D":
			n, err := strconv.Atoi(f[1])
			require.NoError(t, err)
			s.d[f[2]] = append(s.d[f[2]], delivery{cycle: n, kind: f[3], id: f[4], name: f[5]})
		case len(f) == 3 && f[0] == "A":
			s.acked[f[1]+" "+f[2]] = true
		case l == "":
		default:
			t.Fatalf("corrupt sink line %q", l)
		}
	}
	return s
}

// view applies the snapshot feed's deliveries in order: the other system's
// copy of the contacts.
func (s sinkState) view() map[string]string {
	v := map[string]string{}
	for _, d := range s.d["s"] {
		if d.kind == feed.Deleted.String() {
			delete(v, d.id)
		} else {
			v[d.id] = d.name
		}
	}
	return v
}

// killPlan says where the parent kills the poller in a cycle.
type killPlan int

const (
	noKill       killPlan = iota
	killBetween           // after the previous cycle, before this one starts
	killAtRecord          // at the k-th change, before the child may go on
	killFree              // let the child go on after the k-th change and kill it at once, wherever it is
)

func (k killPlan) String() string {
	return [...]string{"none", "between cycles", "at a change", "free-running"}[k]
}

// TestStormSIGKILL: the poller is a separate process, SIGKILLed at random
// points (between cycles, at a delivered change, and while it runs free:
// paging, writing its sink or saving its checkpoint) and restarted, while
// the parent creates, updates and deletes contacts, some while a cycle
// pages. Checked against the emulator's record of changes, after every
// acknowledgement and at the end: 0 changes missed, and every duplicate
// delivery comes from a cycle killed before its acknowledgement.
//
//	go test -count=1 -race -run TestStormSIGKILL -v ./feed
func TestStormSIGKILL(t *testing.T) {
	t.Parallel()
	// Seeds 5 and 6 left a deleted contact in the sink before a snapshot
	// saved the IDs of new records ahead of delivering them.
	for _, seed := range []uint64{5, 6} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			runKillStorm(t, seed, 60)
		})
	}
}

func runKillStorm(t *testing.T, seed uint64, cycles int) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(seed, 2))
	dir := t.TempDir()
	sinkPath := filepath.Join(dir, "sink")
	env := []string{"GHL_FEED_URL=" + e.srv.URL, "GHL_FEED_TOKEN=" + e.loc.Token, "GHL_FEED_LOC=" + e.loc.ID,
		"GHL_FEED_DIR=" + filepath.Join(dir, "ckpt"), "GHL_FEED_SINK=" + sinkPath}

	var ledger []ledgerEntry
	var live []string
	names := 0
	mutate := func() {
		if rng.IntN(3) == 0 {
			e.clk.Advance(time.Duration(rng.IntN(3)) * time.Millisecond) // 0: same millisecond
		}
		names++
		name := fmt.Sprintf("n%05d", names)
		switch r := rng.IntN(10); {
		case r < 4 || len(live) == 0:
			id := e.create(t, name)
			live = append(live, id)
			ledger = append(ledger, ledgerEntry{"create", id, name})
		case r < 8:
			id := live[rng.IntN(len(live))]
			e.update(t, id, name)
			ledger = append(ledger, ledgerEntry{"update", id, name})
		default:
			i := rng.IntN(len(live))
			id := live[i]
			e.remove(t, id)
			live = append(live[:i], live[i+1:]...)
			ledger = append(ledger, ledgerEntry{"delete", id, ""})
		}
	}
	for range 40 {
		mutate()
	}

	// checkAck checks, at the acknowledgement of feed fd's cycle, every
	// change recorded before the cycle started (ledger[:from]); to is the
	// ledger's length at the acknowledgement.
	checks := 0
	checkAck := func(fd string, cycle, from, to int) {
		checks++
		s := readSink(t, sinkPath)
		require.True(t, s.acked[fmt.Sprintf("%d %s", cycle, fd)], "the sink has the acknowledgement")
		// touched: the index of the first change of each ID during the cycle.
		touched := map[string]int{}
		for i := to - 1; i >= from; i-- {
			touched[ledger[i].id] = i
		}
		if fd == "w" {
			got := map[[2]string]bool{}
			for _, d := range s.d["w"] {
				got[[2]string{d.id, d.name}] = true
			}
			for i, c := range ledger[:from] {
				if c.op == "delete" || got[[2]string{c.id, c.name}] {
					continue
				}
				// Not delivered: only if a later change replaced it before
				// this cycle ended (a version no complete read could see).
				later := false
				for _, n := range ledger[i+1 : to] {
					if n.id == c.id {
						later = true
						break
					}
				}
				require.True(t, later, "watermark missed %s %s=%s (change %d), acknowledged by cycle %d", c.op, c.id, c.name, i, cycle)
			}
			return
		}
		view, last := s.view(), map[string]ledgerEntry{}
		for _, c := range ledger[:from] {
			last[c.id] = c
		}
		ackedIDs := map[string]bool{}
		for _, d := range s.d["s"] {
			if s.acked[fmt.Sprintf("%d s", d.cycle)] {
				ackedIDs[d.id] = true
			}
		}
		for id, c := range last {
			if _, ok := touched[id]; ok {
				continue // changed while the cycle paged: either version may be read
			}
			if c.op != "delete" {
				require.Equal(t, c.name, view[id], "snapshot: %s as it was before cycle %d", id, cycle)
				continue
			}
			if name, ok := view[id]; ok {
				// A ghost: a killed cycle delivered the contact, which was
				// deleted before a cycle could acknowledge it; the
				// checkpoint never held it, so no Deleted follows.
				require.False(t, ackedIDs[id], "snapshot: deletion of %s (%s) missed by cycle %d", id, name, cycle)
			}
		}
	}

	p := startPoller(t, env)
	killed := map[int]killPlan{}
	plans := map[killPlan]int{}
	restarts := 0
	restart := func() {
		p = startPoller(t, env)
		restarts++
	}
	for cycle := 1; cycle <= cycles; cycle++ {
		for range rng.IntN(10) {
			mutate()
		}
		if rng.IntN(10) == 0 {
			e.clk.Advance(3 * time.Minute) // a late cycle: far behind
		}
		plan := noKill
		if cycle < cycles {
			switch r := rng.IntN(10); {
			case r < 1:
				plan = killBetween
			case r < 3:
				plan = killAtRecord
			case r < 4:
				plan = killFree
			}
		}
		plans[plan]++
		if plan == killBetween {
			p.kill(t)
			restart()
			plan = noKill
		}
		at := 1 + rng.IntN(12)
		from := len(ledger)
		p.send(t, "CYCLE %d %d", cycle, e.clk.Now().UnixMilli())
		recs := 0
	cycleLoop:
		for {
			f := strings.Fields(p.line(t))
			switch f[0] {
			case "REC":
				recs++
				if rng.IntN(15) == 0 {
					mutate() // while the cycle pages
				}
				switch {
				case plan == killAtRecord && recs == at:
					p.kill(t)
				case plan == killFree && recs == at:
					p.send(t, "C")
					p.kill(t)
				default:
					p.send(t, "C")
					continue
				}
				killed[cycle] = plan
				restart()
				break cycleLoop
			case "ACK":
				checkAck(f[2], cycle, from, len(ledger))
			case "DONE":
				break cycleLoop
			default:
				t.Fatalf("unexpected line %q", strings.Join(f, " "))
			}
		}
	}
	// Two quiet cycles to catch up, then the final count.
	for cycle := cycles + 1; cycle <= cycles+2; cycle++ {
		from := len(ledger)
		p.send(t, "CYCLE %d %d", cycle, e.clk.Now().UnixMilli())
		for {
			l := p.line(t)
			if f := strings.Fields(l); f[0] == "REC" {
				p.send(t, "C")
			} else if f[0] == "ACK" {
				checkAck(f[2], cycle, from, len(ledger))
			} else if f[0] == "DONE" {
				break
			}
		}
	}
	p.stop(t)

	// The emulator's own record: every successful write to the contacts.
	ops := map[string]int{}
	for _, r := range e.srv.Requests() {
		if r.Status >= 300 || !strings.HasPrefix(r.Path, "/contacts/") || r.Path == "/contacts/search" {
			continue
		}
		switch r.Method {
		case "POST":
			ops["create"]++
		case "PUT":
			ops["update"]++
		case "DELETE":
			ops["delete"]++
		}
	}
	mine := map[string]int{}
	for _, c := range ledger {
		mine[c.op]++
	}
	require.Equal(t, ops, mine, "the ledger is the emulator's record of writes")

	s := readSink(t, sinkPath)
	state := e.srv.Contacts(e.loc.ID)
	wGot := map[[2]string]bool{}
	for _, d := range s.d["w"] {
		wGot[[2]string{d.id, d.name}] = true
	}
	view := s.view()
	wMissed, sMissed := 0, 0
	for _, m := range state {
		id, name := m["id"].(string), m["firstName"].(string)
		if !wGot[[2]string{id, name}] {
			wMissed++
		}
		if view[id] != name {
			sMissed++
		}
		delete(view, id)
	}
	ghosts := len(view) // in the sink, deleted in the emulator
	// Deletions of records the sink never had: a killed cycle had saved
	// their IDs before delivering them (see Snapshot), and died first.
	unseen, had := 0, map[string]bool{}
	for _, d := range s.d["s"] {
		if d.kind != feed.Deleted.String() {
			had[d.id] = true
		} else if !had[d.id] {
			unseen++
		}
	}

	// Duplicates: a change delivered again. Each earlier delivery must be
	// from a cycle the parent killed before the sink had its "A".
	dups, unexplained := map[string]int{}, 0
	for _, fd := range []string{"w", "s"} {
		seen := map[string]delivery{}
		for _, d := range s.d[fd] {
			k := d.id + " " + d.name
			if fd == "s" {
				k = d.kind + " " + k
			}
			if prev, ok := seen[k]; ok {
				dups[fd]++
				if _, wasKilled := killed[prev.cycle]; !wasKilled || s.acked[fmt.Sprintf("%d %s", prev.cycle, fd)] {
					unexplained++
					t.Errorf("%s: %s delivered in cycle %d and again in %d, not after a kill before the acknowledgement", fd, k, prev.cycle, d.cycle)
				}
			}
			seen[k] = d
		}
	}
	byPlan := map[string]int{}
	for _, k := range killed {
		byPlan[k.String()]++
	}
	byPlan["between cycles"] = plans[killBetween]
	t.Logf("seed %d: %d cycles, %d SIGKILLs (%v), %d acknowledgements checked; changes %v; %d live contacts at the end",
		seed, cycles+2, restarts, byPlan, checks, mine, len(state))
	t.Logf("watermark: %d delivered, missed %d, duplicates %d; snapshot: %d delivered, missed %d, deleted contacts still in the sink %d, duplicates %d, deletions of contacts never delivered %d; unexplained duplicates %d",
		len(s.d["w"]), wMissed, dups["w"], len(s.d["s"]), sMissed, ghosts, dups["s"], unseen, unexplained)

	assert.Zero(t, wMissed, "the watermark delivered every contact's current version")
	assert.Zero(t, sMissed, "the snapshot sink holds every contact as it is")
	assert.Zero(t, ghosts, "and no deleted one")
	assert.GreaterOrEqual(t, restarts, 6, "the poller was killed often enough to matter")
	assert.NotZero(t, dups["w"]+dups["s"], "kills before an acknowledgement re-deliver")
}
