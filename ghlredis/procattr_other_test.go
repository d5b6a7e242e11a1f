//go:build !linux

package ghlredis_test

import "os/exec"

// dieWithTest does nothing where there is no parent-death signal: the
// servers are stopped by t.Cleanup and TestMain only.
func dieWithTest(*exec.Cmd) {}
