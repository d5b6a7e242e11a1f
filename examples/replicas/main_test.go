package main

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplicasExample runs the README's command: three workers sharing
// one budget through Redis use at least 90% of the emulator's quota and
// meet no 429.
func TestReplicasExample(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, config{workers: 3, perWorker: 120, redisURL: os.Getenv("GHL_REDIS_URL")}))
	got := out.String()
	t.Log("\n" + got)
	assert.Contains(t, got, "3 workers × 120 Contacts.Get")
	assert.Contains(t, got, "Served 360 requests")
	m := regexp.MustCompile(`quota used ([0-9.]+)% of 100 per 1s`).FindStringSubmatch(got)
	require.NotNil(t, m, got)
	used, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, used, 90.0, "the workers together use the quota")
	assert.LessOrEqual(t, used, 100.0)
	assert.Contains(t, got, "429s seen: 0\n")
}

// Without GHL_REDIS_URL and without redis-server on PATH, the example says
// what it needs.
func TestReplicasExampleNeedsRedis(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := run(t.Context(), &bytes.Buffer{}, config{workers: 3, perWorker: 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "this example needs Redis: set GHL_REDIS_URL")
	assert.Contains(t, err.Error(), "redis-server on PATH")
}
