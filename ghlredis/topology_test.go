//go:build unix

package ghlredis_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// Sentinel and Cluster are started by the tests that need them, from the
// redis-server on PATH (as TestMain does for the single server), each
// process on free loopback ports with a temporary directory, killed with
// the test. They come up in about a second; nothing in them is mocked.

// redisProc is one redis-server process (a data node or a Sentinel).
type redisProc struct {
	t    *testing.T
	name string
	port int
	dir  string
	args []string
	cmd  *exec.Cmd
	log  bytes.Buffer
}

func (p *redisProc) addr() string { return "127.0.0.1:" + strconv.Itoa(p.port) }

// freePort returns a loopback port nobody listened on a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func redisBin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	require.NoError(t, err, "the Sentinel and Cluster tests start redis-server processes of their own: put redis-server on PATH (Debian: apt-get install redis-server)")
	return bin
}

// startRedisProc starts redis-server with the config file conf (may be
// empty) and args on its own port and directory, waits until it answers
// PING and kills it when the test ends.
func startRedisProc(t *testing.T, name, conf string, args ...string) *redisProc {
	t.Helper()
	p := &redisProc{t: t, name: name, port: freePort(t), dir: t.TempDir()}
	if conf != "" {
		p.args = append(p.args, conf)
	}
	p.args = append(p.args, "--port", strconv.Itoa(p.port), "--bind", "127.0.0.1", "--dir", p.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	p.args = append(p.args, args...)
	p.start()
	t.Cleanup(p.kill)
	return p
}

func (p *redisProc) start() {
	p.t.Helper()
	p.cmd = exec.Command(redisBin(p.t), p.args...)
	p.cmd.Stdout, p.cmd.Stderr = &p.log, &p.log
	dieWithTest(p.cmd)
	require.NoError(p.t, p.cmd.Start())
	if err := ping("redis://"+p.addr(), 10*time.Second); err != nil {
		p.kill()
		p.t.Fatalf("%s (redis-server %s) did not answer: %v\n%s", p.name, strings.Join(p.args, " "), err, p.log.String())
	}
}

// kill SIGKILLs the process (no shutdown, no save) and waits for it.
func (p *redisProc) kill() {
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Kill()
	p.cmd.Wait()
	p.cmd = nil
}

// eventually polls f until it returns nil, failing the test with its last
// error after within.
func eventually(t *testing.T, within time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s: %v", within, what, err)
		}
		time.Sleep(20 * time.Millisecond) // polling a server's state
	}
}

// ---- Cluster ----

// redisCluster is a Cluster of masters only (no replicas), the 16,384
// slots split evenly between them.
type redisCluster struct {
	nodes []*redisProc
}

func startCluster(t *testing.T, masters int) *redisCluster {
	t.Helper()
	c := &redisCluster{}
	var buses []int // the cluster bus ports, for MEET
	for i := range masters {
		bus := freePort(t)
		buses = append(buses, bus)
		c.nodes = append(c.nodes, startRedisProc(t, fmt.Sprintf("cluster node %d", i), "",
			"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(bus),
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"))
	}
	ctx := t.Context()
	per := 16384 / masters
	var clients []*redis.Client
	for i, n := range c.nodes {
		cl := redis.NewClient(&redis.Options{Addr: n.addr()})
		t.Cleanup(func() { cl.Close() })
		clients = append(clients, cl)
		lo, hi := i*per, (i+1)*per-1
		if i == masters-1 {
			hi = 16383
		}
		require.NoError(t, cl.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", lo, hi).Err())
	}
	for i, n := range c.nodes[1:] {
		require.NoError(t, clients[0].Do(ctx, "CLUSTER", "MEET", "127.0.0.1", n.port, buses[i+1]).Err())
	}
	// (A new master reports cluster_state:ok no sooner than 2 s after it
	// started: Redis's CLUSTER_WRITABLE_DELAY.)
	for i, cl := range clients {
		eventually(t, 15*time.Second, fmt.Sprintf("cluster node %d to see the whole cluster", i), func() error {
			info, err := cl.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(masters)) {
				return fmt.Errorf("%s", info)
			}
			shards, err := cl.ClusterShards(ctx).Result()
			if err != nil {
				return err
			}
			withSlots := 0
			for _, sh := range shards {
				if len(sh.Slots) > 0 {
					withSlots++
				}
			}
			if withSlots != masters {
				return fmt.Errorf("%d of %d shards known with their slots", withSlots, masters)
			}
			return nil
		})
	}
	return c
}

func (c *redisCluster) addrs() []string {
	var a []string
	for _, n := range c.nodes {
		a = append(a, n.addr())
	}
	return a
}

// dial returns a universal client on the cluster (several Addrs: a
// *redis.ClusterClient), closed with the test.
func (c *redisCluster) dial(t *testing.T) redis.UniversalClient {
	t.Helper()
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: c.addrs(), PoolSize: 32})
	_, ok := rdb.(*redis.ClusterClient)
	require.True(t, ok, "a universal client on several addresses is a ClusterClient")
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// ---- Sentinel ----

const sentinelMaster = "ghltest-master"

// sentinelGroup is one master, one replica and one Sentinel monitoring
// the master (quorum 1), quick to fail over: it calls the master down
// after downAfter without an answer.
type sentinelGroup struct {
	master, replica, sentinel *redisProc
}

func startSentinel(t *testing.T, downAfter time.Duration) *sentinelGroup {
	t.Helper()
	g := &sentinelGroup{}
	// A replica's first sync waits repl-diskless-sync-delay (5 s) unless told.
	g.master = startRedisProc(t, "sentinel master", "", "--repl-diskless-sync-delay", "0")
	g.replica = startRedisProc(t, "sentinel replica", "", "--replicaof", "127.0.0.1", strconv.Itoa(g.master.port))
	ctx := t.Context()
	rep := redis.NewClient(&redis.Options{Addr: g.replica.addr()})
	defer rep.Close()
	eventually(t, 10*time.Second, "the replica to sync", func() error {
		info, err := rep.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "master_link_status:up") {
			return fmt.Errorf("%s", info)
		}
		return nil
	})
	// Sentinel rewrites its config file: it gets a file of its own.
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	require.NoError(t, os.WriteFile(conf, fmt.Appendf(nil, `sentinel monitor %[1]s 127.0.0.1 %[2]d 1
sentinel down-after-milliseconds %[1]s %[3]d
sentinel failover-timeout %[1]s 5000
sentinel parallel-syncs %[1]s 1
`, sentinelMaster, g.master.port, downAfter.Milliseconds()), 0o600))
	g.sentinel = startRedisProc(t, "sentinel", conf, "--sentinel")
	s := redis.NewSentinelClient(&redis.Options{Addr: g.sentinel.addr()})
	defer s.Close()
	eventually(t, 15*time.Second, "the Sentinel to know the master and its replica", func() error {
		reps, err := s.Replicas(ctx, sentinelMaster).Result()
		if err != nil {
			return err
		}
		if len(reps) != 1 {
			return fmt.Errorf("%d replicas known", len(reps))
		}
		return nil
	})
	return g
}

// dial returns a universal client on the group (MasterName set: a
// failover client that asks the Sentinel for the master), closed with the
// test.
func (g *sentinelGroup) dial(t *testing.T) redis.UniversalClient {
	t.Helper()
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{MasterName: sentinelMaster, Addrs: []string{g.sentinel.addr()},
		PoolSize: 32, DialTimeout: 500 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}
