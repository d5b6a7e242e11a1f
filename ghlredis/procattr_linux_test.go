package ghlredis_test

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes cmd get SIGKILL when the test process dies, so that a
// test binary killed by its -timeout (which runs no t.Cleanup) leaves no
// redis-server behind.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
