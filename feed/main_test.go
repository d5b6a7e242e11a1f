package feed_test

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	runChildIfAsked()
	os.Exit(m.Run())
}
