package feed_test

import (
	"os"
	"testing"

	"github.com/salesnexus/ghl-go/feed"
)

func TestMain(m *testing.M) {
	// Fewer changes read ahead than a page holds: the storms' writes land
	// while a snapshot still pages.
	feed.SetSnapshotBatch(7)
	runChildIfAsked()
	os.Exit(m.Run())
}
