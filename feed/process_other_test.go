//go:build !unix

package feed_test

// runChildIfAsked: the SIGKILL storm runs on unix only.
func runChildIfAsked() {}
